from django.urls import path

from yizhan.hall import case_views as views

app_name = "hall_cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("open/", views.case_open, name="open"),
    path("statistics/", views.statistics, name="statistics"),
    # The QR code's page: no login, the one-time token in the query string.
    path("rate/", views.rate_by_token, name="rate_by_token"),
    path("<int:service_case_pk>/", views.case_detail, name="detail"),
    path("<int:service_case_pk>/move/", views.case_move, name="move"),
    path("<int:service_case_pk>/materials/", views.case_materials, name="materials"),
    path("<int:service_case_pk>/step/", views.case_step, name="step"),
    path("<int:service_case_pk>/notice/", views.case_print, {"form": "notice"}, name="notice"),
    path("<int:service_case_pk>/receipt/", views.case_print, {"form": "receipt"}, name="receipt"),
    path("<int:service_case_pk>/qr/", views.case_qr, name="qr"),
    path("<int:service_case_pk>/rate/", views.case_rate, name="rate"),
    path("rectifications/<int:rectification_pk>/", views.rectification, name="rectification"),
]
