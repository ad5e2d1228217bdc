"""Accounts: Flask routes for register, login, Globus login and logout (not Dash callbacks).

The /login and /register Dash pages hold plain HTML forms that POST here; the
outcome comes back to those pages as a flashed message after a redirect, so a
reload never re-sends a password.

Globus (when services().globus is set; docs/globus.md): /auth/globus/login keeps
a fresh `state` in the session and sends the browser to Globus; the callback is
refused unless it brings that state back, before its code is spent. Every
refusal lands on the login page as a sentence. The Globus tokens stay in the
session only so that logout can revoke them.
"""
from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Flask, abort, flash, redirect, request, session
from flask_login import LoginManager, current_user, login_user, logout_user

from backend import throttle
from backend.adapters.globus_identity import LoginRefused, new_state, state_matches
from backend.users import RegistrationError
from dashapp.context import services
from dashapp.security import rotate_csrf_token, safe_next

bp = Blueprint("auth", __name__, url_prefix="/auth")

# One sentence for an unknown email and a wrong password: which one is not told.
BAD_LOGIN = "That email and password do not match an account. Check them and try again, or register."


@bp.post("/register")
def register():
    form = request.form
    if form.get("password", "") != form.get("password2", ""):
        flash("The two passwords differ; type the same password twice.", "danger")
        return redirect("/register")
    try:
        services().users.register(form.get("email", ""), form.get("name", ""), form.get("password", ""))
    except RegistrationError as exc:
        flash(str(exc), "danger")
        return redirect("/register")
    flash("Your account is ready. Log in to request an annotation.", "success")
    return redirect("/login")


def _back_to_login(message: str):
    flash(message, "danger")
    nxt = request.form.get("next")
    return redirect("/login" + (f"?next={quote(nxt, safe='/')}" if nxt and safe_next(nxt, "") else ""))


@bp.post("/login")
def login():
    users = services().users
    email, address = request.form.get("email", ""), request.remote_addr or ""
    try:
        throttle.check(users, email, address)   # shared by every web process (users database)
    except throttle.LoginThrottled as exc:
        return _back_to_login(str(exc))
    user = users.authenticate(email, request.form.get("password", ""))
    if user is None:
        throttle.record_failure(users, email, address)
        return _back_to_login(BAD_LOGIN)
    throttle.clear(users, email)
    login_user(user)
    rotate_csrf_token()   # a token seen before login is not the one used after it
    return redirect(safe_next(request.form.get("next")))


GLOBUS_STATE, GLOBUS_NEXT, GLOBUS_TOKENS = "globus_state", "globus_next", "globus_tokens"
FOREIGN_STATE = "That Globus sign-in was not started from this browser. Please log in again."


def _globus():
    globus = services().globus
    if globus is None:
        abort(404)   # not configured: there is no such login
    return globus


def globus_redirect_uri() -> str:
    """The callback registered with Globus: exactly <GAS_BASE_URL>/auth/globus/callback."""
    return services().settings.base_url.rstrip("/") + "/auth/globus/callback"


@bp.get("/globus/login")
def globus_login():
    globus = _globus()
    session[GLOBUS_STATE] = state = new_state()
    session[GLOBUS_NEXT] = safe_next(request.args.get("next"))
    return redirect(globus.authorize_url(globus_redirect_uri(), state))


@bp.get("/globus/callback")
def globus_callback():
    globus = _globus()
    expected, nxt = session.pop(GLOBUS_STATE, None), session.pop(GLOBUS_NEXT, None)
    if "error" in request.args:
        return _back_to_login(str(LoginRefused.from_callback(request.args["error"],
                                                             request.args.get("error_description"))))
    if not state_matches(expected, request.args.get("state")):
        return _back_to_login(FOREIGN_STATE)
    try:
        identity = globus.finish(request.args.get("code", ""), globus_redirect_uri())
    except LoginRefused as refused:
        return _back_to_login(str(refused))
    try:
        user = services().users.upsert_external(identity.sub, identity.email, identity.name, identity.institution)
    except RegistrationError as exc:
        globus.logout(identity.tokens)   # we will not use them
        return _back_to_login(str(exc))
    login_user(user)
    session[GLOBUS_TOKENS] = list(identity.tokens)
    rotate_csrf_token()
    return redirect(safe_next(nxt))


@bp.post("/logout")
def logout():
    tokens = session.pop(GLOBUS_TOKENS, None)
    if tokens and services().globus is not None:
        services().globus.logout(tokens)   # best effort: our logout happens whatever Globus says
    if current_user.is_authenticated:
        services().users.end_sessions(current_user.id)   # a copied cookie dies too
    logout_user()
    session.clear()
    rotate_csrf_token()
    return redirect("/")


def init_app(server: Flask) -> None:
    manager = LoginManager()
    manager.init_app(server)

    @manager.user_loader
    def load_user(session_id: str):
        return services().users.get_by_session_id(session_id)

    server.register_blueprint(bp)
