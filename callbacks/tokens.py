"""API tokens page: create a token (its value returned this once) and revoke one of the user's own."""
from __future__ import annotations

from dash import ALL, Dash, Input, Output, State, ctx, no_update

from backend.tokens import create_token, list_tokens, revoke_token
from dashapp import ids
from dashapp.context import services
from dashapp.pages._tokens import message, new_token, token_list
from dashapp.security import require_user


def create(n_clicks, name):
    user = require_user()
    if not n_clicks:
        return no_update, no_update, no_update
    name = (name or "").strip() or "token"
    users = services().users
    token = create_token(users, user.id, name)
    return new_token(name[:100], token), token_list(list_tokens(users, user.id)), ""


def revoke(clicks):
    user = require_user()
    if not ctx.triggered_id or not any(clicks or []):
        return no_update, no_update   # the buttons were (re)drawn, not pressed
    users = services().users
    if revoke_token(users, user.id, str(ctx.triggered_id["index"])):
        notice = message("The token is revoked: scripts using it are refused from now on.", "info")
    else:
        notice = message("That token was not found among yours; it may be revoked already.")
    return notice, token_list(list_tokens(users, user.id))


def register(app: Dash) -> None:
    app.callback(
        Output(ids.TOKEN_NEW, "children"),
        Output(ids.TOKEN_LIST, "children"),
        Output(ids.TOKEN_NAME, "value"),
        Input(ids.TOKEN_CREATE, "n_clicks"),
        State(ids.TOKEN_NAME, "value"),
        prevent_initial_call=True,
    )(create)
    app.callback(
        Output(ids.TOKEN_NEW, "children", allow_duplicate=True),
        Output(ids.TOKEN_LIST, "children", allow_duplicate=True),
        Input({"type": ids.TOKEN_REVOKE, "index": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )(revoke)
