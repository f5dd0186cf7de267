from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    name = "yizhan.lifecycle"
    verbose_name = "业务联动"
