"""One check for every status table (core/flow.py): the 应征 stages, the 优待证 and the 帮扶 cases."""

import pytest
from django.core.exceptions import ValidationError

from yizhan.core.flow import TransitionError, check_move, next_steps

LABELS = {"a": "甲", "b": "乙", "c": "丙", "d": "丁"}
TABLE = {"a": {"b": "station", "c": "county"}, "b": ["d"], "c": "d"}


def label(status):
    return LABELS[status]


@pytest.mark.parametrize(("current", "to"), [("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")])
def test_a_move_the_table_lists_passes(current, to):
    check_move(TABLE, current, to, label=label)


def test_a_move_the_table_does_not_list_is_refused_naming_every_next_step():
    with pytest.raises(TransitionError) as caught:
        check_move(TABLE, "a", "d", label=label, what="优待证")
    assert str(caught.value) == "优待证不能从“甲”转为“丁”：下一步骤应为“乙”或“丙”。"


def test_the_end_of_the_table_says_there_is_no_next_step():
    with pytest.raises(TransitionError, match="已无后续环节"):
        check_move(TABLE, "d", "a", label=label, verb="直接办理", step="环节")


def test_a_refusal_is_a_validation_error_so_pages_show_it_beside_the_form():
    with pytest.raises(ValidationError) as caught:
        check_move(TABLE, "b", "c", label=label)
    assert caught.value.messages == ["不能从“乙”转为“丙”：下一步骤应为“丁”。"]


def test_the_next_steps_are_read_the_same_from_a_status_a_list_or_a_dict():
    assert [next_steps(TABLE, s) for s in "abcd"] == [["b", "c"], ["d"], ["d"], []]
