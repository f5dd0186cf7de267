"""The forced change of a first or reset password (the minimal version the staff pages need; the
password policy itself is the 等保 part's)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from yizhan.accounts.services import reset_password


def test_a_reset_password_leads_only_to_the_change_page_until_changed(persona):
    clerk = persona("xinhu_clerk")
    password = reset_password(actor=persona("xinhu_head"), user=clerk)
    client = Client()
    assert (
        client.post(reverse("accounts:login"), {"username": "xinhu_clerk", "password": password}).status_code
        == 302
    )
    for url in ["/", "/people/", "/system/"]:
        answer = client.get(url)
        assert (answer.status_code, answer["Location"]) == (302, reverse("accounts:password_change")), url
    short = client.post(
        reverse("accounts:password_change"),
        {"old_password": password, "new_password": "abc", "new_password_again": "abc"},
    )
    assert "密码" in short.content.decode() and short.status_code == 200
    changed = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": password,
            "new_password": "Hubin-2027-desk",
            "new_password_again": "Hubin-2027-desk",
        },
    )
    assert changed.status_code == 302
    clerk.refresh_from_db()
    assert not clerk.must_change_password and clerk.password_changed_at is not None
    assert client.get("/").status_code == 200
