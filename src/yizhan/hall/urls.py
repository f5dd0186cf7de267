from django.urls import path

from yizhan.hall import views, views_devices

app_name = "hall"

urlpatterns = [
    path("", views.index, name="index"),
    path("issue/", views.desk_issue, name="issue"),
    path("open/", views.open_hall, name="open_hall"),
    path("tickets/<int:ticket_pk>/receipt/", views.receipt, name="receipt"),
    path("tickets/<int:ticket_pk>/transfer/", views.transfer, name="transfer"),
    path("tickets/<int:ticket_pk>/<str:step>/", views.ticket_step, name="ticket_step"),
    path("windows/new/", views.window_new, name="window_new"),
    path("windows/<int:window_pk>/", views.window, name="window"),
    path("windows/<int:window_pk>/edit/", views.window_edit, name="window_edit"),
    path("windows/<int:window_pk>/sign-in/", views.sign_in, name="sign_in"),
    path("windows/<int:window_pk>/sign-out/", views.sign_out, name="sign_out"),
    path("windows/<int:window_pk>/call/", views.call_next, name="call_next"),
    path("items/", views.items, name="items"),
    path("items/<str:item_code>/", views.item_edit, name="item_edit"),
    # Devices (token) and the public pages (no login).
    path("kiosk/", views_devices.kiosk, name="kiosk"),
    path("kiosk/<str:item_code>/", views_devices.kiosk_item, name="kiosk_item"),
    path("screen/", views_devices.screen, name="screen"),
    path("public/<str:station>/", views_devices.public_catalog, name="public_catalog"),
    path("public/<str:station>/<str:item_code>/", views_devices.public_guide, name="public_guide"),
]
