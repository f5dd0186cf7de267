from django.urls import path

from yizhan.people import views, views_household, views_picker

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
    path("<int:pk>/photo/", views.person_photo, name="photo"),
    path("<int:pk>/merge/", views.person_merge, name="merge"),
    path("<int:pk>/household/", views_household.household_new, name="household_new"),
    path("pick/", views_picker.person_pick, name="pick"),
    path("households/<int:household>/", views_household.household_detail, name="household"),
    path("households/<int:household>/edit/", views_household.household_edit, name="household_edit"),
    path("households/<int:household>/head/", views_household.household_head, name="household_head"),
    path("households/<int:household>/grid/", views_household.household_grid, name="household_grid"),
    path("households/<int:household>/members/", views_household.household_add_member, name="household_add"),
    path(
        "households/<int:household>/members/remove/",
        views_household.household_remove_member,
        name="household_remove",
    ),
]
