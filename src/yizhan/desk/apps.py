from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "yizhan.desk"
    verbose_name = "工作台"

    def ready(self) -> None:
        # The consequence table names every domain app's effects, so it lives up here; the
        # lifecycle engine below is handed it at start and never imports upward to find it.
        # Building it also checks every identity it names: a typo stops the process at start-up.
        from yizhan.desk import rules
        from yizhan.lifecycle import services

        services.use_rules(rules=rules.RULES, time_rules=rules.TIME_RULES)
