from django.apps import AppConfig


class VeteransConfig(AppConfig):
    name = "yizhan.veterans"
    verbose_name = "退役军人"
