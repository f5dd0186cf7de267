from django.urls import include, path

from yizhan.api import api
from yizhan.desk import urls as desk_urls
from yizhan.desk.views import healthz, ping
from yizhan.people import urls as people_urls

handler400 = "yizhan.core.errors.bad_request"
handler403 = "yizhan.core.errors.permission_denied"
handler404 = "yizhan.core.errors.page_not_found"
handler500 = "yizhan.core.errors.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("ping", ping, name="ping"),
    path("accounts/", include("yizhan.accounts.urls")),
    # The person page and its tabs are the desk's, under the names people:detail and people:tab.
    path("people/", include((desk_urls.person_patterns + people_urls.urlpatterns, "people"))),
    path("audit/", include("yizhan.desk.audit_urls")),
    path("tasks/", include("yizhan.worklist.urls")),
    path("conscription/", include("yizhan.conscription.urls")),
    path("veterans/", include("yizhan.veterans.urls")),
    path("benefits/", include("yizhan.benefits.urls")),
    path("care/", include("yizhan.care.urls")),
    path("hall/", include("yizhan.hall.urls")),
    path("militia/", include("yizhan.militia.urls")),
    path("station/", include("yizhan.station.urls")),
    path("ledgers/", include("yizhan.ledgers.urls")),
    path("reports/", include("yizhan.reports.urls")),
    path("calendar/", include("yizhan.lifecycle.urls")),
    path("system/", include("yizhan.system.urls")),
    path("corrections/", include("yizhan.desk.correction_urls")),
    path("cases/", include("yizhan.hall.case_urls")),
    path("api/", api.urls),
    path("", include("yizhan.desk.urls")),
]
