from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "yizhan.regions"
    verbose_name = "行政区划"
