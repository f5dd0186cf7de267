from django.apps import AppConfig


class MilitiaConfig(AppConfig):
    name = "yizhan.militia"
    verbose_name = "民兵"
