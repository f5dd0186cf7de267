from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from yizhan.accounts.models import Post
from yizhan.accounts.selectors import user_with_posts
from yizhan.config import DEMO_PASSWORD


class StaffBackend(ModelBackend):
    """Django's password check, plus: production never accepts the demo password, and a user
    whose posts have all ended cannot sign in (their work was handed back to the station). In
    local mode a sign-in with the demo password is marked (`demo_password`, kept in the session by
    accounts.signals) so that the 90-day expiry does not lock the demo out."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        demo = password in {DEMO_PASSWORD, settings.YIZHAN_DEMO_PASSWORD}
        if settings.YIZHAN_MODE == "production" and demo:
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and demo:
            user.demo_password = True
        return user

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and bool(user.active_posts)

    def get_user(self, user_id):
        """The signed-in user of every request, with his active posts, in one query (Django's
        reads the user, then user_can_authenticate reads his posts)."""
        return user_with_posts(Post.objects.filter(user_id=user_id))
