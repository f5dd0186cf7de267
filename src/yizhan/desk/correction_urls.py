from django.urls import path

from yizhan.desk.correction_views import PARAMETERS, correction

app_name = "corrections"

# One route per fact kind, its id named for what it is (the jurisdiction walk maps each name).
urlpatterns = [
    path(f"{fact}/<int:{parameter}>/<str:action>/", correction, {"fact": fact}, name=fact)
    for fact, parameter in PARAMETERS.items()
]
