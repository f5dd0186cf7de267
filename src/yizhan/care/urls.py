from django.urls import path

from yizhan.care import views, views_campaigns

app_name = "care"
urlpatterns = [
    path("", views.index, name="index"),
    path("tasks/<int:task_pk>/merit-notice/", views.merit_notice_form, name="merit_notice_form"),
    path("tasks/<int:task_pk>/gift-pack/", views.gift_pack_form, name="gift_pack_form"),
    path("tasks/<int:task_pk>/condolence-visit/", views.condolence_form, name="condolence_form"),
    path("merit-notices/<int:merit_notice_pk>/", views.merit_notice, name="merit_notice"),
    path("merit-notices/<int:merit_notice_pk>/print/", views.merit_notice_print, name="merit_notice_print"),
    path(
        "merit-notices/<int:merit_notice_pk>/receipt/",
        views.merit_notice_receipt,
        name="merit_notice_receipt",
    ),
    path("gift-packs/<int:gift_pack_pk>/", views.gift_pack, name="gift_pack"),
    path("gift-packs/<int:gift_pack_pk>/receipt/", views.gift_pack_receipt, name="gift_pack_receipt"),
    path("visits/<int:visit_pk>/", views.visit, name="visit"),
    path("visits/<int:visit_pk>/receipt/", views.visit_receipt, name="visit_receipt"),
    path("campaigns/", views_campaigns.campaign_list, name="campaigns"),
    path("campaigns/new/", views_campaigns.campaign_new, name="campaign_new"),
    path("campaigns/<int:campaign_pk>/", views_campaigns.campaign, name="campaign"),
    path(
        "campaigns/<int:campaign_pk>/generate/", views_campaigns.campaign_generate, name="campaign_generate"
    ),
    path("campaign-visits/<int:campaign_visit_pk>/", views_campaigns.campaign_visit, name="campaign_visit"),
    path("contacts/", views_campaigns.contacts, name="contacts"),
    path("contacts/<int:person_id>/", views_campaigns.contact_log, name="contact_log"),
]
