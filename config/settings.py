"""helle settings: one module, read from the environment, safe defaults.

With no environment at all helle runs on the embedded defaults: SQLite in WAL mode,
the in-memory channel layer and the database task backend. Set DATABASE_URL and
REDIS_URL to scale out. Every variable is listed in the README's configuration table.
"""

import os
import re
import secrets
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
TESTING = "pytest" in sys.modules or os.environ.get("HELLE_TESTING") == "1"


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if not value:
        return default
    return value.lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = env(name)
    try:
        return int(value) if value else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("HELLE_DEBUG")
if TESTING and not env("HELLE_DATA_DIR"):
    # Tests never see (or leave behind) a developer's database, key or trained models.
    import tempfile

    DATA_DIR = Path(tempfile.mkdtemp(prefix="helle-test-"))
else:
    DATA_DIR = Path(env("HELLE_DATA_DIR", str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """The key from the environment, or one made once and kept in the data folder.

    A self-hosted site must never run on a key that is written in the code.
    """
    if key := env("HELLE_SECRET_KEY"):
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("HELLE_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("HELLE_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "servestatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "channels",
    "helle.core",
    "helle.identity",
    "helle.safety",
    "helle.forum",
    "helle.letters",
    "helle.chat",
]

MIDDLEWARE = [
    "servestatic.middleware.ServeStaticMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "helle.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "helle.identity.middleware.StaffSessionMiddleware",
    "helle.identity.middleware.MemberActivityMiddleware",
    "helle.identity.middleware.HouseRulesMiddleware",
    "helle.safety.middleware.SanctionMiddleware",
]

ROOT_URLCONF = "config.urls"
FORM_RENDERER = "helle.core.forms.HelleFormRenderer"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "helle.core.context_processors.site",
                "helle.safety.context_processors.safety",
                "helle.forum.context_processors.forum",
                "helle.letters.context_processors.letters",
                "helle.chat.context_processors.chat",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    # Under ASGI a sync view may run on a new thread each time, so Django's persistent
    # connections (CONN_MAX_AGE) would open a connection per request until PostgreSQL refuses
    # more; psycopg's pool, shared by the process's threads, is what Django advises instead.
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": env_int("HELLE_DB_POOL_SIZE", 8),
        "timeout": 20,
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "helle.core.sqlite",  # Django's, with a connection pool
            "NAME": DATA_DIR / "helle.sqlite3",
            # Said outright: pytest-django knows Django's own engine name only, not ours.
            "TEST": {"NAME": ":memory:"},
            "OPTIONS": {
                # WAL lets readers and the one writer work at the same time; IMMEDIATE
                # transactions take the write lock up front, so two writers queue instead
                # of failing half-way with "database is locked".
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000; PRAGMA mmap_size=268435456;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Channel layer, cache, tasks ------------------------------------------------------
REDIS_URL = env("REDIS_URL")
REDIS_PREFIX = env("HELLE_REDIS_PREFIX", "helle")
if REDIS_URL:
    REDIS_CACHE_URL = REDIS_URL
    if TESTING and (worker := os.environ.get("PYTEST_XDIST_WORKER", "")):
        # Parallel test workers must not see (or flush) each other's cache and groups.
        number = int(re.sub(r"\D", "", worker) or 0)
        REDIS_CACHE_URL = re.sub(r"/\d*$", "", REDIS_URL) + f"/{number + 1}"
        REDIS_PREFIX = f"{REDIS_PREFIX}-{worker}"
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": REDIS_PREFIX},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "KEY_PREFIX": REDIS_PREFIX,
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Identity and sessions ------------------------------------------------------------
AUTH_USER_MODEL = "identity.Member"
AUTHENTICATION_BACKENDS = ["helle.identity.backends.NicknameBackend"]
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is slow on purpose; the tests check behaviour, not hashing cost.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("nickname",)},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

SESSION_COOKIE_AGE = env_int("HELLE_MEMBER_SESSION_DAYS", 14) * 24 * 3600
STAFF_SESSION_IDLE_SECONDS = env_int("HELLE_STAFF_SESSION_IDLE_MINUTES", 30) * 60
STAFF_SESSION_MAX_SECONDS = env_int("HELLE_STAFF_SESSION_MAX_HOURS", 8) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = env_bool("HELLE_SECURE_COOKIES", default=not DEBUG and not TESTING)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

LOGIN_FAILURES_PER_ACCOUNT = env_int("HELLE_LOGIN_FAILURES_PER_ACCOUNT", 5)
LOGIN_FAILURES_PER_ADDRESS = env_int("HELLE_LOGIN_FAILURES_PER_ADDRESS", 20)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("HELLE_LOGIN_WINDOW_MINUTES", 15) * 60
# How many proxies in front of helle add to X-Forwarded-For (0: use the socket address).
TRUSTED_PROXY_COUNT = env_int("HELLE_TRUSTED_PROXY_COUNT", 0)

OTP_TOTP_ISSUER = env("HELLE_SITE_NAME", "helle")

# --- Security headers -----------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"  # "no-referrer" makes browsers send Origin: null, which fails CSRF
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("HELLE_SSL_REDIRECT")
SECURE_HSTS_SECONDS = env_int("HELLE_HSTS_SECONDS", 0)
if env_bool("HELLE_BEHIND_HTTPS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Language and time ----------------------------------------------------------------
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env("HELLE_TIME_ZONE", "Europe/Copenhagen")
USE_TZ = True

# --- Static files: served by the app itself, never from a CDN ---------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "servestatic.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
SERVESTATIC_USE_FINDERS = DEBUG or TESTING

# --- helle itself ---------------------------------------------------------------------
SITE_NAME = env("HELLE_SITE_NAME", "helle")
# Where quick exit sends people: a neutral, ordinary site.
QUICK_EXIT_URL = env("HELLE_QUICK_EXIT_URL", "https://www.dmi.dk/")
# The country whose help lines are shown first.
HELP_COUNTRY = env("HELLE_HELP_COUNTRY", "DK")
# Forum: posts on one page of a thread, and after how many hours a question nobody has
# answered goes to the "waiting for an answer" list of peer advisers and counsellors.
FORUM_POSTS_PER_PAGE = env_int("HELLE_FORUM_POSTS_PER_PAGE", 20)
FORUM_UNANSWERED_HOURS = env_int("HELLE_FORUM_UNANSWERED_HOURS", 6)
# The letter box: the service level (answer within so many days), how long a claim holds, and
# whether peer advisers with the permission may answer (their answers are always reviewed).
LETTER_ANSWER_DAYS = env_int("HELLE_LETTER_ANSWER_DAYS", 5)
LETTER_CLAIM_HOURS = env_int("HELLE_LETTER_CLAIM_HOURS", 4)
LETTER_PEERS_ANSWER = env_bool("HELLE_LETTER_PEERS_ANSWER")
# Chat: how many may wait at once (beyond it the page offers a letter and tells when there is
# room), how many days transcripts and staff notes are kept before the scheduled deletion
# (`manage.py delete_old_chats`), and after how many hours on duty a counsellor is warned.
CHAT_QUEUE_LIMIT = env_int("HELLE_CHAT_QUEUE_LIMIT", 15)
CHAT_KEEP_DAYS = env_int("HELLE_CHAT_KEEP_DAYS", 90)
CHAT_NOTES_KEEP_DAYS = env_int("HELLE_CHAT_NOTES_KEEP_DAYS", 365)
CHAT_LONG_SHIFT_HOURS = env_int("HELLE_CHAT_LONG_SHIFT_HOURS", 4)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("HELLE_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
