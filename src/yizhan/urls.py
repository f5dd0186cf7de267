from django.urls import include, path

from yizhan.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("yizhan.accounts.urls")),
    path("", include("yizhan.core.urls")),
]
