"""The Flask portal of the low-carbon technology catalogue and matchmaking platform."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, has_request_context, request, session
from flask_babel import lazy_gettext as _l
from flask_babel import refresh as refresh_locale
from flask_login import current_user

from portal.config import Config, instance_sqlite_uri
from portal.errors import configure_error_handlers
from portal.extensions import babel, bootstrap, csrf, db, login_manager, migrate
from portal.jobs import configure_jobs
from portal.logging_setup import configure_logging
from portal.matches import configure_matching
from portal.notifications import configure_notifications
from portal.outbox import configure_outbox
from portal.page_cache import configure_page_cache
from portal.proxy import configure_proxy
from portal.rate_limits import configure_rate_limits
from portal.roadshows import configure_roadshows
from portal.search_index import configure_search
from portal.security_headers import configure_security_headers
from portal.urls import configure_url_converters

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: type[Config] | Mapping[str, Any] | None = None) -> Flask:
    """Build the portal. `config` is a Config class or a mapping of overrides."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    configure_settings(app, config)
    configure_url_converters(app)
    configure_proxy(app)
    configure_logging(app)
    configure_extensions(app)
    configure_page_cache(app)
    configure_outbox(app)
    configure_notifications(app)
    configure_jobs(app)
    configure_search(app)
    configure_matching(app)
    configure_roadshows(app)
    configure_blueprints(app)
    configure_rate_limits(app)
    configure_security_headers(app)
    configure_templates(app)
    configure_error_handlers(app)
    configure_cli(app)
    return app


def configure_settings(app: Flask, config: type[Config] | Mapping[str, Any] | None) -> None:
    app.config.from_object(Config)
    if isinstance(config, type):
        app.config.from_object(config)
    elif config is not None:
        app.config.update(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = instance_sqlite_uri(app.instance_path)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))


def _instance_secret(instance: Path) -> str:
    """A per-installation secret kept in instance/, created on first start (never in git)."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        os.chmod(path, 0o600)
    return path.read_text().strip()


def configure_extensions(app: Flask) -> None:
    from portal import models  # noqa: F401  (registers every table with the metadata)
    from portal.accounts.models import User

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    bootstrap.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(PROJECT_ROOT / "translations"),
    )
    # Flask-Babel caches the locale on `g`; a request that shares an outer app context
    # (CLI tasks, tests) must still pick its own user's locale.
    app.before_request(refresh_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("请先登录。")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        # "<id>:<session version>"; a stale version (the password changed since) logs out.
        user_id, _, version = session_id.partition(":")
        if not (user_id.isdigit() and version.isdigit()):
            return None
        user = db.session.get(User, int(user_id))
        return user if user is not None and user.session_version == int(version) else None


def select_locale() -> str:
    """The API: the request's Accept-Language, else the account's language, else Chinese.
    Pages: the language chosen on the site, else the account's, else the browser's."""
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():  # commands and jobs: the platform's own language
        return default
    account = None
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        account = current_user.locale
    if request.path.startswith("/api/"):
        if request.accept_languages:
            return _browser_locale(default)
        return account or default
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    return account or _browser_locale(default)


def _browser_locale(default: str) -> str:
    # Chinese first: English only when the request prefers it over Chinese.
    best = request.accept_languages.best_match(["zh", "zh_CN", "en"])
    return "en" if best == "en" else default


def configure_blueprints(app: Flask) -> None:
    from portal.accounts import bp as auth_bp
    from portal.admin import bp as admin_bp
    from portal.api import create_api_blueprint, token_pages
    from portal.classification import api as classification_api
    from portal.classification import bp as classification_bp
    from portal.imports.export_views import bp as exports_bp
    from portal.imports.views import bp as imports_bp
    from portal.jobs.views import bp as jobs_bp
    from portal.listings import api as listings_api
    from portal.listings.views import catalogue_bp, needs_bp
    from portal.main import bp as main_bp
    from portal.matches import api as matches_api
    from portal.matches.views import bp as matches_bp
    from portal.notifications.views import bp as notifications_bp
    from portal.organizations import api as orgs_api
    from portal.organizations import bp as orgs_bp
    from portal.patents import api as patents_api
    from portal.patents import bp as patents_bp
    from portal.roadshows import api as roadshows_api
    from portal.roadshows import bp as roadshows_bp
    from portal.search_index import api as search_api
    from portal.search_index.views import bp as search_bp

    api_bp = create_api_blueprint(
        [
            listings_api.API,
            orgs_api.API,
            search_api.API,
            classification_api.API,
            matches_api.API,
            patents_api.API,
            roadshows_api.API,
        ]
    )

    listing_bps = (catalogue_bp, needs_bp, matches_bp, notifications_bp, imports_bp, exports_bp)
    pages = (main_bp, auth_bp, orgs_bp, admin_bp, api_bp, token_pages, search_bp, jobs_bp)
    for blueprint in (*pages, *listing_bps):
        app.register_blueprint(blueprint)
    app.register_blueprint(classification_bp)
    app.register_blueprint(patents_bp)
    app.register_blueprint(roadshows_bp)


def configure_templates(app: Flask) -> None:
    from flask_babel import get_locale
    from flask_login import current_user

    from portal.navigation import navigation_for

    @app.context_processor
    def inject_layout() -> dict[str, Any]:
        """The layout's language and menus; a page's own data comes from its view."""
        return {"current_locale": get_locale, "navigation": navigation_for(current_user)}


def configure_cli(app: Flask) -> None:
    """Each domain's `commands` module holds its command group; they are added here."""
    from portal.accounts.commands import users_cli
    from portal.api.commands import token_command
    from portal.classification.commands import classify_cli
    from portal.embeddings.commands import models_cli
    from portal.imports.commands import import_command
    from portal.jobs.commands import jobs_cli
    from portal.listings.commands import listings_cli
    from portal.matches.commands import match_cli
    from portal.patents.commands import patents_cli
    from portal.roadshows.commands import roadshows_cli
    from portal.search_index.commands import search_cli
    from portal.seed.commands import seed_command

    users_cli.add_command(token_command)
    listings_cli.add_command(import_command)
    for command in (
        users_cli,
        seed_command,
        listings_cli,
        match_cli,
        classify_cli,
        models_cli,
        search_cli,
        patents_cli,
        jobs_cli,
        roadshows_cli,
    ):
        app.cli.add_command(command)
