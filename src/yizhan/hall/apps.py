from django.apps import AppConfig


class HallConfig(AppConfig):
    name = "yizhan.hall"
    verbose_name = "服务大厅"
