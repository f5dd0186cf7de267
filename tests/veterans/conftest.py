import datetime
import io

import pytest
from PIL import Image, ImageDraw

from yizhan.lifecycle.models import EventKind
from yizhan.lifecycle.services import emit
from yizhan.people import services as people_services
from yizhan.people.models import RelationKind


def photo_bytes(size=(352, 440), fmt="JPEG", background="white", blot=None) -> bytes:
    """A portrait: a dark head and shoulders on `background`; `blot` = (box, colour) adds a
    patch, e.g. a shadow in the background."""
    image = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.ellipse((width * 0.3, height * 0.15, width * 0.7, height * 0.55), fill=(60, 45, 40))
    draw.rectangle((0, height * 0.7, width, height), fill=(30, 30, 60))  # shoulders to the edges
    if blot is not None:
        box, colour = blot
        draw.rectangle(tuple(int(v * s) for v, s in zip(box, (width, height) * 2, strict=True)), fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, fmt)
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
