"""Pieces of the API tokens page that its callbacks render again: the list, and a new token shown once."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from backend.tokens import TokenInfo
from dashapp import ids


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "never"


def token_list(tokens: list[TokenInfo]):
    if not tokens:
        return html.P("You have no API tokens.", className="text-muted mb-0", id="token-empty")
    header = html.Thead(html.Tr([html.Th("Name"), html.Th("Created"), html.Th("Last used"), html.Th("")]))
    rows = [html.Tr([
        html.Td(t.name), html.Td(_when(t.created_at)), html.Td(_when(t.last_used_at)),
        html.Td(dbc.Button("Revoke", id={"type": ids.TOKEN_REVOKE, "index": t.id}, color="danger",
                           outline=True, size="sm"), className="text-end"),
    ]) for t in tokens]
    return dbc.Table([header, html.Tbody(rows)], hover=True, responsive=True, class_name="mb-0 align-middle")


def new_token(name: str, token: str) -> dbc.Alert:
    """The token's value, shown this once: only its hash is kept."""
    return dbc.Alert([
        html.H2(f"Token “{name}” created", className="h6 alert-heading"),
        html.P("Copy it now: GAS keeps only a fingerprint of it and cannot show it again.", className="mb-2"),
        html.Pre(token, id="token-value", className="bg-white border rounded p-2 mb-2 user-select-all"),
        html.P(["Use it as ", html.Code("Authorization: Bearer <token>"), ", or for the command line: ",
                html.Code("export GAS_TOKEN=<token>"), "."], className="small mb-0"),
    ], color="success")


def message(text: str, color: str = "warning") -> dbc.Alert:
    return dbc.Alert(text, color=color)
