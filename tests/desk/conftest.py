"""Corrections reach every area: the conscription, benefits and veterans fixtures are shared."""

import datetime

import pytest

from tests.benefits.conftest import family, make_family, rates  # noqa: F401
from tests.conscription.conftest import advance, campaign, candidate, parents, recruit, year_2026  # noqa: F401


@pytest.fixture(autouse=True)
def _today_after_the_scenarios(today_is):
    # The scenarios run through intakes, periods and payments still ahead of the machine's clock.
    today_is(datetime.date(2031, 12, 31))
