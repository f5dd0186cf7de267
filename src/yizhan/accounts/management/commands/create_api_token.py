import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from yizhan.accounts.models import User
from yizhan.accounts.services import TokenRefused, issue_api_token


class Command(BaseCommand):
    help = "为系统对接签发接口令牌（令牌只显示这一次）。Issue an API token for a user."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("name", help="用途说明")
        parser.add_argument("--days", type=int, default=None, help="有效天数（不填则长期有效，直至停用）")

    def handle(self, *args, username: str, name: str, days: int | None, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有用户 {username}。")
        expires_at = timezone.now() + datetime.timedelta(days=days) if days else None
        try:
            self.stdout.write(issue_api_token(actor=None, user=user, name=name, expires_at=expires_at))
        except TokenRefused as exc:
            raise CommandError(str(exc)) from None
