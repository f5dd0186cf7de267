import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from yizhan.accounts.models import User
from yizhan.accounts.roles import Department, Role
from yizhan.accounts.services import create_user, grant_post
from yizhan.regions.models import Region


class Command(BaseCommand):
    help = "为工作人员设置岗位（没有岗位不能登录）；--create 同时建立账号。Grant a post (role × department × region)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--department", default=Department.BOTH, choices=Department.values)
        parser.add_argument("--region", help="12 位区划代码（系统管理员不需要）")
        parser.add_argument("--title", default="", help="职务，如：部长兼站长")
        parser.add_argument(
            "--create", metavar="NAME", help="账号不存在时以此姓名建立，密码从标准输入读取一行"
        )

    def handle(self, *args, username, role, department, region, title, create, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            if not create:
                raise CommandError(f"没有用户 {username}；如需建立，请加 --create 姓名。")
            password = sys.stdin.readline().strip()
            try:
                validate_password(password)
            except ValidationError as exc:
                raise CommandError("密码不符合要求：" + "".join(exc.messages)) from None
            user = create_user(actor=None, username=username, display_name=create, password=password)
        if role != Role.SYSADMIN and not Region.objects.filter(code=region or "").exists():
            raise CommandError("请用 --region 指定已载入的 12 位区划代码。")
        post = grant_post(
            actor=None,
            user=user,
            role=role,
            department=department,
            region_code=region if role != Role.SYSADMIN else None,
            title=title,
        )
        self.stdout.write(f"已设置岗位：{user} · {post}")
