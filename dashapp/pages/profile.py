"""Profile: who the user is, their tier, and the way to upgrade or cancel.

Cancelling takes two steps without any script: the button opens
/profile?cancel=1, whose form POSTs to /billing/cancel (dashapp/billing.py).
"""
import dash
import dash_bootstrap_components as dbc
from dash import html

from dashapp import ids
from dashapp.context import services
from dashapp.pages._billing import PRICE_TEXT, kib, tier_badge
from dashapp.pages._forms import flashed_alerts
from dashapp.security import CSRF_FIELD, csrf_token, require_user
from dashapp.views import duration, page_header

dash.register_page(__name__, path="/profile", name="Profile", title="Profile · GAS", order=6)


def _row(label: str, value, key: str) -> dbc.Row:
    return dbc.Row([dbc.Col(label, md=3, class_name="text-muted fw-semibold"),
                    dbc.Col(value, md=9, class_name="text-break")],
                   class_name="py-2 border-bottom", id=f"profile-{key}")


def _free_plan(settings) -> dbc.Card:
    return dbc.Card(dbc.CardBody([
        html.H2("Upgrade to Premium", className="h5"),
        html.P([f"On the Free plan you can submit files up to {kib(settings.free_user_max_upload)}, and results "
                f"can be downloaded for {duration(settings.free_user_data_retention)} after a job completes; "
                "after that they are archived. Premium has no size limit, keeps every result, and brings "
                "your archived results back."], className="mb-3"),
        dbc.Button(f"Upgrade to Premium · {PRICE_TEXT}", href="/subscribe", external_link=True,
                   color="primary", id="upgrade-button"),
    ], class_name="p-4"), class_name="shadow-sm")


def _premium_plan(user, confirming: bool) -> dbc.Card:
    details = [
        html.H2("Your subscription", className="h5"),
        html.P(["GAS Premium, ", html.Strong(PRICE_TEXT),
                ": files of any size, and every result kept for download."], className="mb-2"),
    ]
    if user.stripe_subscription_id:
        details.append(html.P(["Subscription ", html.Span(user.stripe_subscription_id, className="font-monospace")],
                              className="text-muted small mb-3"))
    if not confirming:
        details.append(dbc.Button("Cancel subscription", href="/profile?cancel=1", external_link=True,
                                  color="danger", outline=True, id="cancel-button"))
        return dbc.Card(dbc.CardBody(details, class_name="p-4"), class_name="shadow-sm")
    settings = services().settings
    details.append(dbc.Alert([
        html.H3("Cancel your Premium subscription?", className="h6 alert-heading"),
        html.P(f"You will be on the Free plan straight away: files over {kib(settings.free_user_max_upload)} are "
               f"refused, and results can be downloaded only within "
               f"{duration(settings.free_user_data_retention)} of a job completing — older results, "
               "including those of jobs you ran as Premium, wait for you to subscribe again.",
               className="mb-3"),
        html.Form([
            dbc.Input(type="hidden", name=CSRF_FIELD, value=csrf_token(), id="cancel-csrf"),
            dbc.Button("Yes, cancel my subscription", type="submit", color="danger", id="cancel-confirm",
                       class_name="me-2"),
            dbc.Button("Keep Premium", href="/profile", external_link=True, color="secondary", outline=True,
                       id="cancel-keep"),
        ], action="/billing/cancel", method="POST", id=ids.CANCEL_FORM),
    ], color="warning", class_name="mb-0"))
    return dbc.Card(dbc.CardBody(details, class_name="p-4"), class_name="shadow-sm")


def layout(cancel=None, **_):
    user = require_user()
    rows = [
        _row("Name", user.name, "name"),
        _row("Email", user.email, "email"),
        _row("Plan", tier_badge(user.is_premium), "tier"),
    ]
    if user.institution:
        rows.append(_row("Institution", user.institution, "institution"))
    if user.created_at:
        rows.append(_row("Member since", f"{user.created_at.day} {user.created_at:%B %Y}", "since"))
    plan = _premium_plan(user, bool(cancel)) if user.is_premium else _free_plan(services().settings)
    return html.Div([
        page_header("Profile"),
        *flashed_alerts(),
        dbc.Card(dbc.CardBody(rows, class_name="px-4"), class_name="shadow-sm mb-4"),
        plan,
        dbc.Card(dbc.CardBody([
            html.H2("Scripts and the command line", className="h5"),
            html.P("Personal API tokens let your scripts and the gas command line submit and fetch jobs as you.",
                   className="text-muted"),
            dbc.Button("Manage API tokens", href="/profile/tokens", external_link=True, color="secondary",
                       outline=True, id="tokens-link"),
        ], class_name="p-4"), class_name="shadow-sm mt-4"),
    ])
