import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yizhan.audit.models import AuditEvent
from yizhan.core.idnumber import make
from yizhan.people import selectors, services
from yizhan.people.models import Identity, IdentityKind, Person, RelationKind
from yizhan.regions.models import Region


def xinhu_village():
    return Region.objects.get(code="371402001001")


def test_a_person_gets_birth_date_sex_and_birthplace_from_the_id_number(world):
    number = make(area_code="371402", birth_date=datetime.date(2001, 3, 9), sex="F", sequence=7)
    person = services.create_person(
        actor=None, name=" 王  小红 ", id_number=number.lower(), region=xinhu_village()
    )
    assert person.name == "王 小红"
    assert (person.sex, person.birth_date, person.birthplace_code) == (
        "F",
        datetime.date(2001, 3, 9),
        "371402",
    )
    assert person.id_number == number
    assert person.id_number_masked == number[:6] + "********" + number[-4:]
    assert person.name_initials == "wxh"


def test_full_width_characters_and_spaces_in_the_id_number_are_normalised(world):
    number = make(area_code="371402", birth_date=datetime.date(1995, 1, 1), sex="M", sequence=3)
    full_width = " ".join(chr(ord(c) + 0xFEE0) for c in number)
    person = services.create_person(actor=None, name="李雷", id_number=full_width, region=xinhu_village())
    assert person.id_number == number


def test_a_typed_sex_or_birth_date_that_contradicts_the_id_number_is_rejected_in_chinese(world):
    number = make(area_code="371402", birth_date=datetime.date(1995, 1, 1), sex="M", sequence=3)
    with pytest.raises(ValidationError) as caught:
        services.create_person(
            actor=None,
            name="李雷",
            id_number=number,
            sex="F",
            birth_date=datetime.date(1995, 1, 2),
            region=xinhu_village(),
        )
    errors = caught.value.message_dict
    assert "性别" in errors["sex"][0]
    assert "出生日期" in errors["birth_date"][0]
    assert not Person.objects.exists()


def test_a_wrong_check_digit_is_explained(world):
    number = make(area_code="371402", birth_date=datetime.date(1995, 1, 1), sex="M", sequence=3)
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    with pytest.raises(ValidationError) as caught:
        services.create_person(actor=None, name="李雷", id_number=wrong, region=xinhu_village())
    assert "校验码" in caught.value.message_dict["id_number"][0]


def test_registering_an_existing_id_number_is_refused_and_links_the_record_in_scope(make_person, persona):
    existing = make_person(name="商春旺")
    clerk = persona("xinhu_clerk")
    with pytest.raises(services.DuplicatePerson) as caught:
        services.create_person(
            actor=clerk,
            visible_to=selectors.people_visible_to(clerk),
            name="商春旺",
            id_number=existing.id_number,
            region=xinhu_village(),
        )
    assert caught.value.existing == existing


def test_a_duplicate_out_of_scope_is_refused_without_revealing_the_record(make_person, persona):
    existing = make_person(name="商春旺")
    other = persona("huaqiao_clerk")
    with pytest.raises(services.DuplicatePerson) as caught:
        services.create_person(
            actor=other,
            visible_to=selectors.people_visible_to(other),
            name="商春旺",
            id_number=existing.id_number,
            region=Region.objects.get(code="320583400001"),
        )
    assert caught.value.existing is None
    assert "不在您的管辖范围" in str(caught.value)


def test_every_write_is_audited_with_personal_values_masked(make_person, persona):
    clerk = persona("xinhu_clerk")
    person = make_person(name="商春旺", phone="13912345678", actor=clerk)
    event = AuditEvent.objects.get(action="person.create", object_id=str(person.pk))
    assert event.actor == clerk
    assert event.region_code == "371402001001"
    assert event.changes["fields"]["phone"] == ["", "139****5678"]
    assert person.id_number not in str(event.changes)
    assert "13912345678" not in str(event.changes)


def test_a_save_on_a_stale_version_is_refused_and_names_what_changed(make_person, persona):
    person = make_person(name="商春旺")
    head, clerk = persona("xinhu_head"), persona("xinhu_clerk")
    services.update_person(actor=head, person=person, expected_version=1, address="新湖社区1号")
    with pytest.raises(services.StaleEdit) as caught:
        services.update_person(actor=clerk, person=person, expected_version=1, address="运河社区9号")
    assert caught.value.current.address == "新湖社区1号"
    assert [e.changes["fields"]["address"] for e in caught.value.since] == [["", "新湖社区1号"]]
    assert Person.objects.get(pk=person.pk).version == 2


def test_an_update_with_the_current_version_bumps_it(make_person, persona):
    person = make_person(name="商春旺")
    updated = services.update_person(
        actor=persona("xinhu_clerk"), person=person, expected_version=1, phone="139 1234 5678"
    )
    assert updated.version == 2
    assert updated.phone == "13912345678"


def test_revealing_needs_the_permission_and_a_reason_and_is_audited(make_person, persona):
    person = make_person(name="商春旺", phone="13912345678")
    with pytest.raises(PermissionDenied):
        services.reveal(actor=persona("xinhu_village"), person=person, field="id_number", reason="核对")
    with pytest.raises(ValidationError):
        services.reveal(actor=persona("xinhu_clerk"), person=person, field="id_number", reason=" ")
    value = services.reveal(actor=persona("xinhu_clerk"), person=person, field="phone", reason="电话回访")
    assert value == "13912345678"
    event = AuditEvent.objects.get(action="person.reveal")
    assert (event.reason, event.changes, event.actor_name) == ("电话回访", {"field": "phone"}, "韩晓东")


def test_military_family_is_computed_from_relations(make_person):
    soldier = make_person(name="商春旺", born=datetime.date(2005, 1, 1))
    father = make_person(name="商建国", born=datetime.date(1975, 1, 1))
    wife = make_person(name="李芳", born=datetime.date(2005, 6, 1), sex="F")
    son = make_person(name="商小宝", born=datetime.date(2024, 1, 1))
    brother = make_person(name="商春雨", born=datetime.date(2003, 1, 1))
    services.add_relation(actor=None, person=soldier, relative=father, kind=RelationKind.PARENT)
    services.add_relation(actor=None, person=wife, relative=soldier, kind=RelationKind.SPOUSE)
    services.add_relation(
        actor=None, person=son, relative=soldier, kind=RelationKind.PARENT
    )  # recorded from the son's side
    services.add_relation(actor=None, person=soldier, relative=brother, kind=RelationKind.SIBLING)
    family = selectors.military_family_of(soldier, today=datetime.date(2026, 11, 29))
    assert set(family) == {father, wife, son}


def test_an_adult_child_counts_as_family_only_when_unable_to_live_independently(make_person):
    veteran = make_person(name="商建国", born=datetime.date(1970, 1, 1))
    daughter = make_person(name="商小红", born=datetime.date(1998, 1, 1), sex="F")
    services.add_relation(actor=None, person=veteran, relative=daughter, kind=RelationKind.CHILD)
    assert selectors.military_family_of(veteran) == []
    Person.objects.filter(pk=daughter.pk).update(dependent_adult=True)
    assert selectors.military_family_of(veteran) == [Person.objects.get(pk=daughter.pk)]


def test_identities_are_filterable_by_kind_and_village(make_person, persona):
    mother = make_person(name="王秀英", sex="F", born=datetime.date(1975, 1, 1))
    elsewhere = make_person(name="赵秀兰", sex="F", village="371402001002", born=datetime.date(1975, 1, 1))
    for person in (mother, elsewhere):
        services.grant_identity(
            actor=None,
            person=person,
            kind=IdentityKind.MILITARY_FAMILY,
            since=datetime.date(2026, 9, 1),
            source="manual",
        )
    clerk = persona("xinhu_clerk")
    in_village = selectors.list_people(
        user=clerk, identity=IdentityKind.MILITARY_FAMILY, region_code="371402001001"
    )
    assert list(in_village) == [mother]


def test_an_ended_identity_is_no_longer_current(make_person):
    person = make_person(name="商春旺")
    identity = services.grant_identity(
        actor=None,
        person=person,
        kind=IdentityKind.ACTIVE_SERVICEMEMBER,
        since=datetime.date(2024, 9, 1),
        source="manual",
    )
    services.end_identity(actor=None, identity=identity, until=datetime.date(2026, 9, 1), source="manual")
    assert selectors.current_identities(person, today=datetime.date(2026, 11, 1)) == []
    assert selectors.current_identities(person, today=datetime.date(2025, 1, 1)) == [
        Identity.objects.get(pk=identity.pk)
    ]


def test_granting_an_open_identity_twice_keeps_one(make_person):
    person = make_person(name="商春旺")
    for _ in range(2):
        services.grant_identity(
            actor=None,
            person=person,
            kind=IdentityKind.VETERAN,
            since=datetime.date(2024, 9, 1),
            source="manual",
        )
    assert person.identities.count() == 1


def test_a_merge_moves_everything_to_the_kept_record_and_is_audited(make_person, persona):
    keep = make_person(name="商春旺")
    duplicate = services.create_person(
        actor=None, name="商春旺", region=xinhu_village(), sex="M", phone="13912345678"
    )
    services.grant_identity(
        actor=None,
        person=duplicate,
        kind=IdentityKind.VETERAN,
        since=datetime.date(2024, 9, 1),
        source="manual",
    )
    head = persona("xinhu_head")
    services.merge_people(actor=head, keep=keep, duplicate=duplicate, reason="同一人重复登记")
    keep.refresh_from_db()
    assert keep.phone == "13912345678"
    assert keep.identities.get().kind == IdentityKind.VETERAN
    assert Person.objects.get(pk=duplicate.pk).merged_into == keep
    assert duplicate.pk not in [p.pk for p in selectors.people_visible_to(head)]
    assert AuditEvent.objects.filter(action="person.merge", reason="同一人重复登记").exists()


def test_two_records_with_different_id_numbers_cannot_be_merged(make_person, persona):
    a, b = make_person(name="商春旺"), make_person(name="商春旺")
    with pytest.raises(ValidationError, match="不是同一人"):
        services.merge_people(actor=persona("xinhu_head"), keep=a, duplicate=b, reason="x")


def test_a_clerk_may_not_merge(make_person, persona):
    a = make_person(name="商春旺")
    b = services.create_person(actor=None, name="商春旺", region=xinhu_village(), sex="M")
    with pytest.raises(PermissionDenied):
        services.merge_people(actor=persona("xinhu_clerk"), keep=a, duplicate=b, reason="x")


def test_a_merge_moves_the_records_of_other_areas_too(make_person, persona):
    from yizhan.lifecycle.models import DomainEvent, EventKind
    from yizhan.lifecycle.services import emit
    from yizhan.worklist.models import Task

    keep = make_person(name="商春旺", born=datetime.date(2006, 1, 1))
    duplicate = services.create_person(actor=None, name="商春旺", region=xinhu_village(), sex="M")
    emit(
        kind=EventKind.ENLISTMENT_APPROVED,
        key="candidate:9",
        person=duplicate,
        occurred_on=datetime.date(2026, 9, 1),
    )
    services.merge_people(actor=persona("xinhu_head"), keep=keep, duplicate=duplicate, reason="重复登记")
    assert DomainEvent.objects.get().person == keep
    assert {t.subject_key for t in Task.objects.all()} == {f"person:{keep.pk}"}
    assert keep.service_records.count() == 1


def test_a_merge_moves_the_records_whose_relation_is_hidden_and_an_activity_holds_the_kept_person_once(
    make_person, persona
):
    """Most of care's, the militia's and the station's records point at the person with
    related_name "+": a merge must move them too (Person._meta.related_objects leaves them out)."""
    from yizhan.care.campaigns import log_contact
    from yizhan.care.models import ContactLog
    from yizhan.station import services as station
    from yizhan.station.models import HonorEntry, JointActivity

    keep = make_person(name="商春旺")
    duplicate = services.create_person(actor=None, name="商春旺", region=xinhu_village(), sex="M")
    day = datetime.date(2026, 11, 2)
    log_contact(actor=None, person=duplicate, channel="phone", on=day)
    station.add_honor(actor=None, person=duplicate, kind="award", title="三等功", consent_on=day)
    township = Region.objects.get(code="371402001000")
    both = station.create_activity(
        actor=None, township=township, kind="national_defense", title="国防教育", held_on=day, place="新湖中学",
        organiser="both", persons=[keep, duplicate],
    )  # fmt: skip
    only_duplicate = station.create_activity(
        actor=None, township=township, kind="memorial", title="烈士纪念日", held_on=day, place="烈士陵园",
        organiser="both", persons=[duplicate],
    )  # fmt: skip
    services.merge_people(actor=persona("xinhu_head"), keep=keep, duplicate=duplicate, reason="重复登记")
    assert ContactLog.objects.get().person == keep
    assert HonorEntry.objects.get().person == keep
    assert list(JointActivity.objects.get(pk=both.pk).persons.all()) == [keep]
    assert list(JointActivity.objects.get(pk=only_duplicate.pk).persons.all()) == [keep]
