from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "yizhan.audit"
    verbose_name = "审计"

    def ready(self) -> None:
        from yizhan.audit import labels

        labels.load()
