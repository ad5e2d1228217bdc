"""After subscribing: Premium and restoring, or waiting for the payment provider to confirm.

The state comes from the user, not the URL: Premium, or a subscription on record
that is not paid yet (Stripe confirms by webhook), or neither.
"""
import dash
import dash_bootstrap_components as dbc
from dash import html

from backend import services as usecases
from backend.domain import ArchiveState
from dashapp.context import services
from dashapp.pages._billing import PRICE_TEXT
from dashapp.security import require_user
from dashapp.views import page_header

dash.register_page(__name__, path="/subscribed", name="Subscribed", title="Premium · GAS", order=8)

PENDING_RELOAD_SECONDS = 5   # subscribe.js reloads the waiting page this often


def _premium(archived: int) -> html.Div:
    if archived:
        restoring = [html.P([html.Strong(f"Your archived results are being restored ({archived} "
                                         f"job{'s' if archived != 1 else ''}). "),
                             "Each job's page says \u201crestoring\u201d until its file is back, then shows "
                             "the download link."], className="mb-0")]
    else:
        restoring = [html.P("You had no archived results; everything you run from now on stays downloadable.",
                            className="mb-0")]
    return dbc.Alert([
        html.H2("Welcome to Premium", className="h4 alert-heading"),
        html.P(f"Thank you. Your subscription ({PRICE_TEXT}) is active: upload files of any size, "
               "and every result stays downloadable.", className="mb-2"),
        *restoring,
    ], color="success", id="subscribed-premium")


def layout(**_):
    user = require_user()
    svc = services()
    if user.is_premium:
        archived = sum(1 for job in usecases.list_jobs(svc, user)
                       if job.archive_state in (ArchiveState.ARCHIVED, ArchiveState.RESTORING))
        body = _premium(archived)
    elif user.stripe_subscription_id:
        body = html.Div(dbc.Alert([
            html.H2([dbc.Spinner(size="sm", spinner_class_name="me-2"), "Waiting for payment confirmation"],
                    className="h5 alert-heading"),
            html.P("Your card was accepted and the payment is being confirmed. You become Premium as soon as "
                   "it is; this page checks by itself, and you can also leave it and look at your profile later.",
                   className="mb-0"),
        ], color="info"), id="subscribed-pending", **{"data-reload-seconds": str(PENDING_RELOAD_SECONDS)})
    else:
        body = dbc.Alert(["You have no Premium subscription yet. ",
                          html.A("Upgrade to Premium", href="/subscribe", className="alert-link"), "."],
                         color="secondary", id="subscribed-none")
    return html.Div([
        page_header("Premium"),
        body,
        html.Div([dbc.Button("My annotations", href="/annotations", external_link=True, color="primary",
                             class_name="me-2"),
                  dbc.Button("Profile", href="/profile", external_link=True, color="secondary", outline=True)],
                 className="mt-3"),
    ])
