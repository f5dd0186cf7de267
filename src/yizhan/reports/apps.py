from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "yizhan.reports"
    verbose_name = "统计"
