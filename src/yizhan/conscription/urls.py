from django.urls import path

from yizhan.conscription import views

app_name = "conscription"
urlpatterns = [
    path("", views.index, name="index"),
]
