"""Staff and posts under 系统: who sees and manages which accounts, account creation with a
first password shown once, lock, reset, posts given and ended with the hand-back preview."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from yizhan.accounts.models import Post, User
from yizhan.accounts.roles import Role
from yizhan.audit.models import AuditEvent

NEW_CLERK = {
    "username": "xinhu_new",
    "display_name": "冯新民",
    "role": Role.STATION_CLERK,
    "department": "veterans",
    "region": "371402001000",
    "title": "服务站干事",
}


def signs_in(username: str, password: str) -> bool:
    answer = Client().post(reverse("accounts:login"), {"username": username, "password": password})
    return answer.status_code == 302


def one_time_password(response) -> str:
    return re.search(r'data-testid="one-time-password">([^<]+)<', response.content.decode())[1]


def test_the_system_menu_shows_for_officers_and_heads_with_only_their_sections(login_as):
    for username, shown in [("admin", True), ("decheng", True), ("xinhu_head", True), ("xinhu_clerk", False)]:
        home = login_as(username).get("/").content.decode()
        assert ('href="/system/"' in home) is shown, username
    head_index = login_as("xinhu_head").get(reverse("system:index")).content.decode()
    assert "人员与岗位" in head_index and "设备令牌" in head_index
    assert "法定节假日" not in head_index  # the national settings stay the administrators'
    assert login_as("xinhu_clerk").get(reverse("system:index")).status_code == 404


def test_a_station_head_sees_his_stations_staff_and_not_the_county_or_another_township(login_as):
    body = login_as("xinhu_head").get(reverse("system:staff")).content.decode()
    assert "xinhu_clerk" in body and "xinhu_village" in body
    assert "huaqiao_clerk" not in body and "decheng" not in body and ">admin<" not in body
    county = login_as("decheng").get(reverse("system:staff")).content.decode()
    assert "xinhu_head" in county and "huaqiao_clerk" not in county
    everyone = login_as("admin").get(reverse("system:staff")).content.decode()
    assert "huaqiao_clerk" in everyone and "xinhu_clerk" in everyone


def test_the_staff_list_filters_by_region_tree_role_and_state(login_as, persona):
    client = login_as("decheng")
    village = client.get(reverse("system:staff"), {"region": "371402001001"}).content.decode()
    assert "xinhu_village" in village and "xinhu_clerk" not in village
    clerks = client.get(reverse("system:staff"), {"role": "station_clerk"}).content.decode()
    assert "xinhu_clerk" in clerks and "xinhu_head" not in clerks
    clerk = persona("xinhu_clerk")
    clerk.is_active = False
    clerk.save()
    locked = client.get(reverse("system:staff"), {"state": "locked"}).content.decode()
    assert "xinhu_clerk" in locked and "xinhu_village" not in locked


def test_admin_creates_an_account_with_its_first_post_and_a_password_shown_once(login_as, persona):
    response = login_as("admin").post(reverse("system:staff_create"), NEW_CLERK)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = one_time_password(response)
    user = User.objects.get(username="xinhu_new")
    assert user.must_change_password and user.check_password(password)
    assert password not in str(list(AuditEvent.objects.values_list("changes", flat=True)))
    assert [(p.role, p.region_id) for p in user.active_posts] == [(Role.STATION_CLERK, "371402001000")]
    assert signs_in("xinhu_new", password)


def test_a_station_head_creates_clerks_and_liaisons_of_his_station_and_nothing_above(login_as):
    client = login_as("xinhu_head")
    liaison = {
        **NEW_CLERK,
        "username": "xinhu_liaison2",
        "role": Role.VILLAGE_LIAISON,
        "region": "371402001002",
    }
    assert client.post(reverse("system:staff_create"), liaison).status_code == 200
    assert User.objects.filter(username="xinhu_liaison2").exists()
    head = client.post(reverse("system:staff_create"), {**NEW_CLERK, "role": Role.STATION_HEAD})
    assert "选择一个有效的选项" in head.content.decode() or "不能" in head.content.decode()
    county = client.post(reverse("system:staff_create"), {**NEW_CLERK, "region": "371402000000"})
    assert "未找到该区划" in county.content.decode()
    foreign = client.post(reverse("system:staff_create"), {**NEW_CLERK, "region": "320583400000"})
    assert "未找到该区划" in foreign.content.decode()
    assert not User.objects.filter(username="xinhu_new").exists()


def test_a_taken_or_malformed_username_is_refused_in_chinese_beside_the_field(login_as):
    client = login_as("admin")
    taken = client.post(
        reverse("system:staff_create"), {**NEW_CLERK, "username": "xinhu_clerk"}
    ).content.decode()
    assert "该用户名已被使用" in taken and 'value="冯新民"' in taken
    bad = client.post(reverse("system:staff_create"), {**NEW_CLERK, "username": "新 用户"}).content.decode()
    assert "小写字母" in bad


def test_locking_stops_the_login_and_unlocking_gives_it_back(login_as, persona):
    from yizhan.config import DEMO_PASSWORD

    head = login_as("xinhu_head")
    clerk = persona("xinhu_clerk")
    head.post(reverse("system:staff_lock", args=[clerk.pk]), {"action": "lock"})
    assert not signs_in("xinhu_clerk", DEMO_PASSWORD)
    head.post(reverse("system:staff_lock", args=[clerk.pk]), {"action": "unlock"})
    assert signs_in("xinhu_clerk", DEMO_PASSWORD)
    assert list(
        AuditEvent.objects.filter(object_id=str(clerk.pk), action__startswith="user.")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["user.create", "user.lock", "user.unlock"]


def test_a_reset_password_is_shown_once_and_must_be_changed(login_as, persona):
    clerk = persona("xinhu_clerk")
    response = login_as("xinhu_head").post(reverse("system:staff_reset", args=[clerk.pk]))
    password = one_time_password(response)
    clerk.refresh_from_db()
    assert clerk.must_change_password and clerk.check_password(password)


@pytest.mark.parametrize("target", ["decheng", "xinhu_head", "huaqiao_clerk"])
def test_a_station_head_cannot_touch_accounts_above_or_beside_him(login_as, persona, target):
    user = persona(target)
    head = login_as("xinhu_head")
    before = (user.password, user.is_active)
    for name in ("system:staff_lock", "system:staff_reset"):
        assert head.post(reverse(name, args=[user.pk]), {"action": "lock"}).status_code in {403, 404}
    user.refresh_from_db()
    assert (user.password, user.is_active) == before


def test_a_post_given_through_the_page_opens_the_region_and_a_foreign_one_is_not_found(login_as, persona):
    liaison = persona("xinhu_village")
    head = login_as("xinhu_head")
    url = reverse("system:staff_detail", args=[liaison.pk])
    head.post(
        url,
        {"role": Role.VILLAGE_LIAISON, "department": "both", "region": "371402001002", "title": "民兵连长"},
    )
    assert {p.region_id for p in User.objects.get(pk=liaison.pk).active_posts} == {
        "371402001001",
        "371402001002",
    }
    foreign = head.post(url, {"role": Role.VILLAGE_LIAISON, "department": "both", "region": "320583400001"})
    assert "未找到该区划" in foreign.content.decode()


def test_ending_a_post_previews_the_work_it_hands_back_then_returns_it_to_the_station(
    login_as, persona, make_person
):
    from yizhan.worklist.models import TaskStatus
    from yizhan.worklist.services import claim, ensure_task

    clerk = persona("xinhu_clerk")
    person = make_person(name="商春旺")
    import datetime

    task, _ = ensure_task(
        kind="checkin", rule="test", department="veterans", due_on=datetime.date(2030, 1, 1),
        region_code=person.region_id, person=person,
    )  # fmt: skip
    claim(actor=clerk, task=task)
    post = clerk.active_posts[0]
    head = login_as("xinhu_head")
    preview = head.get(reverse("system:post_end", args=[post.pk])).content.decode()
    assert "商春旺" in preview and "1 件" in preview
    assert "商*旺" in login_as("admin").get(reverse("system:post_end", args=[post.pk])).content.decode()
    head.post(reverse("system:post_end", args=[post.pk]))
    task.refresh_from_db()
    assert (task.assignee_id, task.status) == (None, TaskStatus.OPEN)
    assert Post.objects.get(pk=post.pk).ended_on is not None


def test_a_station_head_cannot_end_his_own_post_or_the_county_officers(login_as, persona):
    head = login_as("xinhu_head")
    own = persona("xinhu_head").active_posts[0]
    county = persona("decheng").active_posts[0]
    assert head.post(reverse("system:post_end", args=[own.pk])).status_code == 403
    assert head.post(reverse("system:post_end", args=[county.pk])).status_code == 404
    assert Post.objects.filter(pk__in=[own.pk, county.pk], ended_on__isnull=True).count() == 2


def test_the_region_picker_opens_one_level_at_a_time_within_the_users_reach(login_as):
    head = login_as("xinhu_head")
    roots = head.get(reverse("system:region_pick"), {"reach": "accounts"}).content.decode()
    assert "新湖街道" in roots and "德城区" not in roots
    villages = head.get(reverse("system:region_pick"), {"reach": "accounts", "node": "371402001000"}).content
    assert "新湖社区" in villages.decode() and "居委会" in villages.decode()
    found = head.get(
        reverse("system:region_pick"), {"reach": "accounts", "picker_q": "花桥"}
    ).content.decode()
    assert "花桥" not in found.replace('value="花桥"', "")
    admin = login_as("admin").get(reverse("system:region_pick"), {"reach": "accounts", "picker_q": "花桥"})
    assert "花桥经济开发区" in admin.content.decode()


def test_a_clerk_is_linked_to_his_own_registry_person_and_the_two_stay_separate(
    login_as, persona, make_person
):
    veteran = make_person(name="韩晓东")
    clerk = persona("xinhu_clerk")
    head = login_as("xinhu_head")
    url = reverse("system:staff_person", args=[clerk.pk])
    head.post(url, {"id_number": veteran.id_number})
    clerk.refresh_from_db()
    assert clerk.person == veteran and clerk.display_name == "韩晓东"
    assert "韩晓东</a>" in head.get(reverse("system:staff_detail", args=[clerk.pk])).content.decode()
    admin_view = login_as("admin").get(reverse("system:staff_detail", args=[clerk.pk])).content.decode()
    assert "不在您的查看范围内" in admin_view
    head.post(url, {"action": "unlink"})
    clerk.refresh_from_db()
    assert clerk.person is None
    assert list(
        AuditEvent.objects.filter(action__in=["user.link_person", "user.unlink_person"])
        .values_list("action", "region_code")
        .order_by("pk")
    ) == [("user.link_person", veteran.region_id), ("user.unlink_person", "")]


def test_a_person_outside_the_managers_reach_is_not_found_for_a_link(login_as, persona, make_person):
    foreign = make_person(name="钱外乡", village="320583400001")
    answer = login_as("xinhu_head").post(
        reverse("system:staff_person", args=[persona("xinhu_clerk").pk]), {"id_number": foreign.id_number}
    )
    assert "未找到该身份证号的人员" in answer.content.decode()
    assert persona("xinhu_clerk").person is None


def test_merging_the_linked_duplicate_moves_the_accounts_link_to_the_kept_person(persona, make_person):
    from yizhan.accounts.services import link_person
    from yizhan.people.services import create_person, merge_people
    from yizhan.regions.models import Region

    keep = make_person(name="韩晓东")
    duplicate = create_person(actor=None, name="韩晓东", region=Region.objects.get(code="371402001001"))
    clerk = persona("xinhu_clerk")
    link_person(actor=persona("xinhu_head"), user=clerk, person=duplicate)
    merge_people(actor=persona("xinhu_head"), keep=keep, duplicate=duplicate, reason="重复登记")
    clerk.refresh_from_db()
    assert clerk.person == keep
