from django.apps import AppConfig


class LedgersConfig(AppConfig):
    name = "yizhan.ledgers"
    verbose_name = "台账"
