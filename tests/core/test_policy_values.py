"""参数设置: the registry of named rule values, the one lookup (most specific region, latest
effective date) and the one way of changing a value (bounds, permission, reason, audit)."""

from __future__ import annotations

import ast
import datetime
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

import yizhan
from yizhan.audit.models import AuditEvent
from yizhan.core.models import PolicyValue
from yizhan.core.policy_values import AWAITING_READER, REGISTRY, policy_value, set_policy_value
from yizhan.desk.selectors import events_visible_to

D = datetime.date
SRC = Path(yizhan.__file__).parent
TESTS = Path(__file__).parents[1]
XINHU_VILLAGE, HUAQIAO_VILLAGE = "371402001001", "320583400001"
DECHENG, DEZHOU, SHANDONG, KUNSHAN = "371402000000", "371400000000", "370000000000", "320583000000"
NEW_YEAR, JUNE = D(2026, 1, 1), D(2026, 6, 1)


def put(name="checkin.days", region_code=DECHENG, value=45, on=NEW_YEAR, actor=None, **more):
    return set_policy_value(
        actor=actor,
        name=name,
        region_code=region_code,
        effective_from=on,
        value=value,
        reason="县政府文件",
        **more,
    )


def read(region_code=XINHU_VILLAGE, on=JUNE, name="checkin.days"):
    return policy_value(name, region_code=region_code, on=on)


# --- the registry is read by the rules, through the one lookup ---------------------------------


def string_constants(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def names_in(paths) -> set[str]:
    return {text for path in paths for text in string_constants(path)}


def test_every_registered_value_is_named_by_a_rule_outside_the_registry():
    sources = [p for p in SRC.rglob("*.py") if "migrations" not in p.parts and p.name != "policy_values.py"]
    unread = set(REGISTRY) - names_in(sources) - set(AWAITING_READER)
    assert not unread, f"no rule reads {sorted(unread)}: read it with policy_value or drop it"
    assert not set(AWAITING_READER) & names_in(sources), (
        "a value awaiting its reader is read: take it off AWAITING_READER"
    )


def test_every_registered_value_has_a_test_that_changes_it():
    tested = names_in(
        p for p in TESTS.rglob("test_*.py") if p.name != "test_policy_values.py" or p.parent.name != "core"
    )
    untested = set(REGISTRY) - tested - set(AWAITING_READER)
    assert not untested, f"write a test that changes {sorted(untested)} and sees the rule follow"


# The code constants the registry replaced: a rule reading one of them again bypasses the lookup.
REPLACED = {
    "CHECKIN_DAYS", "PUBLIC_NOTICE_DAYS", "PHOTO_SIZE", "HOME_SERVICE_AGE", "LOG_WITHIN_WORKING_DAYS",
    "DELIVERY_LEVEL_BY_AWARD", "ENLISTMENT_MIN_AGE", "ENLISTMENT_MAX_AGE", "ENLISTMENT_MAX_AGE_DEFAULT",
    "INTAKE_DATES",
}  # fmt: skip


def test_no_rule_keeps_a_constant_of_its_own_for_a_registered_value():
    for path in SRC.rglob("*.py"):
        names = {
            n.id for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if isinstance(n, ast.Name)
        }
        assert not names & REPLACED, (
            f"{path.relative_to(SRC)} uses {sorted(names & REPLACED)}: read core.policy_values"
        )


def test_every_default_lies_within_its_own_bounds():
    for spec in REGISTRY.values():
        assert spec.clean(spec.default) == spec.default, spec.name
        assert spec.label and spec.topic_label, spec.name


# --- the lookup ------------------------------------------------------------------------------


def test_without_any_row_the_national_default_applies(world):
    assert read() == REGISTRY["checkin.days"].default == 30


def test_the_most_specific_region_wins_and_a_neighbour_county_keeps_the_national_value(world):
    put(region_code=SHANDONG, value=40)
    assert read() == 40
    put(region_code=DEZHOU, value=50)
    put(region_code=DECHENG, value=60)
    put(region_code="", value=35, actor=None)
    assert read() == 60
    assert read(region_code=HUAQIAO_VILLAGE) == 35


def test_a_value_applies_from_its_effective_date_and_a_later_change_replaces_it(world):
    put(value=45, on=D(2026, 1, 1))
    put(value=60, on=D(2027, 1, 1))
    assert read(on=D(2025, 12, 31)) == 30
    assert read(on=D(2026, 12, 31)) == 45
    assert read(on=D(2027, 1, 1)) == 60
    put(value=50, on=D(2026, 1, 1))  # a correction of the 2026 value, made later
    assert read(on=D(2026, 6, 1)) == 50


def test_a_county_that_stops_its_own_value_inherits_the_one_above_again(world):
    put(region_code=SHANDONG, value=40)
    put(value=60, on=D(2026, 1, 1))
    put(value=None, inherits=True, on=D(2027, 1, 1))
    assert (read(on=D(2026, 6, 1)), read(on=D(2027, 6, 1))) == (60, 40)


# --- changing a value ------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "message"), [(0, "不能小于 1"), (91, "不能大于 90"), ("三十", "整数")])
def test_a_value_outside_its_bounds_is_refused_in_chinese(world, value, message):
    with pytest.raises(ValidationError, match=message):
        put(value=value)
    assert not PolicyValue.objects.exists()


def test_a_choice_must_be_one_of_its_choices_and_a_date_a_month_and_day(world):
    with pytest.raises(ValidationError, match="请选择"):
        put(name="merit_notice.level.first_class", value="province")
    with pytest.raises(ValidationError, match="月-日"):
        put(name="conscription.intake_date_first", value="02-30")
    assert put(name="conscription.intake_date_first", value="3-15").value == "03-15"


def test_a_change_needs_a_reason(persona):
    with pytest.raises(ValidationError, match="修改原因"):
        set_policy_value(
            actor=persona("decheng"), name="checkin.days", region_code=DECHENG, effective_from=D(2026, 1, 1),
            value=45, reason="  ",
        )  # fmt: skip


def test_the_county_officer_changes_his_county_and_nothing_above_or_beside_it(persona):
    decheng = persona("decheng")
    assert put(actor=decheng).changed_by == decheng
    for region in (DEZHOU, SHANDONG, "", KUNSHAN):
        with pytest.raises(PermissionDenied):
            put(actor=decheng, region_code=region)


def test_national_provincial_and_city_values_are_the_system_administrators_and_counties_are_not(persona):
    admin = persona("admin")
    for region in ("", SHANDONG, DEZHOU):
        put(actor=admin, region_code=region)
    with pytest.raises(PermissionDenied, match="业务主管"):
        put(actor=admin, region_code=DECHENG)


@pytest.mark.parametrize("username", ["xinhu_head", "xinhu_clerk", "huaqiao_clerk"])
def test_station_staff_change_no_value(persona, username):
    with pytest.raises(PermissionDenied):
        put(actor=persona(username))


def test_a_township_has_no_values_of_its_own(world):
    with pytest.raises(ValidationError, match="不按乡镇"):
        put(region_code="371402001000")


def test_a_change_is_audited_once_under_its_region_and_the_stations_below_see_it(persona):
    put(actor=persona("decheng"))
    event = AuditEvent.objects.get(object_type="policy_value")
    assert (event.region_code, event.reason, event.changes["取值"]) == (DECHENG, "县政府文件", "45 天")
    assert events_visible_to(persona("xinhu_head")).filter(pk=event.pk).exists()
