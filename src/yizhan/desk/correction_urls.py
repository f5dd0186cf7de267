from django.urls import path

from yizhan.desk.correction_views import correction

app_name = "corrections"

urlpatterns = [
    path("<str:fact>/<int:pk>/<str:action>/", correction, name="form"),
]
