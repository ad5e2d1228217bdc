"""The login check and CSRF protection, run before every request.

Login: `require_user()` (and the premium and admin guards, all in
dashapp/guards.py) is the only way code in dashapp/ and callbacks/ gets the
user. LoginRequired becomes a redirect to /login for a page and a 401 (JSON)
for an API call or a Dash callback; assets/gas.js turns a 401 from a callback
into the same redirect. A page that declared a stricter access level is
checked here too, for the full page load and for Dash's page router alike.

/api/v1 is for scripts: it authenticates by personal API token only (never by
the session cookie), so it is outside both the session login check and CSRF.

CSRF: a random token per session. HTML forms send it in a hidden field
`csrf_token`; JavaScript sends it in the X-CSRFToken header, read from the
`_csrf_token` cookie. That cookie name and header are the ones dash-renderer
already sends with every callback, so Dash's own POSTs are covered without
patching it. A cross-site page can neither read the cookie nor set the header.
"""
from __future__ import annotations

import hmac
import secrets
from urllib.parse import quote, urlsplit

from flask import Flask, current_app, jsonify, redirect, request, session
from flask_login import current_user
from werkzeug.exceptions import Forbidden

from dashapp import guards
from dashapp.guards import LoginRequired, require_user   # noqa: F401 - the names pages and callbacks import
from dashapp.plain import message_page

CSRF_SESSION_KEY = "csrf"
CSRF_COOKIE = "_csrf_token"        # dash-renderer's default csrf_token_name
CSRF_HEADERS = ("X-CSRFToken", "X-CSRF-Token")
CSRF_FIELD = "csrf_token"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# Reachable without logging in. Everything else needs a user.
PUBLIC_PAGES = {"/", "/login", "/register"}
PUBLIC_PREFIXES = (
    "/assets/", "/_dash-component-suites/", "/_dash-layout", "/_dash-dependencies",
    "/_favicon.ico", "/_reload-hash", "/healthz", "/auth/",
    # The signed policy or download token is the authorization here, exactly as
    # with an S3 presigned POST/GET, so these neither need a session nor CSRF.
    "/files/", "/billing/webhook",   # the webhook: the provider's signature instead (dashapp/billing.py)
)
API_PREFIX = "/api/v1/"        # token-authenticated: dashapp/api_v1.py checks it, not the session
CALLBACK_PATH = "/_dash-update-component"
# Dash's page router renders every page, public ones included; each page layout
# calls require_user() itself. Any other callback is refused before it runs.
PAGE_ROUTER_OUTPUT = "_pages_content.children"


def csrf_token() -> str:
    token = session.get(CSRF_SESSION_KEY)
    if not token:
        token = session[CSRF_SESSION_KEY] = secrets.token_urlsafe(32)
    return token


def rotate_csrf_token() -> None:
    session.pop(CSRF_SESSION_KEY, None)
    csrf_token()


def safe_next(target: str | None, default: str = "/annotations") -> str:
    """Only a path on this site: never redirect a login to somewhere else."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def _is_public(path: str) -> bool:
    return path in PUBLIC_PAGES or path.startswith(PUBLIC_PREFIXES)


def _check_csrf() -> None:
    if request.method not in UNSAFE_METHODS or request.path.startswith((API_PREFIX, "/files/", "/billing/webhook")):
        return
    sent = next((request.headers[h] for h in CSRF_HEADERS if request.headers.get(h)), None)
    if sent is None and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        sent = request.form.get(CSRF_FIELD)
    expected = session.get(CSRF_SESSION_KEY)
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        raise Forbidden("This form has expired or did not come from this site. Reload the page and try again.")


def _routed_path() -> str | None:
    """The page path that Dash's page router is asked to render, if this is that callback."""
    body = request.get_json(silent=True) or {}
    if PAGE_ROUTER_OUTPUT not in str(body.get("output", "")):
        return None
    for item in body.get("inputs") or []:
        if isinstance(item, dict) and item.get("property") == "pathname":
            return str(item.get("value") or "/")
    return "/"


def _check_login() -> None:
    if request.path.startswith(API_PREFIX):
        return
    if request.path == CALLBACK_PATH:
        routed = _routed_path()
        if routed is not None:
            guards.check(guards.page_access(routed) or guards.PUBLIC)
        elif not current_user.is_authenticated:
            raise LoginRequired()
        return
    if not current_user.is_authenticated and not _is_public(request.path):
        raise LoginRequired()
    if request.method == "GET":
        guards.check(guards.page_access(request.path) or guards.PUBLIC)


def _wants_json() -> bool:
    return request.path.startswith(("/api/", "/_dash-")) or request.is_json


def _login_required_response(exc: LoginRequired):
    if _wants_json():
        return jsonify(error=exc.description, login_url="/login"), 401
    nxt = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect("/login" + (f"?next={quote(nxt, safe='/')}" if nxt and nxt != "/" else ""))


def _forbidden_response(exc: Forbidden):
    if _wants_json():
        return jsonify(error=exc.description), 403
    return message_page("Not allowed", exc.description, 403)


def _set_csrf_cookie(response):
    if request.path.startswith(API_PREFIX):
        return response   # scripts get no session and no cookies
    token = csrf_token()
    if request.cookies.get(CSRF_COOKIE) != token:
        # Readable by JavaScript on purpose (double submit); SameSite keeps it home.
        response.set_cookie(CSRF_COOKIE, token, samesite="Lax", httponly=False,
                            secure=request.is_secure or bool(current_app.config.get("SESSION_COOKIE_SECURE")), path="/")
    return response


def init_app(server: Flask) -> None:
    from dashapp import headers
    headers.init_app(server, server.extensions["gas"].settings)
    server.before_request(_check_login)
    server.before_request(_check_csrf)
    server.after_request(_set_csrf_cookie)
    server.register_error_handler(LoginRequired, _login_required_response)
    server.register_error_handler(Forbidden, _forbidden_response)
