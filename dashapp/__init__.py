"""The web app: Flask server with Dash pages on it, built by create_app()."""
from __future__ import annotations

from pathlib import Path

import flask
from dash import Dash

from backend.bootstrap import Services, build
from backend.config import Settings, load_settings

ASSETS = Path(__file__).resolve().parent.parent / "assets"


def create_app(settings: Settings | None = None, services: Services | None = None) -> flask.Flask:
    """A Flask app serving GAS: Dash pages, auth, upload/download, JSON API and health check.

    Nothing connects at import time; tests pass their own settings (or Services).
    """
    settings = settings or (services.settings if services else load_settings())
    settings.check_production_safe()
    services = services or build(settings)

    server = flask.Flask(__name__)
    server.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.base_url.startswith("https://"),
        # Forms here are small (login, register); uploads are parsed as a stream in files.py.
        MAX_FORM_MEMORY_SIZE=64 * 1024,
        MAX_FORM_PARTS=50,
    )
    from dashapp.context import EXTENSION
    server.extensions[EXTENSION] = services

    from dashapp import api, auth, billing, downloads, files, security
    security.init_app(server)
    auth.init_app(server)
    api.init_app(server)
    files.init_app(server)
    downloads.init_app(server)
    billing.init_app(server)

    dash_app = Dash(
        __name__,
        server=server,
        use_pages=True,
        pages_folder=str(Path(__file__).resolve().parent / "pages"),
        assets_folder=str(ASSETS),
        serve_locally=True,
        suppress_callback_exceptions=True,   # callbacks target ids of pages not yet shown
        title="GAS",
        update_title=None,
    )
    from dashapp.shell import layout
    dash_app.layout = layout

    from callbacks import register_all
    register_all(dash_app)
    server.extensions["dash"] = dash_app
    _warm_up(server)
    return server


def _warm_up(server: flask.Flask) -> None:
    """Serve one request now, before gunicorn starts its threads.

    Dash registers its scripts and the page router on the first request, and sets
    its "done" flag before doing the work (plotly/dash#3971): under gthread, other
    requests in that gap get 500 "not a registered library". With the work done
    here (and preload_app, before the fork) no request can fall in the gap.
    """
    with server.test_client() as client:
        client.get("/healthz")
