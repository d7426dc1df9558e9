"""Django settings for Common Map, read once from environment variables.

Production is the default: DEBUG off, a secret key and a database must be given.
`COMMONMAP_DEV=1` (set by `make run` / `make test`, which also write it to the git-ignored
`run/dev.env` read below, so that `manage.py` works in a new shell) switches on local-only
defaults. Every variable is listed in the README.
"""

import hmac
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from core.env import env_bool, env_int, env_list, env_str, load_env_file

BASE_DIR = Path(__file__).resolve().parent.parent

# The local-run marker `make` writes; absent in production (and kept out of the image by
# .dockerignore). Variables in the environment win over it; COMMONMAP_ENV_FILE="" skips it.
_ENV_FILE = env_str("COMMONMAP_ENV_FILE", str(BASE_DIR / "run" / "dev.env"))
if _ENV_FILE:
    load_env_file(Path(_ENV_FILE))

DEV = env_bool("COMMONMAP_DEV", False)
DEBUG = env_bool("DJANGO_DEBUG", DEV)

SECRET_KEY = env_str("DJANGO_SECRET_KEY") or (
    "dev-only-insecure-key-never-use-in-production" if DEV else None
)
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set (or COMMONMAP_DEV=1 for a local run)")

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEV else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

_LOCAL_DATABASE_URL = "postgres://commonmap:commonmap@127.0.0.1:54329/commonmap"
DATABASE_URL = env_str("DATABASE_URL") or (_LOCAL_DATABASE_URL if DEV else None)
if not DATABASE_URL:
    raise ImproperlyConfigured("DATABASE_URL must be set (or COMMONMAP_DEV=1 for a local run)")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        engine="django.contrib.gis.db.backends.postgis",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# The test run's database (pytest-django makes it): a name of its own lets two runs share a server.
if env_str("COMMONMAP_TEST_DATABASE"):
    DATABASES["default"]["TEST"] = {"NAME": env_str("COMMONMAP_TEST_DATABASE")}
# Server-side cursors (GeoJSON pages, exports) are read to the end: planned for their first 10%
# of rows (the default), a 10-feature bbox page of 1,000,000 points took 0.5 s, not 0.05 s.
# JIT off: the planner's guess for unnest() of a 10,000-point batch had it compile for 280 ms
# a 170 ms lookup (bench/lookup.py); the app's queries are short. DATABASE_JIT=1 turns it on.
_JIT = "" if env_bool("DATABASE_JIT", False) else " -c jit=off"
DATABASES["default"].setdefault("OPTIONS", {}).update(
    connect_timeout=env_int("DATABASE_CONNECT_TIMEOUT", 5),
    options="-c cursor_tuple_fraction=1" + _JIT,
)

# GeoDjango finds GDAL/GEOS through ctypes; these let an unusual install point at them.
if env_str("GDAL_LIBRARY_PATH"):
    GDAL_LIBRARY_PATH = env_str("GDAL_LIBRARY_PATH")
if env_str("GEOS_LIBRARY_PATH"):
    GEOS_LIBRARY_PATH = env_str("GEOS_LIBRARY_PATH")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    # The task queue (jobs in PostgreSQL): imports, notifications, scheduled sweeps.
    "procrastinate.contrib.django",
    "geoportal",
    "logins",
    "layers",
    "tiles",
    "importers",
    "apikeys",
    "workdays",
    "feedback",
    "residents",
    "ratings",
    "surveys",
    "notices",
    "dashboard",
    "workspace",
    "notifications",
    "privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything that may answer early (CommonMiddleware's redirects, 404s): every
    # answer of a public path, errors included, carries the CORS headers.
    "corsheaders.middleware.CorsMiddleware",
    "geoportal.security.ContentSecurityPolicy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.DatabaseUnavailable",
    # Last, so that its process_view runs just before the view: NUL bytes in the URL or the
    # query and bodies over their size limit are a JSON 400/413 before anything reads them.
    "core.input_guard.RefuseBadInput",
]

ROOT_URLCONF = "geoportal.urls"
WSGI_APPLICATION = "geoportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "geoportal" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "geoportal.context.frame",
            ]
        },
    }
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese first; English is the second language of every user-facing text.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Staff sign in on the site's own page (geoportal/signin.html) and land in their workspace.
LOGIN_URL = "signin"
LOGIN_REDIRECT_URL = "workspace:queue"
TIME_ZONE = env_str("COMMONMAP_TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # MapLibre GL JS from node_modules (package.json pins it; npm ci installs it).
    "geoportal.staticfinders.NodeModulesFinder",
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEV)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_TLS_PROXY", False) else None
)

# CORS (django-cors-headers), one policy for every public path: maps and apps on other
# origins read the APIs, the OGC service, the tiles, Open311 and the health check.
_CORS_ORIGINS = env_list("COMMONMAP_CORS_ALLOWED_ORIGINS", ["*"])
CORS_ALLOW_ALL_ORIGINS = "*" in _CORS_ORIGINS
CORS_ALLOWED_ORIGINS = [] if CORS_ALLOW_ALL_ORIGINS else _CORS_ORIGINS
CORS_ALLOW_CREDENTIALS = env_bool("COMMONMAP_CORS_ALLOW_CREDENTIALS", False)
if CORS_ALLOW_CREDENTIALS and CORS_ALLOW_ALL_ORIGINS:
    # The library would echo any origin with credentials: every site could act as the user.
    raise ImproperlyConfigured(
        "COMMONMAP_CORS_ALLOW_CREDENTIALS=1 needs COMMONMAP_CORS_ALLOWED_ORIGINS to list the "
        "origins, not '*'"
    )
CORS_URLS_REGEX = r"^/(?:api/|ogc(?:/|$)|tiles/|open311/|healthz$)"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS", "POST"]
CORS_ALLOW_HEADERS = [
    "accept",
    "accept-language",
    "authorization",
    "content-type",
    "idempotency-key",
    "if-none-match",
    "x-api-key",
]
CORS_EXPOSE_HEADERS = [
    "ETag",
    "Location",
    "Link",
    "Content-Crs",
    "Limit-Capped",
    "Retry-After",
    "Idempotent-Replayed",
]

# Content-Security-Policy (geoportal/security.py). Who may embed the pages in a frame: the
# city's app, say; with 'none' no site may. The keywords may be given without their quotes.
CSP_FRAME_ANCESTORS = [
    f"'{item}'" if item in ("self", "none") else item
    for item in env_list("COMMONMAP_FRAME_ANCESTORS", ["'self'"])
]

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "core.errors.api_exception_handler",
    # DRF's parsers, refusing NUL bytes in fields and JSON nested too deep (400, not 500).
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",
        "core.parsers.FormParser",
        "core.parsers.MultiPartParser",
    ],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "logins.basic.BasicAuthentication",
        "apikeys.keys.ApiKeyAuthentication",
    ],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Common Map API (Bản đồ chung)",
    "DESCRIPTION": (
        "Ward boundaries with versions, point-in-ward lookup and the city's common map layers. "
        "Demo ward shapes are synthetic; see the README."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Request bodies as components of their own, so that an upload's file is binary.
    "COMPONENT_SPLIT_REQUEST": True,
    # The error body, GeoJSON, and the answers every operation may give (core.schema).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.schema.add_shared_answers",
    ],
}

# The task queue (procrastinate; tasks in each app's tasks.py): a job deferred from Django
# code is written in the caller's transaction, in workers too (geoportal/queue.py).
PROCRASTINATE_ON_APP_READY = "geoportal.queue.on_app_ready"

# E-mail to reporters (notifications): without a host the e-mail channel is not used.
EMAIL_HOST = env_str("COMMONMAP_EMAIL_HOST", "")
EMAIL_PORT = env_int("COMMONMAP_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("COMMONMAP_EMAIL_FROM", "Common Map <no-reply@localhost>")
EMAIL_TIMEOUT = env_int("COMMONMAP_NOTIFY_TIMEOUT_S", 10)

# App options live under one namespace.
COMMONMAP = {
    "LOOKUP_BATCH_MAX": env_int("COMMONMAP_LOOKUP_BATCH_MAX", 10_000),
    # The REST API's one paginator (core.pagination): default and largest page_size.
    "PAGE_SIZE": env_int("COMMONMAP_PAGE_SIZE", 100),
    "PAGE_SIZE_MAX": env_int("COMMONMAP_PAGE_SIZE_MAX", 1000),
    "OGC_LIMIT_DEFAULT": env_int("COMMONMAP_OGC_LIMIT_DEFAULT", 100),
    "OGC_LIMIT_MAX": env_int("COMMONMAP_OGC_LIMIT_MAX", 10_000),
    "TILE_MAX_AGE": env_int("COMMONMAP_TILE_MAX_AGE", 60),
    # Front caches (comma-separated base URLs) `manage.py front_purger` sends its bans to.
    "FRONT_URL": env_str("COMMONMAP_FRONT_URL") or ("http://127.0.0.1:8000" if DEV else ""),
    "TILE_TIMEOUT_MS": env_int("COMMONMAP_TILE_TIMEOUT_MS", 20_000),  # then a 503 (README)
    "FRONT_EXPORT_MAX_FEATURES": env_int("COMMONMAP_FRONT_EXPORT_MAX_FEATURES", 50_000),
    # The raster renderer draws for MapProxy only: the token MapProxy sends (written into
    # mapproxy.yaml by `manage.py mapproxy_config`; by default derived from the secret key),
    # and MapProxy's public URL, which the renderer's refusal points to and the map's
    # no-WebGL fallback draws its raster tiles from (empty: the fallback draws GeoJSON).
    "RASTER_TOKEN": env_str("COMMONMAP_RASTER_TOKEN")
    or hmac.new(SECRET_KEY.encode(), b"commonmap raster renderer", "sha256").hexdigest(),
    "MAPPROXY_URL": env_str("COMMONMAP_MAPPROXY_URL") or ("http://127.0.0.1:8001" if DEV else ""),
    # Importers: an upload's size, and what an archive may unpack to (zip-bomb limits).
    "IMPORT_MAX_FILE_BYTES": env_int("COMMONMAP_IMPORT_MAX_FILE_BYTES", 1 << 30),
    "IMPORT_MAX_UNPACKED_BYTES": env_int("COMMONMAP_IMPORT_MAX_UNPACKED_BYTES", 4 << 30),
    "IMPORT_MAX_ENTRIES": env_int("COMMONMAP_IMPORT_MAX_ENTRIES", 1000),
    "IMPORT_MAX_RATIO": env_int("COMMONMAP_IMPORT_MAX_RATIO", 100),
    "IMPORT_DIR": env_str("COMMONMAP_IMPORT_DIR", str(BASE_DIR / "run" / "imports")),
    # Feedback: anonymous submissions per client address (0: no limit), photos, duplicates.
    "FEEDBACK_ANON_PER_MINUTE": env_int("COMMONMAP_FEEDBACK_ANON_PER_MINUTE", 5),
    "FEEDBACK_ANON_PER_HOUR": env_int("COMMONMAP_FEEDBACK_ANON_PER_HOUR", 30),
    "FEEDBACK_PHOTO_MAX_BYTES": env_int("COMMONMAP_FEEDBACK_PHOTO_MAX_BYTES", 10 << 20),
    "FEEDBACK_DUPLICATE_RADIUS_M": env_int("COMMONMAP_FEEDBACK_DUPLICATE_RADIUS_M", 50),
    # A report within this many metres of one of its category resolved within the
    # category's repeat window is linked to it as a repeat (feedback/repeats.py).
    "REPEAT_DISTANCE_M": env_int("COMMONMAP_REPEAT_DISTANCE_M", 50),
    # Behind a reverse proxy: the header that carries the client's address (rate limits).
    "CLIENT_IP_HEADER": env_str("COMMONMAP_CLIENT_IP_HEADER", ""),
    # Failed HTTP Basic sign-ins: this many per username or client address within the window
    # (seconds, from the first failure) lock both until it has passed (0: no limit).
    "LOGIN_FAILURES_MAX": env_int("COMMONMAP_LOGIN_FAILURES_MAX", 5),
    "LOGIN_FAILURE_WINDOW_S": env_int("COMMONMAP_LOGIN_FAILURE_WINDOW_S", 15 * 60),
    # Survey results: a public cell counting fewer answers than this is suppressed.
    "SURVEY_MIN_CELL": env_int("COMMONMAP_SURVEY_MIN_CELL", 5),
    # Ward ratings: one per resident, ward and period (month or quarter, in TIME_ZONE); a
    # ward with fewer ratings than the minimum sample is "not enough ratings", never ranked.
    "RATING_PERIOD": env_str("COMMONMAP_RATING_PERIOD", "month"),
    "RATING_MIN_SAMPLE": env_int("COMMONMAP_RATING_MIN_SAMPLE", 30),
    # The city's office hours on a working day (TIME_ZONE), for deadlines in working hours
    # and days (workdays.calendar): comma-separated HH:MM-HH:MM intervals.
    "OFFICE_HOURS": env_str("COMMONMAP_OFFICE_HOURS", "07:30-11:30,13:00-17:00"),
    # The public dashboard shows a ward's figures from this many items received on.
    "DASHBOARD_PUBLIC_MIN_COUNT": env_int("COMMONMAP_DASHBOARD_PUBLIC_MIN_COUNT", 10),
    # Residents (residents/identity.py): only an HMAC of their subject is kept, keyed with
    # this secret (its own, not derived from DJANGO_SECRET_KEY: rotating that must not turn
    # every resident into a new one). Production without it refuses resident calls.
    "RESIDENT_SECRET": env_str("COMMONMAP_RESIDENT_SECRET")
    or ("dev-only-resident-secret-never-use-in-production" if DEV else None),
    # The identity provider whose OpenID Connect bearer tokens residents sign in with
    # (unset: bearer tokens are refused); its keys are read from the JWKS URL only.
    "OIDC_ISSUER": env_str("COMMONMAP_OIDC_ISSUER", ""),
    "OIDC_JWKS_URL": env_str("COMMONMAP_OIDC_JWKS_URL", ""),
    "OIDC_AUDIENCE": env_str("COMMONMAP_OIDC_AUDIENCE", ""),
    "OIDC_ALGORITHMS": env_list("COMMONMAP_OIDC_ALGORITHMS", ["RS256", "ES256"]),
    "OIDC_LEEWAY_S": env_int("COMMONMAP_OIDC_LEEWAY_S", 30),
    # Notifications (notifications/): the public address of the site (the tracking page's
    # URL in messages), delivery attempts before a dead letter, the first retry's wait
    # (doubled each time), the network timeout, Web Push's VAPID keys and the push
    # services a subscription's endpoint may be on (the one user-given URL we call).
    "PUBLIC_URL": env_str("COMMONMAP_PUBLIC_URL", "http://localhost:8000"),
    "NOTIFY_MAX_ATTEMPTS": env_int("COMMONMAP_NOTIFY_MAX_ATTEMPTS", 8),
    "NOTIFY_RETRY_BASE_S": env_int("COMMONMAP_NOTIFY_RETRY_BASE_S", 30),
    "NOTIFY_TIMEOUT_S": env_int("COMMONMAP_NOTIFY_TIMEOUT_S", 10),
    "VAPID_PRIVATE_KEY": env_str("COMMONMAP_VAPID_PRIVATE_KEY", ""),
    "VAPID_PUBLIC_KEY": env_str("COMMONMAP_VAPID_PUBLIC_KEY", ""),
    "VAPID_SUBJECT": env_str("COMMONMAP_VAPID_SUBJECT", "mailto:admin@localhost"),
    "WEBPUSH_HOSTS": env_list(
        "COMMONMAP_WEBPUSH_HOSTS",
        [
            "fcm.googleapis.com",
            "updates.push.services.mozilla.com",
            "*.notify.windows.com",
            "web.push.apple.com",
        ],
    ),
    # Personal data (Decree 13/2023/NĐ-CP, privacy/): the version of the privacy notice a
    # new report agrees to, the purposes a reporter may consent to (the first is the
    # default), and the days a reporter's personal data is kept after the item is done
    # (a category's own retention_days wins).
    "PRIVACY_NOTICE_VERSION": env_str("COMMONMAP_PRIVACY_NOTICE_VERSION", "2026-01"),
    "PRIVACY_PURPOSES": env_list(
        "COMMONMAP_PRIVACY_PURPOSES", ["feedback_handling", "service_improvement"]
    ),
    "RETENTION_DAYS": env_int("COMMONMAP_RETENTION_DAYS", 365),
    # Hours within which a resident's request is answered. Decree 13 art. 14-16: personal
    # data is provided, corrected or deleted within 72 hours of the request.
    "PRIVACY_EXPORT_HOURS": env_int("COMMONMAP_PRIVACY_EXPORT_HOURS", 72),
    "PRIVACY_CORRECT_HOURS": env_int("COMMONMAP_PRIVACY_CORRECT_HOURS", 72),
    "PRIVACY_DELETE_HOURS": env_int("COMMONMAP_PRIVACY_DELETE_HOURS", 72),
}
if COMMONMAP["OIDC_ISSUER"] and not COMMONMAP["RESIDENT_SECRET"]:
    raise ImproperlyConfigured(
        "COMMONMAP_RESIDENT_SECRET must be set when COMMONMAP_OIDC_ISSUER is (residents' keys)"
    )
if COMMONMAP["RATING_PERIOD"] not in ("month", "quarter"):
    raise ImproperlyConfigured("COMMONMAP_RATING_PERIOD must be month or quarter")
if COMMONMAP["RATING_MIN_SAMPLE"] < 1:
    raise ImproperlyConfigured("COMMONMAP_RATING_MIN_SAMPLE must be at least 1")
if not COMMONMAP["PRIVACY_PURPOSES"]:
    raise ImproperlyConfigured("COMMONMAP_PRIVACY_PURPOSES must name at least one purpose")
if COMMONMAP["SURVEY_MIN_CELL"] < 1:
    raise ImproperlyConfigured("COMMONMAP_SURVEY_MIN_CELL must be at least 1")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # The task queue logs every start-up step at INFO; its warnings and errors are enough.
    "loggers": {"procrastinate": {"level": env_str("PROCRASTINATE_LOG_LEVEL", "WARNING")}},
}

# Debian 12 ships GDAL 3.6, which cannot block file/network access from crafted spatial
# references (gis.W001). Importers must not hand user-supplied SRS text to GDAL; they
# resolve coordinate systems with pyproj (issue: importers).
SILENCED_SYSTEM_CHECKS = ["gis.W001"]
