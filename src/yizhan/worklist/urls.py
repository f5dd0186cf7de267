from django.urls import path

from yizhan.worklist import views

app_name = "worklist"
urlpatterns = [
    path("", views.task_list, name="list"),
    path("bulk/", views.bulk, name="bulk"),
    path("<int:pk>/", views.task_detail, name="detail"),
    path("<int:pk>/claim/", views.task_claim, name="claim"),
    path("<int:pk>/assign/", views.task_assign, name="assign"),
    path("<int:pk>/complete/", views.task_complete, name="complete"),
]
