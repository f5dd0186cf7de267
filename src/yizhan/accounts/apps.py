from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "yizhan.accounts"
    verbose_name = "账号与岗位"

    def ready(self) -> None:
        from yizhan.accounts import signals  # noqa: F401  (connects the login audit receivers)
