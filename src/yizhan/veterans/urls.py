from django.urls import path

from yizhan.veterans import views

app_name = "veterans"
urlpatterns = [
    path("", views.index, name="index"),
    path("people/<int:person_id>/discharge/", views.discharge, name="discharge"),
    path("people/<int:person_id>/death/", views.death, name="death"),
    path("people/<int:person_id>/status-change/", views.status_change, name="status_change"),
    path("people/<int:person_id>/award/", views.award, name="award"),
    path("people/<int:person_id>/checkin/", views.checkin, name="checkin"),
    path("people/<int:person_id>/profile/", views.profile, name="profile"),
    path("people/<int:person_id>/confirm/", views.confirm, name="confirm"),
    path("people/<int:person_id>/employment/", views.employment, name="employment"),
    path("people/<int:person_id>/assistance/", views.assistance_open, name="assistance_open"),
    path("assistance/<int:case_id>/", views.assistance_detail, name="assistance"),
    path("people/<int:person_id>/card/", views.card_apply, name="card_apply"),
    path("people/<int:person_id>/card/current/", views.person_card, name="person_card"),
    path("cards/", views.card_list, name="cards"),
    path("cards/<int:card_id>/", views.card_detail, name="card"),
    path("cards/<int:card_id>/print/", views.card_print, name="card_print"),
    path("cards/<int:card_id>/photo/", views.card_photo, name="card_photo"),
]
