"""Shared pieces of the login and register pages: plain HTML forms posting to /auth/*."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html
from flask import get_flashed_messages

from dashapp.security import CSRF_FIELD, csrf_token


def flashed_alerts() -> list:
    return [dbc.Alert(message, color=category if category in ("success", "danger", "warning") else "info")
            for category, message in get_flashed_messages(with_categories=True)]


def field(label: str, name: str, kind: str = "text", **props) -> html.Div:
    return html.Div([dbc.Label(label, html_for=f"field-{name}"),
                     dbc.Input(id=f"field-{name}", name=name, type=kind, required=True, **props)],
                    className="mb-3")


def auth_card(title: str, action: str, fields: list, submit: str, footer, extra_hidden: dict | None = None):
    hidden = [dbc.Input(type="hidden", name=CSRF_FIELD, value=csrf_token(), id=f"{action}-csrf")]
    hidden += [dbc.Input(type="hidden", name=k, value=v, id=f"{action}-{k}") for k, v in (extra_hidden or {}).items()]
    return dbc.Row(dbc.Col(dbc.Card(dbc.CardBody([
        html.H1(title, className="h4 mb-3"),
        *flashed_alerts(),
        html.Form([*hidden, *fields, dbc.Button(submit, type="submit", color="primary", class_name="w-100")],
                  action=action, method="POST"),
        html.P(footer, className="text-muted small mt-3 mb-0"),
    ], class_name="p-4"), class_name="shadow-sm"), md=6, lg=5), justify="center")
