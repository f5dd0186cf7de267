"""Chinese only, whatever the browser asks for: Django's own messages (form validation, password
rules) come from its zh_Hans catalogue; the favicon is ours; and no page of a signed-in user is
kept in any cache."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.utils import translation

from yizhan.core.forms import FormRenderer, StyledForm
from yizhan.veterans.forms import CheckinForm


def test_a_form_posted_from_an_english_browser_answers_in_chinese(login_as):
    client = login_as("xinhu_clerk")
    page = client.post(
        "/people/new/", {"ethnicity": "汉族"}, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"
    ).content.decode()
    assert "这个字段是必填项。" in page
    assert "This field is required" not in page


def test_djangos_password_rules_speak_chinese(persona):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        validate_password("xinhu_clerk1", user=persona("xinhu_clerk"))
    messages = " ".join(refused.value.messages)
    assert "密码" in messages and "password" not in messages.lower()


def test_the_language_cannot_be_switched_to_english(client, db):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="zh-Hans"' in page and "登录" in page


def test_every_page_names_our_own_favicon(login_as):
    page = login_as("xinhu_clerk").get("/").content.decode()
    assert 'rel="icon" href="/static/yizhan/favicon.svg"' in page
    assert finders.find("yizhan/favicon.svg")


@pytest.mark.parametrize("url", ["/", "/people/", "/audit/", "/no-such-page/"])
def test_no_answer_to_a_signed_in_user_is_cached(login_as, url):
    response = login_as("xinhu_head").get(url)
    assert "no-store" in response["Cache-Control"]


def test_static_files_may_be_cached(login_as):
    assert "no-store" not in login_as("xinhu_head").get("/static/yizhan/app.js").get("Cache-Control", "")


def test_a_group_of_checkboxes_renders_one_labelled_box_per_line():
    html = CheckinForm()["documents"].as_field_group()
    boxes = html.count('type="checkbox"')
    assert boxes >= 2 and html.count('<li class="form-check">') == boxes
    for index in range(boxes):
        assert f'for="id_documents_{index}"' in html and f'id="id_documents_{index}"' in html
    assert html.count('class="form-check-input"') == boxes


def test_every_form_renders_through_the_one_field_template(settings):
    assert settings.FORM_RENDERER == "yizhan.core.forms.FormRenderer"
    assert FormRenderer.field_template_name == "core/forms/field.html"

    class Example(StyledForm):
        pass

    assert Example().renderer.field_template_name == "core/forms/field.html"
