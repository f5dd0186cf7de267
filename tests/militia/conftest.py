import datetime

import pytest

from yizhan.militia import services
from yizhan.militia.models import UnitLevel
from yizhan.regions.models import Region

DAY = datetime.date(2026, 12, 1)  # 整组 for 2027 is drawn up in December 2026
YEAR = 2027
XINHU = "371402001000"


def born_aged(age: int) -> datetime.date:
    """Born so that he is `age` on 1 January of the roster year (and has had his birthday)."""
    return datetime.date(YEAR - age - 1, 6, 1)


@pytest.fixture
def militia_day(today_is):
    today_is(DAY)
    return DAY


@pytest.fixture
def company(world, militia_day):
    return services.create_unit(
        actor=None, township=Region.objects.get(code=XINHU), name="新湖街道民兵连", level=UnitLevel.COMPANY
    )


@pytest.fixture
def veteran_of(make_person):
    """veteran_of(name, age): a man of 新湖 holding the 退役军人 identity."""
    from yizhan.people.services import grant_identity

    def make(name: str, age: int, **extra):
        person = make_person(name=name, born=born_aged(age), **extra)
        grant_identity(
            actor=None, person=person, kind="veteran", since=datetime.date(2020, 12, 1), source="manual"
        )
        return person

    return make
