from django.urls import path

from yizhan.conscription import views

app_name = "conscription"
urlpatterns = [
    path("", views.index, name="index"),
    path("settings/", views.registration_settings, name="settings"),
    path("registration/", views.registration_search, name="registration"),
    path("registration/<int:person_id>/", views.person_page, name="person"),
    path("registration/<int:person_id>/verify/", views.verify, name="verify"),
    path("registration/<int:person_id>/apply/", views.apply, name="apply"),
    path("unregistered/", views.unregistered, name="unregistered"),
    path("unregistered/export/", views.unregistered_export, name="unregistered_export"),
    path("campaigns/<int:campaign_id>/", views.campaign, name="campaign"),
    path("campaigns/<int:campaign_id>/close/", views.campaign_close, name="campaign_close"),
    path("campaigns/<int:campaign_id>/board/", views.board, name="board"),
    path("campaigns/<int:campaign_id>/board/advance/", views.board_advance, name="advance"),
    path("candidates/<int:candidate_id>/", views.candidate, name="candidate"),
    path("candidates/<int:candidate_id>/stage/", views.candidate_stage, name="candidate_stage"),
    path("candidates/<int:candidate_id>/return/", views.candidate_return, name="candidate_return"),
]
