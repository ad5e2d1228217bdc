"""The frame around every page: the navbar and Dash's page container.

A function, so Dash builds it per request and the navbar can show who is
logged in. Login and logout are full page loads, so it is always current.
"""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import html
from flask_login import current_user

from dashapp.security import CSRF_FIELD, csrf_token


def _nav_link(label: str, href: str, active: str = "exact") -> dbc.NavItem:
    # external_link: a full load, so the server's login check runs on every page change.
    return dbc.NavItem(dbc.NavLink(label, href=href, external_link=True, active=active, class_name="px-3"))


def _account_items() -> list:
    if current_user.is_authenticated:
        logout = html.Form(
            [
                dbc.Input(type="hidden", name=CSRF_FIELD, value=csrf_token()),
                dbc.Button("Log out", type="submit", color="light", outline=True, size="sm"),
            ],
            action="/auth/logout", method="POST", className="d-flex ms-2",
        )
        admin = [_nav_link("Admin", "/admin")] if current_user.is_admin else []
        return [*admin, _nav_link("Profile", "/profile"),
                dbc.NavItem(html.Span(current_user.name, className="navbar-text text-light me-2")),
                dbc.NavItem(logout)]
    return [_nav_link("Log in", "/login"),
            dbc.NavItem(dbc.Button("Register", href="/register", external_link=True,
                                   color="light", size="sm", class_name="ms-2"))]


def navbar() -> dbc.Navbar:
    return dbc.Navbar(
        dbc.Container([
            dbc.NavbarBrand([html.Span("GAS", className="fw-bold me-2"),
                             html.Small("Genomics Annotation Service", className="d-none d-md-inline opacity-75")],
                            href="/", external_link=True),
            dbc.Nav([_nav_link("Home", "/"), _nav_link("Request annotation", "/annotate"),
                     _nav_link("My annotations", "/annotations", "partial")], navbar=True, class_name="me-auto"),
            dbc.Nav(_account_items(), navbar=True, class_name="align-items-center"),
        ]),
        color="primary", dark=True, class_name="mb-4 shadow-sm",
    )


def layout() -> html.Div:
    return html.Div([
        navbar(),
        dbc.Container(dash.page_container, class_name="pb-5", style={"maxWidth": "1100px"}),
    ])
