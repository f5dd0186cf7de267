from django.urls import path

from yizhan.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="index"),
    path("screen/", views.screen, name="screen"),
    path("figure/<slug:key>/", views.rows, name="rows"),
    path("figure/<slug:key>/export/", views.export, name="export"),
    path("<slug:page>/", views.dashboard, name="dashboard"),
    path("<slug:page>/print/", views.print_page, name="print"),
]
