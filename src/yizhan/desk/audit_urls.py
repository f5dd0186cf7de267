from django.urls import path
from django.views.generic import RedirectView

# The audit viewer became 系统 → 操作日志 (system/views_logs.py); the old address, and the
# links and bookmarks made with it, lead there with their filters.
app_name = "audit"
urlpatterns = [path("", RedirectView.as_view(pattern_name="system:operations", query_string=True), name="list")]
