from django.urls import include, path

from yizhan.api import api
from yizhan.core.views import healthz, ping

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("ping", ping, name="ping"),
    path("accounts/", include("yizhan.accounts.urls")),
    path("people/", include("yizhan.people.urls")),
    path("audit/", include("yizhan.audit.urls")),
    path("tasks/", include("yizhan.worklist.urls")),
    path("conscription/", include("yizhan.conscription.urls")),
    path("veterans/", include("yizhan.veterans.urls")),
    path("benefits/", include("yizhan.benefits.urls")),
    path("care/", include("yizhan.care.urls")),
    path("ledgers/", include("yizhan.ledgers.urls")),
    path("calendar/", include("yizhan.lifecycle.urls")),
    path("api/", api.urls),
    path("", include("yizhan.core.urls")),
]
