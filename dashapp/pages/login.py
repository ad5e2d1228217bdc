"""Log in: a plain form that POSTs to /auth/login."""
import dash
from dash import html

from dashapp.pages._forms import auth_card, field
from dashapp.security import safe_next

dash.register_page(__name__, path="/login", name="Log in", title="Log in · GAS", order=5)


def layout(next=None, **_):   # noqa: A002 - the query parameter is called next
    extra = {"next": safe_next(next)} if next else None
    return auth_card(
        "Log in", "/auth/login",
        [field("Email", "email", "email", autoComplete="username"),
         field("Password", "password", "password", autoComplete="current-password")],
        "Log in",
        ["No account yet? ", html.A("Register", href="/register")],
        extra,
    )
