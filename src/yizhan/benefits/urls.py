from django.urls import path

from yizhan.benefits import views

app_name = "benefits"
urlpatterns = [
    path("", views.index, name="index"),
    # 义务兵家庭优待金
    path("allowance/rates/", views.allowance_rates, name="allowance_rates"),
    path("allowance/batches/", views.batch_list, name="batches"),
    path("allowance/batches/<int:batch_pk>/", views.batch_detail, name="batch"),
    path("allowance/batches/<int:batch_pk>/review/", views.batch_review, name="batch_review"),
    path("allowance/batches/<int:batch_pk>/paid/", views.batch_paid, name="batch_paid"),
    path("allowance/batches/<int:batch_pk>/bank.xlsx", views.batch_export, name="batch_export"),
    path("allowance/ledger/", views.ledger, name="ledger"),
    path("allowance/recipients/<int:recipient_pk>/reveal/", views.recipient_reveal, name="recipient_reveal"),
    # Work forms of the tasks the rules create: doing the work closes the task.
    path("tasks/<int:task_pk>/recipient/", views.task_recipient, name="task_recipient"),
    path("tasks/<int:task_pk>/plaque/", views.task_plaque, name="task_plaque"),
    # 奖励金
    path("bonuses/", views.bonus_list, name="bonuses"),
    path("bonuses/rates/", views.bonus_rates, name="bonus_rates"),
    path("bonuses/<int:entitlement_pk>/pay/", views.bonus_pay, name="bonus_pay"),
    # 光荣牌
    path("plaques/", views.plaque_list, name="plaques"),
    path("plaques/campaign/", views.plaque_campaign, name="plaque_campaign"),
    path("plaques/<int:plaque_pk>/hang/", views.plaque_hang, name="plaque_hang"),
    # A person's benefits and his household's honor wall
    path("people/<int:person_id>/", views.person_benefits, name="person"),
    path("people/<int:person_id>/recipient/", views.person_recipient, name="person_recipient"),
    path("people/<int:person_id>/honors/", views.honor_wall, name="honor_wall"),
]
