from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    name = "yizhan.lifecycle"
    verbose_name = "业务联动"

    def ready(self) -> None:
        # Building the consequence table checks every identity it names against IdentityKind:
        # a typo stops the process at start-up instead of failing the first event that needs it.
        from yizhan.lifecycle import rules  # noqa: F401
