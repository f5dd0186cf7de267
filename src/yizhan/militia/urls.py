from django.urls import path

from yizhan.militia import views

app_name = "militia"
urlpatterns = [
    path("", views.index, name="index"),
    path("candidates/", views.candidates, name="candidates"),
    path("callout/", views.callout, name="callout"),
    path("units/new/", views.unit_new, name="unit_new"),
    path("join/", views.join, name="join"),
    path("carry-over/", views.carry_over, name="carry_over"),
    path("members/<int:membership_pk>/leave/", views.leave, name="leave"),
    path("equipment/", views.equipment, name="equipment"),
    path("equipment/new/", views.equipment_new, name="equipment_new"),
    path("equipment/<int:equipment_pk>/inspect/", views.equipment_inspect, name="equipment_inspect"),
]
