import datetime
import io

import pytest
from PIL import Image

from yizhan.lifecycle.models import EventKind
from yizhan.lifecycle.services import emit
from yizhan.people import services as people_services
from yizhan.people.models import RelationKind


def photo_bytes(size=(352, 440), fmt="JPEG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, fmt)
    return buffer.getvalue()


@pytest.fixture
def serving(make_person):
    """A conscript approved on 2024-09-01, with his parents in one household."""
    soldier = make_person(name="商春旺", born=datetime.date(2005, 3, 1))
    father = make_person(name="商建国", born=datetime.date(1975, 3, 1))
    mother = make_person(name="王秀英", born=datetime.date(1977, 3, 1), sex="F")
    for parent in (father, mother):
        people_services.add_relation(actor=None, person=soldier, relative=parent, kind=RelationKind.PARENT)
    people_services.create_household(
        actor=None, region=soldier.region, members=[father, mother, soldier], head=father
    )
    soldier.refresh_from_db()
    emit(
        kind=EventKind.ENLISTMENT_APPROVED,
        key="candidate:1",
        person=soldier,
        occurred_on=datetime.date(2024, 9, 1),
    )
    return soldier
