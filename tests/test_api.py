from yizhan.accounts.models import User
from yizhan.accounts.services import issue_api_token


def test_a_token_acts_with_its_users_scope_and_sees_only_masked_values(make_person, client):
    person = make_person(name="商春旺", phone="13912345678")
    make_person(name="商春旺", village="320583400001")
    token = issue_api_token(actor=None, user=User.objects.get(username="xinhu_clerk"), name="对接测试")
    response = client.get("/api/people", {"q": "scw"}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    [found] = response.json()
    assert found["id"] == person.pk
    assert found["phone_masked"] == "139****5678"
    assert person.id_number not in response.content.decode()


def test_the_api_finds_what_the_search_box_finds_in_the_same_order(make_person, client):
    from yizhan.people.selectors import search_people

    for name in ["商春旺", "商春", "沈长伟", "孙春旺"]:
        make_person(name=name)
    user = User.objects.get(username="xinhu_clerk")
    token = issue_api_token(actor=None, user=user, name="对接测试")
    for query in ["scw", "sc", "商春", "shang"]:
        answered = client.get("/api/people", {"q": query}, headers={"Authorization": f"Bearer {token}"})
        box = search_people(user=user, query=query)
        assert [p["id"] for p in answered.json()] == [p.pk for p in box], query
        assert [p["id_number_masked"] for p in answered.json()] == [p.id_number_masked for p in box]
        assert [p["region_name"] for p in answered.json()] == [p.region.name for p in box]


def test_the_api_refuses_an_unknown_token_and_an_anonymous_caller(world, client):
    assert (
        client.get("/api/people", {"q": "scw"}, headers={"Authorization": "Bearer nonsense"}).status_code
        == 401
    )
    assert client.get("/api/people", {"q": "scw"}).status_code == 401


def test_a_person_out_of_scope_answers_404_through_the_api(make_person, login_as):
    foreign = make_person(name="钱外乡", village="320583400001")
    response = login_as("xinhu_clerk").get(f"/api/people/{foreign.pk}")
    assert response.status_code == 404
    assert "钱外乡" not in response.content.decode()


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_every_error_the_api_gives_is_a_chinese_sentence(world, client, login_as):
    anonymous = client.get("/api/people", {"q": "scw"})
    clerk = login_as("xinhu_clerk")
    missing = clerk.get("/api/people/999999")
    invalid = clerk.get("/api/people", {"q": "scw", "limit": "many"})
    bad_body = clerk.post("/api/people/search", "{", content_type="application/json")
    for answer, status in [(anonymous, 401), (missing, 404), (invalid, 422), (bad_body, 400)]:
        detail = answer.json()["detail"]
        assert answer.status_code == status
        assert isinstance(detail, str) and has_chinese(detail), (status, detail)
        for english in ("Not Found", "Unauthorized", "Input should", "field required"):
            assert english not in answer.content.decode()
    assert "limit" in invalid.json()["detail"]
