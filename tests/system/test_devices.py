"""Device tokens: issued per station, shown once, hashed at rest, listed, revoked at once; a
device opens its own pages and nothing personal."""

from __future__ import annotations

import hashlib
import re

from django.test import Client
from django.urls import reverse

from yizhan.accounts.devices import COOKIE, device_required
from yizhan.accounts.models import Device


def issue(client, region="371402001000", name="一号窗口叫号屏") -> str:
    response = client.post(reverse("system:devices"), {"kind": "screen", "name": name, "region": region})
    assert "no-store" in response["Cache-Control"]
    return re.search(r'data-testid="device-token">([^<]+)<', response.content.decode())[1]


def test_a_station_head_issues_a_token_shown_once_and_kept_only_as_its_hash(login_as):
    head = login_as("xinhu_head")
    token = issue(head)
    device = Device.objects.get()
    assert device.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Device.objects.values_list())
    listing = head.get(reverse("system:devices")).content.decode()
    assert "一号窗口叫号屏" in listing and token not in listing


def test_a_device_is_issued_only_for_a_station_in_reach(login_as):
    answer = login_as("xinhu_head").post(
        reverse("system:devices"), {"kind": "screen", "name": "外站", "region": "320583400000"}
    )
    assert "未找到该区划" in answer.content.decode()
    assert not Device.objects.exists()


def test_an_activated_device_opens_its_page_and_a_revocation_ends_it_at_once(login_as):
    head = login_as("xinhu_head")
    token = issue(head)
    screen = Client()
    activated = screen.post(reverse("accounts:device_activate"), {"token": token})
    assert activated.status_code == 302 and activated.cookies[COOKIE]["httponly"]
    assert "一号窗口叫号屏" in screen.get(reverse("accounts:device")).content.decode()
    by_header = Client().get(reverse("accounts:device"), HTTP_AUTHORIZATION=f"Device {token}")
    assert by_header.status_code == 200
    head.post(reverse("system:device_revoke", args=[Device.objects.get().pk]))
    refused = screen.get(reverse("accounts:device"))
    assert refused.status_code == 403 and "已吊销" in refused.content.decode()


def test_a_wrong_token_activates_nothing(world):
    answer = Client().post(reverse("accounts:device_activate"), {"token": "guess"})
    assert "设备令牌无效" in answer.content.decode() and COOKIE not in answer.cookies


def test_a_device_token_opens_nothing_personal(login_as, make_person):
    person = make_person(name="商春旺")
    token = issue(login_as("xinhu_head"))
    screen = Client()
    screen.post(reverse("accounts:device_activate"), {"token": token})
    for url in ["/", "/people/", f"/people/{person.pk}/", "/system/", "/audit/", "/worklist/"]:
        for client in (screen, Client(HTTP_AUTHORIZATION=f"Device {token}")):
            answer = client.get(url)
            assert answer.status_code in {302, 404}, url
            assert "商春旺" not in answer.content.decode()
            if answer.status_code == 302:
                assert answer["Location"].startswith(reverse("accounts:login"))
    for client in (
        screen,
        Client(HTTP_AUTHORIZATION=f"Device {token}"),
        Client(HTTP_AUTHORIZATION=f"Bearer {token}"),
    ):
        assert client.get("/api/people").status_code == 401


def test_the_decorator_sets_the_device_and_refuses_a_staff_session(rf, login_as):
    seen = []

    @device_required
    def page(request):
        seen.append(request.device)
        from django.http import HttpResponse

        return HttpResponse("ok")

    token = issue(login_as("xinhu_head"))
    request = rf.get("/", HTTP_AUTHORIZATION=f"Device {token}")
    assert page(request).status_code == 200 and seen[0].name == "一号窗口叫号屏"
    assert page(rf.get("/")).status_code == 403
