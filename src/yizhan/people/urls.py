from django.urls import path

from yizhan.people import views

# The person page, its tabs and the family facts the lifecycle engine re-computes from (edit,
# relations) are served by desk/ under these same names: see desk/urls.py person_patterns.
app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_new, name="new"),
    path("<int:pk>/reveal/", views.person_reveal, name="reveal"),
    path("<int:pk>/identities/", views.identity_add, name="identity_add"),
    path("<int:pk>/service/", views.service_add, name="service_add"),
    path("<int:pk>/awards/", views.award_add, name="award_add"),
    path("<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_download, name="document"),
    path("<int:pk>/merge/", views.person_merge, name="merge"),
]
