import datetime

import pytest

from yizhan.conscription.models import Campaign, Candidate, CandidateStatus
from yizhan.lifecycle.models import EventKind
from yizhan.lifecycle.services import emit
from yizhan.people import services as people_services
from yizhan.regions.models import Region

APPROVAL = datetime.date(2026, 9, 1)
XINHU = "371402001000"


@pytest.fixture(autouse=True)
def _documents(_private_data_dir):
    """Photos go to a temporary data directory."""


@pytest.fixture
def intake(world):
    return Campaign.objects.create(
        county_id="371402000000", year=2026, half="H2", opens_on=datetime.date(2026, 5, 1),
        approval_on=APPROVAL, quota=5,
    )  # fmt: skip


@pytest.fixture
def recruit(make_person, intake):
    """recruit(name): a man of 新湖 approved for the intake, in his own household, with the
    gift pack task the rules table opens for him."""

    def make(name: str, village: str = "371402001001"):
        person = make_person(name=name, village=village, born=datetime.date(2006, 3, 1))
        people_services.create_household(
            actor=None, region=person.region, address="运河路 1 号", members=[person], head=person
        )
        candidate = Candidate.objects.create(
            campaign=intake, person=person, region_code=person.region_id, applied_on=datetime.date(2026, 6, 1),
            stage="enlistment_approval", status=CandidateStatus.ENLISTED,
        )  # fmt: skip
        emit(kind=EventKind.ENLISTMENT_APPROVED, key=f"candidate:{candidate.pk}", person=person,
             occurred_on=APPROVAL, payload={"branch": "army"})  # fmt: skip
        person.refresh_from_db()
        return person

    return make


@pytest.fixture
def xinhu(world):
    return Region.objects.get(code=XINHU)
