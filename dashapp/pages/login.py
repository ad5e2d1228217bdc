"""Log in: a plain form that POSTs to /auth/login, and "Log in with Globus" when Globus is configured."""
from urllib.parse import quote

import dash
import dash_bootstrap_components as dbc
from dash import html

from dashapp.context import services
from dashapp.pages._forms import auth_card, field
from dashapp.security import safe_next

dash.register_page(__name__, path="/login", name="Log in", title="Log in · GAS", order=5)

GLOBUS_BUTTON = "globus-login"


def _globus_option(next_path: str | None):
    if services().globus is None:
        return None
    href = "/auth/globus/login" + (f"?next={quote(next_path, safe='/')}" if next_path else "")
    return dbc.Row(dbc.Col([
        html.Div("or", className="text-center text-muted small my-3"),
        # A full page load: the route redirects to Globus, which is not a Dash page.
        dbc.Button("Log in with Globus", href=href, external_link=True, id=GLOBUS_BUTTON,
                   color="secondary", outline=True, class_name="w-100"),
        html.P("Use your university, lab or Google identity through Globus.",
               className="text-muted small mt-2 mb-0 text-center"),
    ], md=6, lg=5), justify="center")


def layout(next=None, **_):   # noqa: A002 - the query parameter is called next
    next_path = safe_next(next) if next else None
    extra = {"next": next_path} if next_path else None
    return html.Div([
        auth_card(
            "Log in", "/auth/login",
            [field("Email", "email", "email", autoComplete="username"),
             field("Password", "password", "password", autoComplete="current-password")],
            "Log in",
            ["No account yet? ", html.A("Register", href="/register")],
            extra,
        ),
        _globus_option(next_path),
    ])
