from django.urls import path

from yizhan.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("area/<slug:key>/", views.area, name="area"),
]
