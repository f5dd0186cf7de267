"""登录日志: every login, failed login and logout is an audit event filed under the account's
region (so the station head sees his staff's), with the browser's user agent; a login also
starts the session's clock and its row in 在线用户."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from yizhan.accounts import sessions
from yizhan.accounts.models import User
from yizhan.audit.context import client_address
from yizhan.audit.services import record


@receiver(user_logged_in)
def _audit_login(sender, request, user, **kwargs):
    record(
        actor=user,
        action="login",
        object_type="user",
        object_id=user.pk,
        region_code=sessions.login_region(user),
        changes={"user_agent": sessions.user_agent_of(request)},
    )
    if request is not None and hasattr(request, "session"):
        sessions.start(request=request, user=user, ip=client_address(request))
        if getattr(user, "demo_password", False):  # local mode only (accounts.backends)
            request.session[sessions.DEMO_PASSWORD] = True


@receiver(user_logged_out)
def _audit_logout(sender, request, user, **kwargs):
    if user is None:
        return
    reason = getattr(request, "logout_reason", "")
    record(
        actor=user,
        action="logout",
        object_type="user",
        object_id=user.pk,
        region_code=sessions.login_region(user),
        changes={"user_agent": sessions.user_agent_of(request), **({"reason": reason} if reason else {})},
    )
    sessions.stop(session_key=request.session.session_key if request is not None else None)


@receiver(user_login_failed)
def _audit_login_failed(sender, credentials, request=None, **kwargs):
    # Only the name typed is kept; the password never reaches the trail. A name that is an
    # account is filed under its region: its station head sees someone trying it.
    username = credentials.get("username", "")[:150]
    account = User.objects.filter(username=username).first() if username else None
    record(
        actor=None,
        action="login_failed",
        object_type="user",
        object_id=account.pk if account is not None else "",
        region_code=sessions.login_region(account) if account is not None else "",
        changes={"username": username, "user_agent": sessions.user_agent_of(request)},
    )
