from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "yizhan.care"
    verbose_name = "走访慰问"
