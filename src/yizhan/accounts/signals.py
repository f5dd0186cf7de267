from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from yizhan.audit.services import record


@receiver(user_logged_in)
def _audit_login(sender, request, user, **kwargs):
    record(actor=user, action="login", object_type="user", object_id=user.pk)


@receiver(user_logged_out)
def _audit_logout(sender, request, user, **kwargs):
    if user is not None:
        record(actor=user, action="logout", object_type="user", object_id=user.pk)


@receiver(user_login_failed)
def _audit_login_failed(sender, credentials, request=None, **kwargs):
    # Only the name typed is kept; the password never reaches the trail.
    record(
        actor=None,
        action="login_failed",
        object_type="user",
        changes={"username": credentials.get("username", "")[:150]},
    )
