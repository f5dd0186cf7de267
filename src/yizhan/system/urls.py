from django.urls import path

from yizhan.system import (
    views,
    views_devices,
    views_logs,
    views_policy,
    views_regions,
    views_security,
    views_staff,
)

app_name = "system"
urlpatterns = [
    path("", views.index, name="index"),
    path("policy/", views_policy.policy_index, name="policy"),
    path("policy/<str:name>/", views_policy.policy_detail, name="policy_detail"),
    # 人员与岗位
    path("staff/", views_staff.staff_list, name="staff"),
    path("staff/new/", views_staff.staff_create, name="staff_create"),
    path("staff/<int:user_pk>/", views_staff.staff_detail, name="staff_detail"),
    path("staff/<int:user_pk>/lock/", views_staff.staff_lock, name="staff_lock"),
    path("staff/<int:user_pk>/reset-password/", views_staff.staff_reset, name="staff_reset"),
    path("staff/<int:user_pk>/reset-otp/", views_staff.staff_otp_reset, name="staff_otp_reset"),
    path("staff/<int:user_pk>/person/", views_staff.staff_person, name="staff_person"),
    path("posts/<int:post_pk>/end/", views_staff.post_end, name="post_end"),
    # 区划与网格
    path("regions/", views_regions.regions, name="regions"),
    path("regions/pick/", views_regions.region_pick, name="region_pick"),
    path("regions/rename/", views_regions.region_rename, name="region_rename"),
    path("regions/villages/", views_regions.village_add, name="village_add"),
    path("regions/load/", views_regions.region_load, name="region_load"),
    path("grids/", views_regions.grid_add, name="grid_add"),
    path("grids/<int:grid_pk>/", views_regions.grid_edit, name="grid_edit"),
    # 设备令牌
    path("devices/", views_devices.devices, name="devices"),
    path("devices/<int:device_pk>/revoke/", views_devices.device_revoke, name="device_revoke"),
    # 日志、在线用户与接口令牌
    path("logs/operations/", views_logs.operations, name="operations"),
    path("logs/logins/", views_logs.logins, name="logins"),
    path("online/", views_security.online, name="online"),
    path("online/<int:session_pk>/end/", views_security.end_session, name="end_session"),
    path("tokens/", views_security.tokens, name="tokens"),
    path("tokens/<int:token_pk>/revoke/", views_security.revoke_token, name="revoke_token"),
]
