from django.urls import path

from yizhan.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_new, name="new"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/tab/<slug:tab>/", views.person_tab, name="tab"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/reveal/", views.person_reveal, name="reveal"),
    path("<int:pk>/relations/", views.relation_add, name="relation_add"),
    path("<int:pk>/relations/remove/", views.relation_remove, name="relation_remove"),
    path("<int:pk>/identities/", views.identity_add, name="identity_add"),
    path("<int:pk>/service/", views.service_add, name="service_add"),
    path("<int:pk>/awards/", views.award_add, name="award_add"),
    path("<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_download, name="document"),
    path("<int:pk>/photo/", views.person_photo, name="photo"),
    path("<int:pk>/merge/", views.person_merge, name="merge"),
]
