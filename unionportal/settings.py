"""
The one settings module of the union portal.

Every value that differs between a laptop, CI and production comes from an environment
variable (or a `.env` file beside manage.py); the README has the table. `environ.Env` is
read here and nowhere else.
"""

import ipaddress
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from unionportal.storage import parse_storage_url, storages_setting

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# Without DEBUG there is no default: a production server must never run on a known key.
SECRET_KEY = env("SECRET_KEY", default="" if not DEBUG else "dev-only-insecure-key")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. In production set it in the environment or in .env; "
        "for work on a laptop use DEBUG=1 (as `make run` and `make test` do)."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "accounts.admin_site.PortalAdminConfig",  # django.contrib.admin, entry decided by accounts.roles
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    # The shared layer's own model: the uploaded spreadsheets of imports.
    "unionportal",
    "accounts",
    "branches",
    "publications",
    "appeals",
    "media_reports",
    "giveaways",
    "messaging",
    "polls",
    "reports",
    "portal",
]

MIDDLEWARE = [
    "unionportal.middleware.HeadWithoutBodyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Near the top, so that every response carries the policy, early refusals included.
    "unionportal.middleware.CSPMiddleware",  # django-csp's, the policy built once
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "unionportal.middleware.FormCharsetMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "accounts.middleware.SessionBackendNamesMiddleware",  # before the session's user is read
    "accounts.middleware.AuthenticationMiddleware",  # Django's, the user read with the session
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.RequireStaffMFAMiddleware",
]

ROOT_URLCONF = "unionportal.urls"
WSGI_APPLICATION = "unionportal.wsgi.application"

# Selects written in Python (unionportal/forms_renderer.py); every other widget through
# TEMPLATES, so templates/admin/widgets/ can label the parts of Django's split date/time
# widget for screen readers (axe-core found them unlabelled).
FORM_RENDERER = "unionportal.forms_renderer.PortalFormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "unionportal.context_processors.portal",
            ],
            # unionportal is not an app; its tag libraries are named here.
            "libraries": {
                "content_language": "unionportal.templatetags.content_language",
                "page_cache": "unionportal.templatetags.page_cache",
            },
        },
    },
]

# --- Data -----------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's, with a cheaper health check of a busy kept connection (its docstring).
    DATABASES["default"]["ENGINE"] = "unionportal.postgresql"
# Behind pgbouncer in transaction mode a server-side cursor cannot outlive its transaction:
# set DISABLE_SERVER_SIDE_CURSORS=1 there (docs/deploy.md "More than one server").
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool("DISABLE_SERVER_SIDE_CURSORS", default=False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, worker, beat) share the file in `make run`: wait for locks
    # instead of failing, and let readers go on while one writes.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
# Seconds to wait for Redis (cache and broker) before treating it as down: a request must
# not hang on it. Refused connections fail at once; this bounds a host that does not answer.
REDIS_TIMEOUT_SECONDS = env.float("REDIS_TIMEOUT_SECONDS", default=0.5)
if REDIS_URL:
    # Fails soft: Redis down is a cache miss, never a 500 (unionportal/cache.py).
    CACHES = {
        "default": {
            "BACKEND": "unionportal.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT_SECONDS, "socket_timeout": REDIS_TIMEOUT_SECONDS},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Anonymous visitors' public pages come from the cache for this long (0: never).
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=0 if DEBUG else 60)
# With Redis, each process also keeps the pages it serves, up to this many bytes, trusted
# while Redis announces every change of the pages' parts (unionportal/near_cache.py; 0: off).
PUBLIC_PAGE_CACHE_LOCAL_BYTES = env.int("PUBLIC_PAGE_CACHE_LOCAL_BYTES", default=4_000_000)

# Database sessions, each read with its user in one SELECT (accounts/sessions.py; it says why
# not Redis).
SESSION_ENGINE = "accounts.sessions"

# --- Accounts -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's, reading a session's user with one SELECT (accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
# Mandatory verification is what lets allauth keep signup from telling whether an
# address is registered (with "optional" it must say "already registered").
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_PREVENT_ENUMERATION = True
# Security notices (password, e-mail, second factor changed), an e-mail change to the old address.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_ALLOW_REGISTRATION = env.bool("ACCOUNT_ALLOW_REGISTRATION", default=True)
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# allauth's limits, written out so they are reviewed here: failed logins per address (the
# real one, see TRUSTED_PROXIES) and per account, so neither a shared proxy address nor a
# guesser spread over many addresses locks out or breaks into an account.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/300s/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Kasipodaq Karaganda"
# Staff must turn on two-factor before they can use the admin; off by default in DEBUG so
# that `make run` stays a one-command start.
MFA_REQUIRED_FOR_STAFF = env.bool("MFA_REQUIRED_FOR_STAFF", default=not DEBUG)

# --- Languages and time ---------------------------------------------------------------
LANGUAGE_CODE = "ru"
LANGUAGES = [
    ("ru", _("Russian")),
    ("kk", _("Kazakh")),
    ("en", _("English")),
]
# allauth ships no Kazakh and Django's Kazakh is incomplete: vendored catalogs fill the gaps.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "vendor_locale" / "allauth" / "locale", BASE_DIR / "vendor_locale" / "django" / "locale"]
TIME_ZONE = "Asia/Almaty"
# Our own format modules: Kazakh dates as Kazakh writes them, 24-hour clocks, «1 358».
FORMAT_MODULE_PATH = ["unionportal.formats"]
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Uploaded files: the local disk, or with STORAGE_URL (or AWS_STORAGE_BUCKET_NAME) an
# S3-compatible object store every web node shares (unionportal/storage.py, docs/deploy.md).
if env("STORAGE_URL", default=""):
    S3_STORAGE = parse_storage_url(env("STORAGE_URL"))
elif env("AWS_STORAGE_BUCKET_NAME", default=""):
    S3_STORAGE = {
        "bucket": env("AWS_STORAGE_BUCKET_NAME"),
        "private_bucket": env("AWS_PRIVATE_STORAGE_BUCKET_NAME", default=""),
        "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=""),
        "access_key": env("AWS_ACCESS_KEY_ID", default=""),
        "secret_key": env("AWS_SECRET_ACCESS_KEY", default=""),
        "region": env("AWS_S3_REGION_NAME", default=""),
        "custom_domain": env("AWS_S3_CUSTOM_DOMAIN", default=""),
    }
else:
    S3_STORAGE = None
if S3_STORAGE is not None:
    # Public media readable by anyone: by a bucket policy on the "media/" prefix (the
    # default), or by an ACL on each object where the store wants one ("public-read").
    S3_STORAGE["public_acl"] = env("AWS_PUBLIC_MEDIA_ACL", default="")
# How long a signed link to a private file (an appeal attachment) works.
PRIVATE_FILE_URL_SECONDS = env.int("PRIVATE_FILE_URL_SECONDS", default=300)
STORAGES = {
    **storages_setting(S3_STORAGE, media_root=MEDIA_ROOT, signed_url_seconds=PRIVATE_FILE_URL_SECONDS),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Backups (unionportal/backups.py, docs/deploy.md "Backups and the restore drill"): where
# `manage.py backup` writes the dumps, the manifests and the copy of the uploaded files; how
# many days of them it keeps; how many files the restore drill reads back by default.
BACKUP_DIR = env.path("BACKUP_DIR", default=str(VAR_DIR / "backups"))
BACKUP_KEEP_DAYS = env.int("BACKUP_KEEP_DAYS", default=14)
BACKUP_DRILL_FILES = env.int("BACKUP_DRILL_FILES", default=20)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Uploaded images and clippings: the limits every upload validator shares.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
UPLOAD_MAX_PIXELS = env.int("UPLOAD_MAX_PIXELS", default=40_000_000)

# --- E-mail ---------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
vars().update(EMAIL_CONFIG)
# A mail server that stops answering must fail a send well inside an appeal e-mail's lease
# (APPEAL_MAIL_LEASE_SECONDS), or the outbox drain would take the claim over and send twice.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Kasipodaq Karaganda <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Admin", a) for a in env.list("ADMIN_EMAILS", default=[])]
# The address members see on the site and in e-mails.
PORTAL_CONTACT_EMAIL = env("PORTAL_CONTACT_EMAIL", default="info@example.kz")
PORTAL_CONTACT_PHONE = env("PORTAL_CONTACT_PHONE", default="+7 (7212) 00-00-00")
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# --- Security -------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp): scripts, styles, fonts and images from the portal
# itself only, so an injected tag can neither run code nor load anything. No template has
# an inline script or style attribute (the admin's few colours are in static/css/admin.css);
# two inline <style> blocks are allowed by their hash: the self-contained 500 page's, and
# the admin change list's (Django's own, shown when a list has no actions).
# tests/unionportal/test_csp.py recomputes both hashes from the templates.
# Images may be data: URIs (allauth's TOTP QR code); frames only the two video players,
# made when a visitor clicks a video's poster.
CSP_STYLE_HASHES = [
    "'sha256-XIOiBG2qeHxk6pJP3pD/h2OBFc9KW7CPidc43xbS88g='",  # templates/500.html
    "'sha256-blvLUW3UscWqsXGByNOqdBboM+ShWAuugp2mC/wbafU='",  # django/contrib/admin/.../change_list.html
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, *CSP_STYLE_HASHES],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": ["https://www.youtube-nocookie.com", "https://www.facebook.com"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# The proxies (nginx) whose X-Forwarded-For / X-Real-IP name the visitor: addresses or
# networks, comma-separated. Empty: REMOTE_ADDR is the visitor (no proxy, or one that sets
# REMOTE_ADDR itself). Read by unionportal.ratelimit.client_ip, the one answer to "who is
# asking" for every rate limit, allauth's included. docs/deploy.md has the nginx block.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_proxy!r} is not an IP address or network.") from None

# --- Celery ---------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The embedded broker of `make run`: messages are files under var/, so no Redis is needed.
    _broker_dir = VAR_DIR / "celery-broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    # Publishing must never hang a request on a dead broker (issue 11, item 8: it took 6 s,
    # kombu's default of retrying the connection with 2 s pauses): one attempt, bounded by
    # the connect timeout. The appeal's outbox columns and the every-minute drain job send
    # what could not be queued. The worker's own reconnecting is governed separately
    # (broker_connection_retry*), so it still waits for the broker to come back.
    # socket_timeout bounds a Redis that accepts and never answers (without it a publish
    # waits for ever); it must stay above the worker's 1 s BRPOP, hence 2 s.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "max_retries": 0,
        "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
        "connect_retries_timeout": REDIS_TIMEOUT_SECONDS,
        "socket_timeout": max(2.0, REDIS_TIMEOUT_SECONDS),
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# Beat and every caller publish once; a failed publish is caught by the outbox, not retried inline.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# With Redis, beat may run on every node: celery-redbeat keeps the schedule's state (when each
# job last ran) in Redis, and only the beat holding a Redis lock sends jobs. The lock expires
# BEAT_LOCK_SECONDS after its holder last renewed it (at every tick, at most every
# CELERY_BEAT_MAX_LOOP_INTERVAL seconds), and a waiting beat takes over. Without Redis
# (`make run`: SQLite, the file-system broker) the one beat keeps its state in the file above.
# docs/deploy.md "Beat on every node".
BEAT_LOCK_SECONDS = env.int("BEAT_LOCK_SECONDS", default=30)
if REDIS_URL:
    CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
    CELERY_REDBEAT_REDIS_URL = REDIS_URL
    # Named so that several portals can share one Redis database.
    CELERY_REDBEAT_KEY_PREFIX = env("BEAT_KEY_PREFIX", default="unionportal:beat:")
    CELERY_REDBEAT_LOCK_TIMEOUT = BEAT_LOCK_SECONDS
    # The waiting beats try the lock this often, and the holder renews it at least this often.
    CELERY_BEAT_MAX_LOOP_INTERVAL = max(1, min(5, BEAT_LOCK_SECONDS // 3))
    # Without this redbeat would take the broker's options (its retries, its timeouts).
    CELERY_REDBEAT_REDIS_OPTIONS = {
        "socket_connect_timeout": max(2.0, REDIS_TIMEOUT_SECONDS),
        "socket_timeout": max(2.0, REDIS_TIMEOUT_SECONDS),
    }
# CELERY_BEAT_SCHEDULE lives in unionportal/schedules.py: every scheduled job in one place.

# --- The union's own rules ------------------------------------------------------------
# Working days in Kazakhstan (weekends, public holidays and transferred days off skipped).
APPEAL_DUE_WORKING_DAYS = env.int("APPEAL_DUE_WORKING_DAYS", default=15)
APPEAL_DUE_SOON_DAYS = env.int("APPEAL_DUE_SOON_DAYS", default=3)
# An e-mail a worker claimed and did not send within this long (it died) is sent by the
# outbox drain. Longer than the e-mail tasks' hard time limit (90 s), so a live send keeps it.
APPEAL_MAIL_LEASE_SECONDS = env.int("APPEAL_MAIL_LEASE_SECONDS", default=300)
APPEAL_ANONYMISE_AFTER_DAYS = env.int("APPEAL_ANONYMISE_AFTER_DAYS", default=3 * 365)
APPEAL_RATE_LIMIT_PER_HOUR = env.int("APPEAL_RATE_LIMIT_PER_HOUR", default=10)
APPEAL_STATUS_LOOKUPS_PER_HOUR = env.int("APPEAL_STATUS_LOOKUPS_PER_HOUR", default=30)
APPEAL_MIN_FILL_SECONDS = env.int("APPEAL_MIN_FILL_SECONDS", default=3)
# Wrong answers (phone digits or e-mail) per short number per hour, from any address.
APPEAL_LOOKUP_FAILURES_PER_NUMBER = env.int("APPEAL_LOOKUP_FAILURES_PER_NUMBER", default=5)
GIVEAWAY_WINNER_COOLDOWN_WEEKS = env.int("GIVEAWAY_WINNER_COOLDOWN_WEEKS", default=4)
GIVEAWAY_DRAND_URL = env("GIVEAWAY_DRAND_URL", default="")
# How often giveaways due to close or to be drawn are looked for (a crontab minute field):
# by default every 5 minutes, so a draw set for 18:00 is made by 18:05; "*" every minute.
GIVEAWAYS_DUE_MINUTES = env("GIVEAWAYS_DUE_MINUTES", default="*/5")
# Polls: a breakdown cell with fewer answers than this is not shown (page, XLSX, DOCX).
POLL_SMALL_CELL = env.int("POLL_SMALL_CELL", default=5)
# Answers one address may give to one open poll in an hour (a school shares one address).
POLL_RATE_LIMIT_PER_HOUR = env.int("POLL_RATE_LIMIT_PER_HOUR", default=60)
# Every CSV/XLSX import (unionportal/spreadsheets.py): the one row limit, and the size from
# which the admin checks and imports a file in a Celery task, showing its progress.
SPREADSHEET_MAX_ROWS = env.int("SPREADSHEET_MAX_ROWS", default=20_000)
SPREADSHEET_BACKGROUND_ROWS = env.int("SPREADSHEET_BACKGROUND_ROWS", default=500)
# Uploaded files are deleted after this many hours (they may hold personal data).
SPREADSHEET_UPLOAD_KEEP_HOURS = env.int("SPREADSHEET_UPLOAD_KEEP_HOURS", default=24)
# Dates every form, service and import accepts: from 1 January of this year to the end of
# next year (unionportal/validators.py).
SANE_DATE_FIRST_YEAR = env.int("SANE_DATE_FIRST_YEAR", default=2000)
SANE_DATE_YEARS_AHEAD = env.int("SANE_DATE_YEARS_AHEAD", default=1)

# --- The Telegram bot (messaging/) -------------------------------------------------------
# No token: the bot is off (the admin says so); the portal works without it.
TELEGRAM_BOT_TOKEN = env("TELEGRAM_BOT_TOKEN", default="")
TELEGRAM_BOT_USERNAME = env("TELEGRAM_BOT_USERNAME", default="").lstrip("@")
TELEGRAM_WEBHOOK_SECRET = env("TELEGRAM_WEBHOOK_SECRET", default="")
TELEGRAM_API_BASE_URL = env("TELEGRAM_API_BASE_URL", default="https://api.telegram.org")
TELEGRAM_MESSAGES_PER_SECOND = env.float("TELEGRAM_MESSAGES_PER_SECOND", default=30.0)
TELEGRAM_CHAT_INTERVAL_SECONDS = env.float("TELEGRAM_CHAT_INTERVAL_SECONDS", default=1.0)
TELEGRAM_SENDER_LEASE_SECONDS = env.int("TELEGRAM_SENDER_LEASE_SECONDS", default=60)
# Messages whose outcomes are written in one commit; a killed sender leaves at most this
# many "in doubt" (marked failed, never resent).
TELEGRAM_SEND_GROUP = env.int("TELEGRAM_SEND_GROUP", default=10)
MESSAGING_ERASE_AFTER_DAYS = env.int("MESSAGING_ERASE_AFTER_DAYS", default=30)
LINK_CHECK_TIMEOUT_SECONDS = env.int("LINK_CHECK_TIMEOUT_SECONDS", default=10)
LINK_CHECK_CONCURRENCY = env.int("LINK_CHECK_CONCURRENCY", default=4)
LINK_CHECK_USER_AGENT = env(
    "LINK_CHECK_USER_AGENT", default=f"UnionPortalLinkChecker/1.0 (+{PORTAL_BASE_URL})"
)

# Social intake (docs/social-intake.md): the outside-world client and the connectors.
GRAPH_API_BASE_URL = env("GRAPH_API_BASE_URL", default="https://graph.facebook.com")
GRAPH_API_VERSION = env("GRAPH_API_VERSION", default="v21.0")
YOUTUBE_FEED_BASE_URL = env("YOUTUBE_FEED_BASE_URL", default="https://www.youtube.com")
# Fernet key (`Fernet.generate_key()`) that encrypts stored access tokens; none, none stored.
MEDIA_TOKEN_KEY = env("MEDIA_TOKEN_KEY", default="")
# With the Meta app's id and secret the portal checks (debug_token) and refreshes
# (fb_exchange_token) tokens; without them it counts 60 days from the paste.
META_APP_ID = env("META_APP_ID", default="")
META_APP_SECRET = env("META_APP_SECRET", default="")
OUTSIDE_TIMEOUT_SECONDS = env.float("OUTSIDE_TIMEOUT_SECONDS", default=15)
OUTSIDE_RETRIES = env.int("OUTSIDE_RETRIES", default=3)
OUTSIDE_BACKOFF_SECONDS = env.float("OUTSIDE_BACKOFF_SECONDS", default=2)
# Above this share of Meta's quota (X-App-Usage, X-Business-Use-Case-Usage) calls pause.
OUTSIDE_USAGE_SLOWDOWN_PERCENT = env.int("OUTSIDE_USAGE_SLOWDOWN_PERCENT", default=75)
OUTSIDE_USAGE_PAUSE_SECONDS = env.float("OUTSIDE_USAGE_PAUSE_SECONDS", default=10)
SOCIAL_TOKEN_WARN_DAYS = env.int("SOCIAL_TOKEN_WARN_DAYS", default=7)
SOCIAL_TOKEN_REFRESH_DAYS = env.int("SOCIAL_TOKEN_REFRESH_DAYS", default=10)
SOCIAL_POSTS_MAX_PAGES = env.int("SOCIAL_POSTS_MAX_PAGES", default=4)
# A video of an outlet's channel is offered when its title or description has one of these.
YOUTUBE_UNION_WORDS = env.list(
    "YOUTUBE_UNION_WORDS",
    default=["профсоюз", "кәсіподақ", "кәсіподағы", "профсоюзн", "Ракишева", "profsoyuz"],
)
# When the posts are read (crontab fields): by default at :10 of every hour.
SOCIAL_POSTS_MINUTE = env("SOCIAL_POSTS_MINUTE", default="10")
SOCIAL_POSTS_HOURS = env("SOCIAL_POSTS_HOURS", default="*")

# Every handler carries the filter that redacts members' tracking codes (unionportal/log.py),
# and the loggers Django configures itself ("django", "django.server") are redefined here so
# that none keeps a handler without it. "django" propagates to the root's console.
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_tracking_codes": {"()": "unionportal.log.RedactTrackingCodes"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_tracking_codes"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_tracking_codes"],
        },
        "mail_admins": {
            "level": "ERROR",
            "class": "unionportal.log.RedactingAdminEmailHandler",
            "filters": ["require_debug_false", "redact_tracking_codes"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["mail_admins"], "level": LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}

# How often posts are read is the union's choice (docs/social-intake.md), and how often
# due giveaways are looked for.
from celery.schedules import crontab  # noqa: E402

from unionportal.schedules import CELERY_BEAT_SCHEDULE  # noqa: E402,F401

CELERY_BEAT_SCHEDULE["publications-fetch-social-posts"]["schedule"] = crontab(
    minute=SOCIAL_POSTS_MINUTE, hour=SOCIAL_POSTS_HOURS
)
for _job in ("giveaways-close-due", "giveaways-draw-due"):
    CELERY_BEAT_SCHEDULE[_job]["schedule"] = crontab(minute=GIVEAWAYS_DUE_MINUTES)
