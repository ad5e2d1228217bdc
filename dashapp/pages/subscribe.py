"""Subscribe: the Premium price and the card form.

With Stripe configured, the card field is Stripe Elements, which assets/subscribe.js
mounts from Stripe.js (js.stripe.com); the card goes from the browser to Stripe
and our server only sees a PaymentMethod id. With demo billing it is a plain form
that takes Stripe's published test card numbers, and the page says so.
subscribe.js posts the form as JSON and shows a refused card on the form; without
scripts the demo form still POSTs to /billing/subscribe and comes back here.
"""
import dash
import dash_bootstrap_components as dbc
from dash import html
from flask import get_flashed_messages

from dashapp import ids
from dashapp.context import services
from dashapp.pages._billing import PRICE, PRICE_TEXT, kib, tier_badge
from dashapp.security import CSRF_FIELD, csrf_token, require_user
from dashapp.views import duration, page_header

dash.register_page(__name__, path="/subscribe", name="Subscribe", title="Upgrade to Premium · GAS", order=7)


def _benefits(settings) -> dbc.Card:
    items = [
        f"Files of any size (Free: up to {kib(settings.free_user_max_upload)}).",
        f"Every result kept for download (Free: {duration(settings.free_user_data_retention)}, then archived).",
        "Your archived results restored as soon as you subscribe.",
        "Cancel any time from your profile.",
    ]
    return dbc.Card(dbc.CardBody([
        html.H2("GAS Premium", className="h5 mb-3"),
        html.Div([html.Span(PRICE, className="display-6 fw-semibold", id="premium-price"),
                  html.Span(" / week", className="text-muted")], className="mb-3"),
        html.Ul([html.Li(text, className="mb-1") for text in items], className="ps-3 mb-0"),
    ], class_name="p-4"), class_name="shadow-sm h-100")


def _card(number: str) -> html.Span:
    return html.Span(number, className="fw-semibold text-nowrap")


def _demo_fields() -> list:
    return [
        dbc.Alert([
            html.Strong("Demo billing. "),
            "No real card is charged and only Stripe's test card numbers work: ",
            _card("4242 4242 4242 4242"), " succeeds, ", _card("4000 0000 0000 0002"),
            " is declined. Use any future expiry date and any 3-digit CVC.",
        ], color="info", id="demo-notice", class_name="small"),
        html.Div([dbc.Label("Card number", html_for="card-number"),
                  dbc.Input(id="card-number", name="card_number", type="text", inputMode="numeric",
                            autoComplete="cc-number", placeholder="4242 4242 4242 4242", maxLength=23,
                            required=True)], className="mb-3"),
        dbc.Row([
            dbc.Col([dbc.Label("Expiry (MM / YY)", html_for="card-expiry"),
                     dbc.Input(id="card-expiry", name="expiry", type="text", inputMode="numeric",
                               autoComplete="cc-exp", placeholder="12 / 34", maxLength=7, required=True)]),
            dbc.Col([dbc.Label("CVC", html_for="card-cvc"),
                     dbc.Input(id="card-cvc", name="cvc", type="text", inputMode="numeric", autoComplete="cc-csc",
                               placeholder="123", maxLength=4, required=True)]),
        ], class_name="mb-3"),
    ]


STRIPE_JS = "https://js.stripe.com/v3/"


def _stripe_js(settings) -> str:
    """Stripe.js; localstripe (tests) serves its stand-in under its own address."""
    return f"{settings.stripe_api_base.rstrip('/')}/js.stripe.com/v3/" if settings.stripe_api_base else STRIPE_JS


def _stripe_fields(publishable_key: str, settings) -> list:
    return [
        dbc.Label("Card"),
        # subscribe.js loads Stripe.js and mounts the card field here; the key is the public one.
        html.Div(id=ids.SUBSCRIBE_CARD_ELEMENT, className="form-control py-2 mb-2",
                 **{"data-publishable-key": publishable_key, "data-stripe-js": _stripe_js(settings)}),
        html.P("Your card details go straight to Stripe; GAS never sees them.", className="form-text mb-3"),
    ]


def _payment_form(billing, settings) -> dbc.Card:
    messages = [m for _, m in get_flashed_messages(with_categories=True)]   # from the script-less form
    fields = _demo_fields() if billing.demo or not billing.publishable_key else _stripe_fields(billing.publishable_key, settings)
    return dbc.Card(dbc.CardBody([
        html.H2("Payment", className="h5 mb-3"),
        html.Form([
            dbc.Input(type="hidden", name=CSRF_FIELD, value=csrf_token(), id="subscribe-csrf"),
            *fields,
            dbc.Alert(" ".join(messages), id=ids.SUBSCRIBE_ALERT, is_open=bool(messages), color="danger", fade=False),
            dbc.Button(f"Subscribe for {PRICE_TEXT}", id=ids.SUBSCRIBE_SUBMIT, type="submit", color="primary",
                       class_name="w-100"),
            html.P("Nothing is charged in this demo." if billing.demo else
                   f"You are charged {PRICE} now and every week until you cancel.",
                   className="form-text text-center mb-0 mt-2"),
        ], action="/billing/subscribe", method="POST", id=ids.SUBSCRIBE_FORM,
            **{"data-demo": "true" if billing.demo else "false"}),
    ], class_name="p-4"), class_name="shadow-sm h-100")


def layout(**_):
    user = require_user()
    svc = services()
    if user.is_premium:
        return html.Div([
            page_header("Upgrade to Premium"),
            dbc.Alert([html.Strong("You are Premium already. "), tier_badge(True), " ",
                       "There is nothing to pay; your subscription is on your ",
                       html.A("profile", href="/profile", className="alert-link"), "."],
                      color="success", id="already-premium"),
        ])
    return html.Div([
        page_header("Upgrade to Premium", f"{PRICE_TEXT}, cancel any time."),
        dbc.Row([
            dbc.Col(_benefits(svc.settings), md=5, class_name="mb-4"),
            dbc.Col(_payment_form(svc.billing, svc.settings), md=7, class_name="mb-4"),
        ]),
    ])
