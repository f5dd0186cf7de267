from django.apps import AppConfig


class StationConfig(AppConfig):
    name = "yizhan.station"
    verbose_name = "服务阵地"
