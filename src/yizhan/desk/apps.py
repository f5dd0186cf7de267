from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "yizhan.desk"
    verbose_name = "工作台"
