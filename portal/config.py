"""Configuration read from environment variables.

Every setting has a safe default for the embedded set-up (SQLite under instance/,
embedded search, mail to the log), so the portal starts with nothing configured.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Production-like defaults; values come from the environment when set."""

    TESTING = False
    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI: str | None = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Seconds a public page rendered for a visitor is served from the cache (0: never).
    PAGE_CACHE_SECONDS = _env_int("PAGE_CACHE_SECONDS", 10)
    # Page views are added up in each process and written at most this often (seconds).
    VIEW_COUNT_FLUSH_SECONDS = _env_int("VIEW_COUNT_FLUSH_SECONDS", 10)
    # werkzeug's default, memory-hard; hashes name their method, so a change keeps old ones valid.
    PASSWORD_HASH_METHOD = "scrypt"
    ELASTICSEARCH_URL: str | None = os.environ.get("ELASTICSEARCH_URL") or None
    EMBEDDING_MODEL: str | None = os.environ.get("EMBEDDING_MODEL") or None
    EMBEDDING_DEVICE: str | None = os.environ.get("EMBEDDING_DEVICE") or None
    EMBEDDING_BATCH_SIZE = _env_int("EMBEDDING_BATCH_SIZE", 32)
    # "model": the sentence-transformers model (or its fallback); "hashed": tests only.
    EMBEDDER = os.environ.get("EMBEDDER", "model")

    MAIL_SERVER: str | None = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = _env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_USERNAME: str | None = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD: str | None = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "noreply@lowcarbon.xm.local")

    # 1 MiB covers every form; larger bodies are refused with 413 before parsing.
    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 1024 * 1024)
    MAX_UPLOAD_LENGTH = _env_int("MAX_UPLOAD_LENGTH", 20 * 1024 * 1024)
    # Patent exports larger than this import as a background job with a progress page.
    PATENT_BACKGROUND_IMPORT_BYTES = _env_int("PATENT_BACKGROUND_IMPORT_BYTES", 1024 * 1024)
    # The browser that prints the patent landscape report to PDF.
    PATENT_PDF_CHROMIUM = os.environ.get("PATENT_PDF_CHROMIUM", "/usr/bin/chromium")

    # Served over TLS (directly or behind a proxy): https redirect, HSTS and secure cookies
    # follow this one setting (portal/security_headers.py).
    HTTPS = _env_bool("HTTPS", False)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=_env_int("REMEMBER_DAYS", 14))

    WTF_CSRF_TIME_LIMIT = None
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_CN", "en")
    BOOTSTRAP_SERVE_LOCAL = True

    # Proxies in front of the app whose X-Forwarded-For / -Proto are trusted (portal/proxy.py);
    # 0 trusts none.
    PROXY_FIX_X_FOR = _env_int("PROXY_FIX_X_FOR", 0)
    PROXY_FIX_X_PROTO = _env_int("PROXY_FIX_X_PROTO", 0)

    # Rate limits (portal/rate_limits.py): memory storage counts per process; point this at
    # Redis (redis://host:6379/0) when several workers serve the portal.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    RATE_LIMITS = {
        "LOGIN_PER_ADDRESS": "30 per minute; 300 per hour",
        "LOGIN_PER_ACCOUNT": "5 per minute; 30 per hour",
        "REGISTER_PER_ADDRESS": "10 per hour",
        "RESET_PER_ADDRESS": "10 per hour",
        "RESET_PER_ACCOUNT": "3 per hour",
        "VERIFICATION_PER_ACCOUNT": "3 per hour",
        "CLASSIFY": "60 per minute",
        "CLASSIFY_ANONYMOUS": "10 per minute; 100 per day",
        "SEARCH": "120 per minute",
        "SEARCH_ANONYMOUS": "60 per minute",
        "SUGGEST": "300 per minute",
        "SUGGEST_ANONYMOUS": "120 per minute",
    }

    # Background jobs (portal/jobs/): Huey on a SQLite file under instance/ unless
    # JOBS_URL=redis://host:6379/1; JOBS_IMMEDIATE runs each job in the caller at once.
    JOBS_URL: str | None = os.environ.get("JOBS_URL") or None
    JOBS_IMMEDIATE = _env_bool("JOBS_IMMEDIATE", False)

    PASSWORD_RESET_MAX_AGE = _env_int("PASSWORD_RESET_MAX_AGE", 3600)
    EMAIL_VERIFICATION_MAX_AGE = _env_int("EMAIL_VERIFICATION_MAX_AGE", 3 * 24 * 3600)
    ITEMS_PER_PAGE = 20
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")


class TestConfig(Config):
    """Settings for the test suite: fast hashing, no real mail, CSRF on (tests opt out)."""

    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    ELASTICSEARCH_URL = None
    MAIL_SERVER = None
    LOG_LEVEL = "WARNING"
    EMBEDDER = "hashed"
    JOBS_URL = None
    JOBS_IMMEDIATE = True  # a request's derived work is done when the request ends
    PAGE_CACHE_SECONDS = 0  # tests see each change at once; the cache has its own test
    VIEW_COUNT_FLUSH_SECONDS = 0
    # Test accounts only: scrypt took over half of the suite's time (70 ms per account).
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"


def instance_sqlite_uri(instance_path: str | Path) -> str:
    return f"sqlite:///{Path(instance_path) / 'portal.sqlite3'}"
