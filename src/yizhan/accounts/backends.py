from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from yizhan.config import DEMO_PASSWORD


class StaffBackend(ModelBackend):
    """Django's password check, plus: production never accepts the demo password, and a user
    whose posts have all ended cannot sign in (their work was handed back to the station)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if settings.YIZHAN_MODE == "production" and password in {
            DEMO_PASSWORD,
            settings.YIZHAN_DEMO_PASSWORD,
        }:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and bool(user.active_posts)
