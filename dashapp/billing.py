"""Billing routes: subscribe, cancel, and the payment provider's webhook (Flask, not Dash).

/billing/subscribe takes JSON from assets/subscribe.js (answering JSON) or the
plain form of /subscribe when scripts are off (answering with a redirect and a
flashed message). With Stripe the body holds only a PaymentMethod id from
Stripe Elements; with demo billing, the test card's number, expiry and CVC.
/billing/webhook is public and has no CSRF token: the provider's signature over
the raw body is its authorization (dashapp/security.py exempts it).
"""
from __future__ import annotations

import logging
import re

from flask import Blueprint, Flask, flash, jsonify, redirect, request

from backend import subscriptions
from backend.ports import CardDeclined, WebhookRejected
from dashapp.context import services
from dashapp.security import require_user
from dashapp.views import duration

bp = Blueprint("billing", __name__, url_prefix="/billing")
log = logging.getLogger("gas.web.billing")

WEBHOOK_MAX_BYTES = 256 * 1024   # Stripe's events are a few KiB
PAYMENT_FIELDS = ("payment_method", "card_number", "exp_month", "exp_year", "cvc")
UNAVAILABLE = "Payment is not available right now; nothing was charged. Try again in a few minutes."


def _payment(body) -> dict:
    """Only the fields a Billing adapter reads; an expiry may come as one "MM / YY" field."""
    payment = {k: str(body.get(k) or "").strip() for k in PAYMENT_FIELDS if body.get(k)}
    expiry = str(body.get("expiry") or "")
    if expiry and not ("exp_month" in payment and "exp_year" in payment):
        parts = re.findall(r"\d+", expiry)
        if len(parts) == 2:
            payment["exp_month"], payment["exp_year"] = parts
        elif len(parts) == 1 and len(parts[0]) in (4, 6):
            payment["exp_month"], payment["exp_year"] = parts[0][:2], parts[0][2:]
    return payment


def _answer(json_body: dict, status: int, page: str, message: str | None = None, category: str = "danger"):
    """JSON for subscribe.js; a redirect with a flashed message for a plain form."""
    if request.is_json:
        return jsonify(json_body), status
    if message:
        flash(message, category)
    return redirect(page)


@bp.post("/subscribe")
def subscribe():
    user = require_user()
    if user.is_premium:
        return _answer({"premium": True, "redirect": "/profile"}, 200, "/profile",
                       "You are Premium already; there is nothing to pay.", "info")
    body = request.get_json(silent=True) if request.is_json else request.form
    try:
        paid = subscriptions.upgrade(services(), user, _payment(body if hasattr(body, "get") else {}))
    except CardDeclined as exc:
        return _answer({"error": str(exc)}, 402, "/subscribe", str(exc))
    except Exception:   # the provider is down or refused us: the card was not the problem
        log.exception("upgrade of user %s failed", user.id)
        return _answer({"error": UNAVAILABLE}, 503, "/subscribe", UNAVAILABLE)
    target = "/subscribed" if paid else "/subscribed?pending=1"
    return _answer({"premium": paid, "pending": not paid, "redirect": target}, 200, target)


@bp.post("/cancel")
def cancel():
    user = require_user()
    if not user.is_premium and not user.stripe_subscription_id:
        return _answer({"premium": False}, 200, "/profile", "You have no subscription to cancel.", "info")
    try:
        subscriptions.cancel(services(), user)
    except Exception:
        log.exception("cancel of user %s failed", user.id)
        return _answer({"error": UNAVAILABLE}, 503, "/profile",
                       "We could not reach the payment provider to cancel; you are still subscribed. "
                       "Try again in a few minutes.")
    window = duration(services().settings.free_user_data_retention)
    return _answer({"premium": False}, 200, "/profile",
                   "Your subscription is cancelled and you are on the Free plan now: results can be "
                   f"downloaded within {window} of a job completing; older ones wait for you to subscribe "
                   "again.", "success")


@bp.post("/webhook")
def webhook():
    payload = request.stream.read(WEBHOOK_MAX_BYTES + 1)
    if len(payload) > WEBHOOK_MAX_BYTES:
        return jsonify(error="payload too large"), 413
    try:
        outcome = subscriptions.handle_webhook(services(), payload, request.headers.get("Stripe-Signature", ""))
    except WebhookRejected:
        log.warning("webhook refused: bad signature from %s", request.remote_addr)
        return jsonify(error="bad signature"), 400
    except (ValueError, KeyError, TypeError):   # signed, but not an event we can read
        return jsonify(error="unreadable event"), 400
    log.info("webhook: %s", outcome)
    return jsonify(result=outcome), 200


def init_app(server: Flask) -> None:
    server.register_blueprint(bp)
