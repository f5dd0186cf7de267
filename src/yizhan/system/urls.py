from django.urls import path

from yizhan.system import views, views_policy

app_name = "system"
urlpatterns = [
    path("", views.index, name="index"),
    path("policy/", views_policy.policy_index, name="policy"),
    path("policy/<str:name>/", views_policy.policy_detail, name="policy_detail"),
]
