"""API tokens: create (shown once), list and revoke the personal tokens scripts use for /api/v1."""
import dash
import dash_bootstrap_components as dbc
from dash import html

from backend.tokens import list_tokens
from dashapp import ids
from dashapp.context import services
from dashapp.pages._tokens import token_list
from dashapp.security import require_user
from dashapp.views import page_header

dash.register_page(__name__, path="/profile/tokens", name="API tokens", title="API tokens · GAS", order=7)


def layout(**_):
    user = require_user()
    return html.Div([
        page_header("API tokens", "Personal tokens let your scripts and the gas command line use GAS as you."),
        dbc.Card(dbc.CardBody([
            html.H2("Create a token", className="h5"),
            html.P("Name it after where it will be used, so you know which one to revoke.",
                   className="text-muted small"),
            dbc.InputGroup([
                dbc.Input(id=ids.TOKEN_NAME, placeholder="e.g. lab workstation", maxLength=100),
                dbc.Button("Create token", id=ids.TOKEN_CREATE, color="primary"),
            ], class_name="mb-3"),
            html.Div(id=ids.TOKEN_NEW),
        ], class_name="p-4"), class_name="shadow-sm mb-4"),
        dbc.Card(dbc.CardBody([
            html.H2("Your tokens", className="h5"),
            html.Div(token_list(list_tokens(services().users, user.id)), id=ids.TOKEN_LIST),
        ], class_name="p-4"), class_name="shadow-sm mb-3"),
        html.P(["How to use them: the JSON API and the command line are described in ",
                html.Code("docs/api.md"), "."], className="text-muted small"),
    ])
