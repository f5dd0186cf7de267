from django.contrib.auth.decorators import login_required
from django.urls import path
from django.views.generic import RedirectView

# The audit viewer became 系统 → 操作日志 (system/views_logs.py); the old address, and the
# links and bookmarks made with it, lead there with their filters (signed in first, so the
# address of a page behind it is never told to a stranger).
app_name = "audit"
old_viewer = login_required(RedirectView.as_view(pattern_name="system:operations", query_string=True))
urlpatterns = [path("", old_viewer, name="list")]
