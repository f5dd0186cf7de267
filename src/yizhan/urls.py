from django.urls import include, path

from yizhan.api import api
from yizhan.core.views import healthz, ping

handler400 = "yizhan.core.errors.bad_request"
handler403 = "yizhan.core.errors.permission_denied"
handler404 = "yizhan.core.errors.page_not_found"
handler500 = "yizhan.core.errors.server_error"

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
    path("system/", include("yizhan.system.urls")),
    path("corrections/", include("yizhan.desk.correction_urls")),
    path("api/", api.urls),
    path("", include("yizhan.core.urls")),
]
