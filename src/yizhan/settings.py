"""Django settings, all read from the environment through yizhan.config (see README's table)."""

from __future__ import annotations

import datetime
import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from yizhan import config

try:
    CONFIG = config.load()
except config.ConfigError as exc:
    raise ImproperlyConfigured(f"配置错误 / configuration error: {exc}") from None

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = CONFIG.data_dir
DOCUMENTS_DIR = DATA_DIR / "documents"
# The audit chain's head, kept outside the database (audit.services.write_anchor).
AUDIT_ANCHOR_PATH = DATA_DIR / "audit-anchor.json"
YIZHAN_MODE = CONFIG.mode
YIZHAN_KEYRING = CONFIG.keyring
YIZHAN_DEMO_PASSWORD = CONFIG.demo_password
# Background jobs and ledger uploads (config.Limits; each an environment variable).
JOB_STALE_SECONDS = CONFIG.limits.job_stale_seconds
IMPORT_BATCH_ROWS = CONFIG.limits.import_batch_rows
IMPORT_WORKERS = CONFIG.limits.import_workers
UPLOAD_MAX_UNPACKED_BYTES = CONFIG.limits.upload_max_unpacked_mb * 1024 * 1024
UPLOAD_MAX_RATIO = CONFIG.limits.upload_max_ratio
UPLOAD_MAX_ROWS = CONFIG.limits.upload_max_rows
DRY_RUN_ROWS_PER_HOUR = CONFIG.limits.dry_run_rows_per_hour

SECRET_KEY = CONFIG.secret_key
DEBUG = CONFIG.debug
ALLOWED_HOSTS = CONFIG.allowed_hosts
CSRF_TRUSTED_ORIGINS = CONFIG.csrf_trusted_origins
# Reverse proxies whose X-Forwarded-For is believed (docs/deployment.md); none by default.
TRUSTED_PROXIES = CONFIG.trusted_proxies

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "template_partials",
    "yizhan.core",
    "yizhan.regions",
    "yizhan.accounts",
    "yizhan.audit",
    "yizhan.people",
    "yizhan.lifecycle",
    "yizhan.worklist",
    "yizhan.conscription",
    "yizhan.veterans",
    "yizhan.benefits",
    "yizhan.care",
    "yizhan.hall",
    "yizhan.militia",
    "yizhan.station",
    "yizhan.ledgers",
    "yizhan.reports",
    "yizhan.system",
    "yizhan.desk",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files carry the policy too.
    "yizhan.core.middleware.content_security_policy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "yizhan.core.middleware.no_store_when_signed_in",
    # request.user.is_verified(): whether this session passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "yizhan.audit.middleware.RequestContextMiddleware",
    # After the client address is known (a timed-out session's logout is audited with it):
    # idle and absolute session limits, then the second factor, then a password that must change.
    "yizhan.accounts.middleware.session_guard",
    "yizhan.core.errors.ErrorPagesMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "yizhan.urls"
CSRF_FAILURE_VIEW = "yizhan.core.errors.csrf_failure"
WSGI_APPLICATION = "yizhan.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "yizhan.accounts.backends.StaffBackend"]
# Brute-force protection: 5 failed logins for one user name from one address lock that pair for
# 15 minutes; a success resets the count. Failures are also in the audit trail.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False
# The same client address as the audit trail: behind a listed proxy, the forwarded one.
AXES_CLIENT_IP_CALLABLE = "yizhan.audit.context.client_address"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "yizhan.desk.context_processors.shell",
            ],
            # 更正 / 撤销 beside every recorded fact, on the pages of whichever app shows it.
            "builtins": ["yizhan.desk.templatetags.corrections"],
        },
    }
]


def _database() -> dict:
    db = dj_database_url.parse(CONFIG.database_url, conn_max_age=60, conn_health_checks=True)
    if db["ENGINE"] == "django.db.backends.sqlite3":
        Path(db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # Django's backend plus a writers' queue that wakes the next writer at once (core/sqlite).
        db["ENGINE"] = "yizhan.core.sqlite"
        db["CONN_MAX_AGE"] = 0
        db["OPTIONS"] = {
            # IMMEDIATE: a write transaction takes the lock at BEGIN, so concurrent writers queue
            # instead of failing half-way with "database is locked".
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
        # A file, not memory: the browser tests' server thread and the tests share it, and the
        # encryption test reads the bytes on disk. One per process: two test runs never share it.
        db["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}
    return db


DATABASES = {"default": _database()}
if CONFIG.database_replica_url:
    # Read-only streaming replica: reached only through core.replica.reads(). In tests it stands for
    # the primary's test database, which streaming replication copies to the standby by itself.
    DATABASES["replica"] = {
        **dj_database_url.parse(CONFIG.database_replica_url, conn_max_age=60, conn_health_checks=True),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["yizhan.core.replica.PrimaryReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The 等保 password policy (accounts/validators.py): every message Chinese.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "yizhan.accounts.validators.LengthAndKindsValidator"},
    {"NAME": "yizhan.accounts.validators.NotContainingUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "yizhan.accounts.validators.NotDemoPasswordValidator"},
    {"NAME": "yizhan.accounts.validators.NotRecentlyUsedValidator"},
]
PASSWORD_MAX_AGE_DAYS = CONFIG.limits.password_max_age_days
PASSWORD_HISTORY = 5  # a new password may not be any of the last five

# Two-factor login (django-otp, TOTP with recovery codes): required for the roles in
# accounts.roles.OTP_ROLES when this is on (always in production mode).
REQUIRE_OTP = CONFIG.require_otp
OTP_TOTP_ISSUER = "一站"

LANGUAGE_CODE = "zh-hans"
# Chinese only: every page, Django's own messages (form validation, password rules) included, is in
# Chinese whatever language the browser asks for (Django ships the zh_Hans catalogue).
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["yizhan.formats"]
FORM_RENDERER = "yizhan.core.forms.FormRenderer"
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DOCUMENTS_DIR},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Tests run against the source static files, without a collectstatic step.
if "pytest" in sys.modules:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True

# 优待证 photo: a light, even (white) background. The border strip beside and above the head is
# sampled in luminance (0–255): its mean must reach the minimum, its standard deviation stay
# under the maximum (a photo taken against a wall with shadows or objects fails). docs/decisions.md
CARD_PHOTO_BACKGROUND_MIN_LUMINANCE = 200
CARD_PHOTO_BACKGROUND_MAX_DEVIATION = 20

SESSION_COOKIE_HTTPONLY = True
# Idle timeout and the absolute limit are enforced by accounts.middleware.session_guard; the
# cookie itself lasts no longer than the absolute limit.
SESSION_IDLE_SECONDS = CONFIG.limits.session_idle_minutes * 60
SESSION_MAX_SECONDS = CONFIG.limits.session_max_hours * 3600
SESSION_COOKIE_AGE = SESSION_MAX_SECONDS
# Last activity is written to the session at most this often (not on every request).
SESSION_TOUCH_SECONDS = 60
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if CONFIG.production:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    if CONFIG.tls_at_proxy:
        # The proxy terminates TLS, redirects plain http and tells us the scheme it saw.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    else:
        SECURE_SSL_REDIRECT = True
# Warnings of `check --deploy` that do not apply, each with its reason in docs/decisions.md
# ("Logs and 等保 controls (#12)").
SILENCED_SYSTEM_CHECKS = ["security.W021"]  # HSTS preload: intranet hosts are on no preload list
if CONFIG.production and CONFIG.tls_at_proxy:
    SILENCED_SYSTEM_CHECKS.append("security.W008")  # the proxy redirects to https, not us

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
