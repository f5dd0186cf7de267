from django.urls import path

from yizhan.station import views

app_name = "station"
urlpatterns = [
    path("", views.index, name="index"),
    path("teams/new/", views.team_new, name="team_new"),
    path("teams/<int:team_pk>/", views.team, name="team"),
    path("teams/<int:team_pk>/members/", views.team_member_add, name="team_member_add"),
    path("teams/<int:team_pk>/hours/", views.team_hours_add, name="team_hours_add"),
    path("activities/new/", views.activity_new, name="activity_new"),
    path("activities/<int:activity_pk>/", views.activity, name="activity"),
    path(
        "activities/<int:activity_pk>/participants/",
        views.activity_participant_add,
        name="activity_participant_add",
    ),
    path(
        "activities/<int:activity_pk>/households/",
        views.activity_household_add,
        name="activity_household_add",
    ),
    path("activities/<int:activity_pk>/schools/", views.activity_school_add, name="activity_school_add"),
    path("activities/<int:activity_pk>/photos/", views.activity_photo_add, name="activity_photo_add"),
    path("activities/<int:activity_pk>/photos/<int:photo_pk>/", views.activity_photo, name="activity_photo"),
    path("activities/<int:activity_pk>/gift-packs/", views.activity_gift_packs, name="activity_gift_packs"),
    path("honors/", views.honors, name="honors"),
    path("honors/<int:honor_pk>/withdraw/", views.honor_withdraw, name="honor_withdraw"),
    path("screen/honors/", views.honor_screen, name="honor_screen"),
    path("screen/honors/<int:honor_pk>/photo/", views.honor_photo, name="honor_photo"),
    path("archives/", views.archives, name="archives"),
    path("archives/receive/<int:task_pk>/", views.archive_receive, name="archive_receive"),
    path("archives/<int:archive_pk>/lend/", views.archive_lend, name="archive_lend"),
    path("loans/<int:loan_pk>/return/", views.loan_return, name="loan_return"),
]
