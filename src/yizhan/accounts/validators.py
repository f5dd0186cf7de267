from django.conf import settings
from django.core.exceptions import ValidationError


class NotDemoPasswordValidator:
    """The published demo password never protects a real account."""

    def validate(self, password: str, user=None) -> None:
        if password == settings.YIZHAN_DEMO_PASSWORD and settings.YIZHAN_MODE == "production":
            raise ValidationError("不能使用演示密码。", code="demo_password")

    def get_help_text(self) -> str:
        return "生产模式下不能使用演示密码。"
