"""The app's URLs plus views that fail on purpose, for the error-page tests."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import path

from yizhan.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def crash(request):
    raise RuntimeError("boom in English")


def constraint(request):
    raise IntegrityError('duplicate key value violates unique constraint "people_person_id_number_bidx_key"')


def refused(request):
    raise ValidationError("退役日期不能早于入伍日期。")


urlpatterns = [
    path("test/crash", crash),
    path("test/constraint", constraint),
    path("test/refused", refused),
    *urlpatterns,
]
