from django.core.management.base import BaseCommand, CommandError

from yizhan.accounts.models import User
from yizhan.accounts.services import issue_api_token


class Command(BaseCommand):
    help = "为系统对接签发接口令牌（令牌只显示这一次）。Issue an API token for a user."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("name", help="用途说明")

    def handle(self, *args, username: str, name: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有用户 {username}。")
        self.stdout.write(issue_api_token(actor=None, user=user, name=name))
