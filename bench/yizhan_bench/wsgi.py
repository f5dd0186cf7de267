"""The bench's server: the station's application with one more address, the search ceiling
(yizhan_bench/ceiling.py). `gunicorn yizhan_bench.wsgi` with bench/ on PYTHONPATH."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yizhan.settings")

import django
from django.conf import settings

django.setup()
settings.ROOT_URLCONF = "yizhan_bench.ceiling"

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
