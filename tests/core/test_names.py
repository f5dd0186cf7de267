"""Names refuse control, bidirectional-override and zero-width characters (yizhan/text.py), in
every name field of every form and in the services behind them."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from yizhan.text import NameField, check_name

INVISIBLE = {
    "right-to-left override": "商\u202e旺春",
    "left-to-right embedding": "\u202a商春旺",
    "isolate": "商春\u2066旺\u2069",
    "zero-width space": "商\u200b春旺",
    "zero-width joiner": "商\u200d春旺",
    "byte order mark": "\ufeff商春旺",
    "control": "商\x07春旺",
    "line separator": "商\u2028春旺",
}


def name_fields():
    from yizhan.benefits.forms import PlaqueForm
    from yizhan.care.forms import GiftPackForm, MeritNoticeForm, VisitForm
    from yizhan.people.forms import PersonForm
    from yizhan.veterans.forms import CardApplicationForm, CardMoveForm

    return [
        (PersonForm, "name"),
        (CardApplicationForm, "applicant"),
        (CardMoveForm, "signed_by"),
        (PlaqueForm, "hung_by"),
        (MeritNoticeForm, "participants"),
        (MeritNoticeForm, "signer_name"),
        (GiftPackForm, "received_by"),
        (VisitForm, "participants"),
    ]


@pytest.mark.parametrize("text", INVISIBLE.values(), ids=INVISIBLE.keys())
@pytest.mark.parametrize(("form", "name"), name_fields(), ids=lambda v: getattr(v, "__name__", v))
def test_every_name_field_refuses_invisible_characters(form, name, text):
    field = form.base_fields[name]
    assert isinstance(field, NameField)
    with pytest.raises(ValidationError, match="不可见的控制或格式字符"):
        field.clean(text)
    assert field.clean("商春旺") == "商春旺"


def test_a_list_of_names_keeps_its_line_breaks_and_a_name_does_not():
    assert check_name("区人武部 张某\n街道武装部 李某", field="participants", multiline=True)
    with pytest.raises(ValidationError, match="U\\+000A"):
        check_name("商\n春旺", field="name")


def test_the_registry_refuses_a_right_to_left_override_in_a_name(make_person):
    with pytest.raises(ValidationError) as refused:
        make_person(name="商\u202e旺春")
    assert "U+202E" in refused.value.message_dict["name"][0]


def test_the_person_form_shows_the_refusal_beside_the_name(login_as):
    response = login_as("xinhu_clerk").post(
        "/people/new/",
        {"name": "商\u202e旺春", "sex": "M", "birth_date": "1999-05-01", "region": "371402001001"},
    )
    assert response.status_code == 200
    assert "不可见的控制或格式字符" in response.content.decode()


def test_services_refuse_invisible_characters_in_signer_and_participant_names(persona):
    from yizhan.accounts.services import create_user
    from yizhan.benefits.services.honors import hang_plaque
    from yizhan.people.models import Household
    from yizhan.regions.models import Region

    with pytest.raises(ValidationError, match="不可见"):
        create_user(actor=None, username="x", display_name="张\u200b三", password="long-password-1")
    household = Household.objects.create(region=Region.objects.get(code="371402001001"))
    with pytest.raises(ValidationError, match="不可见"):
        hang_plaque(
            actor=persona("xinhu_head"), household=household, category="military_family",
            hung_on=datetime.date(2026, 1, 1), hung_by="张\u202e三", signed=True,
        )  # fmt: skip
