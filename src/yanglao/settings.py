"""Settings, read once from the environment (YANGLAO_*). See docs/configuration.md.

Outside production (YANGLAO_ENV != "production") missing secrets are generated once into
var/dev-secrets.json so that the demo starts with no preparation; in production they must be set
and start-up fails loudly otherwise.
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("YANGLAO_VAR_DIR", PROJECT_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

ENV = os.environ.get("YANGLAO_ENV", "development")
PRODUCTION = ENV == "production"


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def _dev_secrets() -> dict[str, str]:
    """Generate development secrets once; safe when several test workers start together."""
    path = VAR_DIR / "dev-secrets.json"
    if not path.exists():
        import base64
        import secrets

        data = {
            "YANGLAO_SECRET_KEY": secrets.token_urlsafe(50),
            "YANGLAO_PII_KEY": base64.urlsafe_b64encode(
                secrets.token_bytes(32)
            ).decode(),
        }
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data))
        try:
            os.link(tmp, path)  # atomic create-if-absent
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return json.loads(path.read_text())


def _secret(name: str) -> str:
    value = os.environ.get(name)
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(
            f"{name} must be set in production (see docs/configuration.md)"
        )
    return _dev_secrets()[name]


def database_from_url(url: str) -> dict:
    """postgresql://user:pass@host:port/name?sslmode=… or sqlite:///path → a DATABASES entry."""
    parts = urlparse(url)
    if parts.scheme in {"postgres", "postgresql"}:
        options: dict = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        # Server-side binding lets psycopg prepare the statements a connection repeats, so
        # PostgreSQL plans them once instead of on every request (an order step's lock query
        # spent ~4 ms planning each time). `?server_side_binding=false` turns both off, e.g.
        # behind a transaction-pooling PgBouncer older than 1.21.
        bind = options.get("server_side_binding", "true").lower() != "false"
        options["server_side_binding"] = bind
        options["prepare_threshold"] = (
            int(options.get("prepare_threshold", 5)) if bind else None
        )
        return {
            "ENGINE": "yanglao.core.postgresql",  # Django's, checking health after idle only
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    if parts.scheme == "sqlite":
        return sqlite_database(Path(unquote(parts.path)))
    raise ImproperlyConfigured(
        f"YANGLAO_DATABASE_URL: unsupported scheme {parts.scheme!r}"
    )


def sqlite_database(path: Path) -> dict:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA busy_timeout=10000; PRAGMA cache_size=-64000; PRAGMA mmap_size=1073741824;",
            "transaction_mode": "IMMEDIATE",
        },
        "TEST": {"NAME": None},
        # Keep each thread's connection (and its page cache) across requests: a fresh SQLite
        # connection per request starts cold, which doubled list times (bench/RESULTS.md).
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
    }


SECRET_KEY = _secret("YANGLAO_SECRET_KEY")
YANGLAO_PII_KEY = _secret("YANGLAO_PII_KEY")
# Never on by default, not even for the demo: a traceback page shows settings and every URL.
DEBUG = _env_bool("YANGLAO_DEBUG", False)
ALLOWED_HOSTS = [
    h
    for h in os.environ.get("YANGLAO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h
]
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("YANGLAO_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

_db_url = os.environ.get("YANGLAO_DATABASE_URL")
DATABASES = {
    "default": database_from_url(_db_url)
    if _db_url
    else sqlite_database(VAR_DIR / "yanglao.sqlite3")
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "ninja",  # serves the API docs' Swagger UI from this server (no CDN)
    "django_tasks_db",
    "yanglao.core",
    "yanglao.regions",
    "yanglao.accounts",
    "yanglao.elders",
    "yanglao.facilities",
    "yanglao.assessments",
    "yanglao.medical",
    "yanglao.visits",
    "yanglao.benefits",
    "yanglao.alarms",
    "yanglao.homecare",
    "yanglao.supervision",
    "yanglao.homesupport",
    "yanglao.indicators",
    "yanglao.imports",
    "yanglao.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "yanglao.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "yanglao.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "yanglao.core.middleware.NotInScopeMiddleware",
    "yanglao.core.middleware.OversizedNumbersMiddleware",
]

ROOT_URLCONF = "yanglao.urls"
WSGI_APPLICATION = "yanglao.wsgi.application"
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
                "django.template.context_processors.i18n",
                "yanglao.accounts.context_processors.navigation",
                "yanglao.core.tilemap.tiles_in_templates",
                "yanglao.core.textsize.text_size_in_templates",
                "yanglao.core.middleware.csp_nonce",
            ],
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["yanglao.accounts.backends.LockoutBackend"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Ability assessment (GB/T 42195-2022 workflow): a result is valid for ASSESSMENT_VALID_MONTHS
# (常规评估 falls due then), "due soon" lists look ASSESSMENT_DUE_SOON_DAYS ahead, and the person or
# family may ask for a 复评 within ASSESSMENT_REVIEW_DAYS of the result.
ASSESSMENT_VALID_MONTHS = int(os.environ.get("YANGLAO_ASSESSMENT_VALID_MONTHS", "12"))
ASSESSMENT_DUE_SOON_DAYS = int(os.environ.get("YANGLAO_ASSESSMENT_DUE_SOON_DAYS", "30"))
ASSESSMENT_REVIEW_DAYS = int(os.environ.get("YANGLAO_ASSESSMENT_REVIEW_DAYS", "30"))

# Uploaded files (visit photos): kept under the var directory and served only through views that
# check the viewer's scope — never as public static files.
MEDIA_ROOT = VAR_DIR / "media"

# Visits (探访关爱): how many people one community worker is given a month, and how far from the
# home an 上门 check-in may be.
VISITS_PER_VISITOR = int(os.environ.get("YANGLAO_VISITS_PER_VISITOR", "120"))
VISIT_CHECKIN_TOLERANCE_M = int(
    os.environ.get("YANGLAO_VISIT_CHECKIN_TOLERANCE_M", "300")
)
# 双向转诊 deadlines (issue 24): the medical institution accepts or declines within this many hours
# of the request, and the person is seen (or the referral closed) within the second figure.
REFERRAL_ACCEPT_HOURS = int(os.environ.get("YANGLAO_REFERRAL_ACCEPT_HOURS", "24"))
REFERRAL_OUTCOME_HOURS = int(os.environ.get("YANGLAO_REFERRAL_OUTCOME_HOURS", "72"))

# Alarms (docs/alarms.md): an alarm not acknowledged within ALARM_ACK_SECONDS escalates to the
# supervisor; readings are kept TELEMETRY_RETENTION_DAYS; NOTIFY_BACKEND delivers family
# notifications (the default writes them to the notification log); MQTT_URL is the broker the
# bridge subscribes to.
ALARM_ACK_SECONDS = int(os.environ.get("YANGLAO_ALARM_ACK_SECONDS", "60"))
TELEMETRY_RETENTION_DAYS = int(
    os.environ.get("YANGLAO_TELEMETRY_RETENTION_DAYS", "180")
)
NOTIFY_BACKEND = os.environ.get(
    "YANGLAO_NOTIFY_BACKEND", "yanglao.alarms.notify.LogBackend"
)
# Calls to an older person or their family (core.calling): the caller's phone dials a tel: link, or
# a CTI / privacy-number (隐私号) service connects the call (YANGLAO_CALL_URL).
CALL_BACKEND = os.environ.get(
    "YANGLAO_CALL_BACKEND", "yanglao.core.calling.DialBackend"
)
CALL_URL = os.environ.get("YANGLAO_CALL_URL", "")
MQTT_URL = os.environ.get("YANGLAO_MQTT_URL", "mqtt://127.0.0.1:1883")

# Home services (docs/homecare.md): how far from the home a carer's check-in may be; ratings at or
# below HOMECARE_LOW_RATING stars open a follow-up for the community; the subsidy per meal (分) by
# diner category (助餐, editable per deployment as JSON).
HOMECARE_CHECKIN_TOLERANCE_M = int(
    os.environ.get("YANGLAO_HOMECARE_CHECKIN_TOLERANCE_M", "300")
)
HOMECARE_LOW_RATING = int(os.environ.get("YANGLAO_HOMECARE_LOW_RATING", "2"))
# An order nobody accepts: flagged to its provider after HOMECARE_UNACCEPTED_PROVIDER_MINUTES, and a
# follow-up opened for the community after HOMECARE_UNACCEPTED_COMMUNITY_MINUTES (the alarm clock).
HOMECARE_UNACCEPTED_PROVIDER_MINUTES = int(
    os.environ.get("YANGLAO_HOMECARE_UNACCEPTED_PROVIDER_MINUTES", "120")
)
HOMECARE_UNACCEPTED_COMMUNITY_MINUTES = int(
    os.environ.get("YANGLAO_HOMECARE_UNACCEPTED_COMMUNITY_MINUTES", "1440")
)
# A carer checks in from HOMECARE_CHECKIN_EARLY_MINUTES before the booked time to
# HOMECARE_CHECKIN_LATE_MINUTES after it.
HOMECARE_CHECKIN_EARLY_MINUTES = int(
    os.environ.get("YANGLAO_HOMECARE_CHECKIN_EARLY_MINUTES", "60")
)
HOMECARE_CHECKIN_LATE_MINUTES = int(
    os.environ.get("YANGLAO_HOMECARE_CHECKIN_LATE_MINUTES", "240")
)
HOMECARE_MEAL_SUBSIDY_FEN = json.loads(
    os.environ.get(
        "YANGLAO_HOMECARE_MEAL_SUBSIDY_FEN",
        '{"tekun": 1500, "dibao": 500, "age80": 300, "general": 100}',
    )
)

# Lock an account for YANGLAO_LOCKOUT_MINUTES after YANGLAO_LOCKOUT_ATTEMPTS failed log-ins.
LOCKOUT_ATTEMPTS = int(os.environ.get("YANGLAO_LOCKOUT_ATTEMPTS", "5"))
LOCKOUT_MINUTES = int(os.environ.get("YANGLAO_LOCKOUT_MINUTES", "15"))
# A session lasts at most 8 hours from log-in (one working day), and ends when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("YANGLAO_SESSION_SECONDS", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _env_bool(
    "YANGLAO_SECURE_COOKIES", PRODUCTION
)
# Behind a TLS-terminating proxy: tell Django which header says the request came over HTTPS (e.g.
# YANGLAO_PROXY_SSL_HEADER=X-Forwarded-Proto); only set it when the proxy always sets that header.
if _proxy_header := os.environ.get("YANGLAO_PROXY_SSL_HEADER", ""):
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _proxy_header.upper().replace("-", "_"),
        "https",
    )
# HSTS: browsers use HTTPS only for this host (production, where HTTPS is in front).
SECURE_HSTS_SECONDS = int(
    os.environ.get("YANGLAO_HSTS_SECONDS", str(365 * 24 * 3600 if PRODUCTION else 0))
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("YANGLAO_HSTS_SUBDOMAINS", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
API_TOKEN_DAYS = int(os.environ.get("YANGLAO_API_TOKEN_DAYS", "30"))
# How long a server process trusts a token it found valid before reading it again (see
# accounts.services.api_token_user): a deactivated user keeps access at most this long.
API_TOKEN_CACHE_SECONDS = float(os.environ.get("YANGLAO_API_TOKEN_CACHE_SECONDS", "10"))

# Tile maps (issue 21 §3). Unset: every map is drawn offline from the platform's own data (region
# outlines and markers, core.charts.marker_map). Set to a bureau's tile source to draw the same
# markers over it in the browser, e.g. 天地图 (CGCS2000, like the platform's coordinates):
#   YANGLAO_MAP_TILES=https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=<key>
#   YANGLAO_MAP_LABELS=  (the same for the cva 注记 layer), YANGLAO_MAP_SUBDOMAINS=01234567
# or an intranet server: YANGLAO_MAP_TILES=https://tiles.mzj.example/{z}/{x}/{y}.png
# GCJ-02 sources (高德, 腾讯) and BD-09 (百度) sit several hundred metres off and are not supported.
MAP_TILES = os.environ.get("YANGLAO_MAP_TILES", "")
MAP_LABELS = os.environ.get("YANGLAO_MAP_LABELS", "")
MAP_SUBDOMAINS = os.environ.get("YANGLAO_MAP_SUBDOMAINS", "")
MAP_ATTRIBUTION = os.environ.get("YANGLAO_MAP_ATTRIBUTION", "")

LANGUAGE_CODE = "zh-hans"
# Simplified Chinese only. An English switch was offered while most of the UI (model and choice
# names, form errors, chart labels: some 2,400 strings) was still Chinese; a half-English page
# misleads more than it helps, so it was removed (README, "Chinese first"). The catalogue in
# locale/en is kept: add ("en", "English") here once it is complete.
LANGUAGES = [("zh-hans", _("简体中文"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Leaflet's script, styles and images, from PyPI (django-leaflet's copy; its Django app is not
# installed, as it would pull in GeoDjango and GDAL), for tile maps where configured (no CDN).
STATICFILES_DIRS = [
    (
        "leaflet",
        Path(importlib.util.find_spec("leaflet").submodule_search_locations[0])
        / "static"
        / "leaflet",
    )
]
STATIC_ROOT = Path(os.environ.get("YANGLAO_STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Static files are served by the application itself (WhiteNoise): government intranets have no CDN.
WHITENOISE_USE_FINDERS = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("YANGLAO_LOG_LEVEL", "INFO"),
    },
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},  # font subsetting for PDF reports is chatty
    },
}
