"""Local accounts: Flask routes for register, login and logout (not Dash callbacks).

The /login and /register Dash pages hold plain HTML forms that POST here; the
outcome comes back to those pages as a flashed message after a redirect, so a
reload never re-sends a password.
"""
from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Flask, flash, redirect, request
from flask_login import LoginManager, login_user, logout_user

from backend import throttle
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


@bp.post("/logout")
def logout():
    logout_user()
    rotate_csrf_token()
    return redirect("/")


def init_app(server: Flask) -> None:
    manager = LoginManager()
    manager.init_app(server)

    @manager.user_loader
    def load_user(user_id: str):
        return services().users.get(user_id)

    server.register_blueprint(bp)
