from django.apps import AppConfig


class WorklistConfig(AppConfig):
    name = "yizhan.worklist"
    verbose_name = "待办"
