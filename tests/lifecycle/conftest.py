"""The workflow events run through the benefits family (a conscript, his father, their household)."""

from tests.benefits.conftest import family, make_family  # noqa: F401
