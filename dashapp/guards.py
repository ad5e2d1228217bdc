"""Who may do what: the one module of guards for pages, Dash callbacks and API routes.

Three levels, each a function that returns the user or raises:

- `require_user()`    logged in (a session, or a personal API token on /api/v1);
- `require_premium()` logged in with a Premium account;
- `require_admin()`   logged in with the admin flag (`gas users promote EMAIL`).

LoginRequired becomes a redirect to /login for a page and a 401 (JSON) for an
API call or a Dash callback; NotAllowed becomes a 403. Pages declare a stricter
level with `dash.register_page(..., access="premium" | "admin")`: the full page
load and Dash's page router both check it here before the layout runs, and the
layout calls the same guard, so a page reached either way asks the same thing.
Callbacks and routes call the guard first, or use `@guarded(level)`.
"""
from __future__ import annotations

import functools
import re

from flask import g
from flask_login import current_user
from werkzeug.exceptions import Forbidden, HTTPException

from backend.users import User

PUBLIC, USER, PREMIUM, ADMIN = "public", "user", "premium", "admin"

PREMIUM_ONLY = "This needs a Premium account. Upgrade on your profile page to use it."
ADMIN_ONLY = "This page is for GAS administrators only."


class LoginRequired(HTTPException):
    code = 401
    description = "Log in to continue."


class NotAllowed(Forbidden):
    """Logged in, but this account may not do that; the description says why."""


def current_account() -> User | None:
    """The user of this request: an API token's owner (set by dashapp/api_v1.py), else the session's."""
    if "api_user" in g:
        return g.api_user
    if current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def require_user() -> User:
    """The logged-in user; LoginRequired when there is none."""
    user = current_account()
    if user is None:
        raise LoginRequired()
    return user


def require_premium() -> User:
    """A Premium user; LoginRequired or NotAllowed otherwise."""
    user = require_user()
    if not user.is_premium:
        raise NotAllowed(PREMIUM_ONLY)
    return user


def require_admin() -> User:
    """An admin; LoginRequired or NotAllowed otherwise."""
    user = require_user()
    if not user.is_admin:
        raise NotAllowed(ADMIN_ONLY)
    return user


GUARDS = {USER: require_user, PREMIUM: require_premium, ADMIN: require_admin}


def check(level: str) -> User | None:
    """Apply the guard of `level`; public asks nothing."""
    return None if level == PUBLIC else GUARDS[level]()


def guarded(level: str):
    """Decorate a Flask view or a Dash callback so it runs only for `level`."""
    def wrap(fn):
        @functools.wraps(fn)
        def inner(*args, **kwargs):
            check(level)
            return fn(*args, **kwargs)
        inner.access = level
        return inner
    return wrap


def _template_regex(template: str) -> re.Pattern:
    parts = re.split(r"(<[^>]+>)", template)
    return re.compile("".join("[^/]+" if p.startswith("<") else re.escape(p) for p in parts) + "/?")


def page_access(path: str) -> str | None:
    """The access level a Dash page at `path` declared with register_page(access=...), if any."""
    import dash   # the registry is filled when the Dash app is built
    for page in dash.page_registry.values():
        level = page.get("access")
        if not level:
            continue
        if path == page["path"] or (page.get("path_template") and _template_regex(page["path_template"]).fullmatch(path)):
            return level
    return None
