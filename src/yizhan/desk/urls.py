"""The desk's pages keep the URL names they were first published under ("core:home",
"people:detail"): every link, redirect and bookmark names them. urls.py mounts `person_patterns`
inside the people namespace."""

from django.urls import path

from yizhan.desk import person, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
]

person_patterns = [
    path("<int:pk>/", person.person_detail, name="detail"),
    path("<int:pk>/tab/<slug:tab>/", person.person_tab, name="tab"),
    path("<int:pk>/edit/", person.person_edit, name="edit"),
    path("<int:pk>/relations/", person.relation_add, name="relation_add"),
    path("<int:pk>/relations/remove/", person.relation_remove, name="relation_remove"),
    path("<int:pk>/relations/correct/", person.relation_correct, name="relation_correct"),
]
