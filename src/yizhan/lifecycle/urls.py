from django.urls import path

from yizhan.lifecycle import views

app_name = "lifecycle"
urlpatterns = [path("", views.calendar, name="calendar")]
