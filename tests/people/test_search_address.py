"""A search by ID number leaves the number out of the address (core/search.py): the boxes post,
the server keeps the query behind a token and shows the page at ?s=<token>."""

import pytest
from django.urls import reverse

from yizhan.accounts.models import User
from yizhan.accounts.services import issue_api_token


def test_a_posted_search_redirects_to_a_token_address_that_shows_the_results(make_person, login_as):
    person = make_person(name="商春旺")
    client = login_as("xinhu_clerk")
    posted = client.post(reverse("people:list"), {"q": person.id_number})
    assert posted.status_code == 302
    address = posted["Location"]
    assert address.startswith("/people/?s=") and person.id_number not in address
    shown = client.get(address)
    assert person.id_number_masked in shown.content.decode()
    assert shown.context["people"] == [person]


def test_filters_travel_with_the_token_and_a_token_is_private_to_its_session(make_person, login_as):
    make_person(name="商春旺")
    client = login_as("xinhu_clerk")
    address = client.post(reverse("people:list"), {"q": "scw", "identity": "veteran"})["Location"]
    assert "identity=veteran" in address and "scw" not in address
    assert login_as("xinhu_head").get(address).context["query"] == ""


def test_a_search_asked_again_keeps_its_token_and_leaves_the_session_unwritten(make_person, login_as):
    from django.contrib.sessions.models import Session

    make_person(name="商春旺")
    client = login_as("xinhu_clerk")
    first = client.post(reverse("people:list"), {"q": "scw"})["Location"]
    stored = Session.objects.get(session_key=client.session.session_key).session_data
    assert client.post(reverse("people:list"), {"q": "scw"})["Location"] == first
    assert Session.objects.get(session_key=client.session.session_key).session_data == stored
    assert client.post(reverse("people:list"), {"q": "shang"})["Location"] != first


def test_an_htmx_search_answers_in_place_and_has_htmx_show_the_token_address(make_person, login_as):
    person = make_person(name="商春旺")
    response = login_as("xinhu_clerk").post(
        reverse("people:list"),
        {"q": person.id_number},
        headers={"HX-Request": "true", "HX-Target": "results"},
    )
    assert response.status_code == 200
    assert response["HX-Push-Url"].startswith("/people/?s=")
    assert person.id_number not in response["HX-Push-Url"]


@pytest.mark.parametrize("url_name", ["people:list", "conscription:registration"])
def test_an_id_number_typed_into_an_address_is_moved_behind_a_token(make_person, login_as, url_name):
    person = make_person(name="商春旺")
    response = login_as("xinhu_head").get(reverse(url_name), {"q": person.id_number})
    assert response.status_code == 302
    assert person.id_number not in response["Location"] and "?s=" in response["Location"]


def test_a_name_in_an_address_still_searches_where_it_is(make_person, login_as):
    make_person(name="商春旺")
    response = login_as("xinhu_clerk").get(reverse("people:list"), {"q": "scw"})
    assert response.status_code == 200 and [p.name for p in response.context["people"]] == ["商春旺"]


def test_every_search_box_posts(login_as):
    head = login_as("xinhu_head")
    pages = [
        reverse("people:list"),
        reverse("conscription:registration"),
    ]
    for page in pages:
        html = head.get(page).content.decode()
        assert 'method="get"' not in html.split('name="q"')[0].rsplit("<form", 1)[-1], page


def test_the_merge_page_searches_through_the_picker_which_posts_what_is_typed(make_person, login_as):
    person = make_person(name="商春旺")
    twin = make_person(name="商春旺")
    client = login_as("xinhu_head")
    html = client.get(reverse("people:merge", args=[person.pk])).content.decode()
    box = html.split("data-picker-query")[0].rsplit("<input", 1)[-1]
    assert " name=" not in box  # what is typed is never sent with the page's GET form
    found = client.post(reverse("people:pick"), {"q": twin.id_number, "exclude": person.pk}).content.decode()
    assert f'data-pick="{twin.pk}"' in found and f'data-pick="{person.pk}"' not in found


def test_the_api_takes_an_id_number_only_in_a_post_body(make_person, client):
    person = make_person(name="商春旺")
    token = issue_api_token(actor=None, user=User.objects.get(username="xinhu_clerk"), name="对接测试")
    auth = {"Authorization": f"Bearer {token}"}
    refused = client.get("/api/people", {"q": person.id_number}, headers=auth)
    assert refused.status_code == 400
    assert "POST /api/people/search" in refused.json()["detail"]
    found = client.post(
        "/api/people/search", {"q": person.id_number}, content_type="application/json", headers=auth
    )
    assert found.status_code == 200 and [p["id"] for p in found.json()] == [person.pk]
    assert client.get("/api/people", {"q": "scw"}, headers=auth).status_code == 200
