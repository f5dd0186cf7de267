"""The production WSGI application as tests/core/test_faults.py serves it on gunicorn: static files
from the source tree (the test's data directory has no collectstatic manifest), and, when
YIZHAN_TEST_PAUSED names a file, one pause point — a write's audit step, inside the service's
transaction after its rows are written, announces itself by that file and waits there, so the
test can kill the server mid-request."""

import os
import time
from pathlib import Path

from django.conf import settings

from yizhan.wsgi import application  # noqa: F401 — what gunicorn serves

settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
settings.WHITENOISE_USE_FINDERS = True

if "YIZHAN_TEST_PAUSED" in os.environ:
    from yizhan.audit import services

    def _paused_lock_chain() -> str:
        Path(os.environ["YIZHAN_TEST_PAUSED"]).touch()
        time.sleep(3600)  # until killed
        raise AssertionError("not killed")

    services._lock_chain = _paused_lock_chain
