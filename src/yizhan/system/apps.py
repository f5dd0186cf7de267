from django.apps import AppConfig


class SystemConfig(AppConfig):
    name = "yizhan.system"
    verbose_name = "系统"
