"""Use cases of Premium: upgrade, cancel, and keeping the tier true from billing webhooks."""
from __future__ import annotations

import logging

from backend.bootstrap import Services
from backend.domain import Role
from backend.users import User

log = logging.getLogger("gas.billing")

PREMIUM_PRICE_CENTS = 99999      # $999.99 ...
PREMIUM_INTERVAL = "week"        # ... a week
# Stripe subscription states that mean the user has not paid (back to Free).
UNPAID_STATES = {"canceled", "unpaid", "incomplete_expired", "past_due"}


def upgrade(svc: Services, user: User, payment: dict) -> bool:
    """Subscribe the user to Premium; True once payment is confirmed. CardDeclined propagates."""
    subscription = svc.billing.subscribe(user.email, user.id, payment)
    svc.users.set_subscription(user.id, subscription.customer_id, subscription.subscription_id)
    if subscription.paid:
        make_premium(svc, user.id)
    return subscription.paid


def make_premium(svc: Services, user_id: str) -> None:
    """Premium now, and ask for the user's archived results back."""
    user = svc.users.get(user_id)
    if user is None or user.is_premium:
        return
    svc.users.set_role(user_id, Role.PREMIUM)
    if svc.bus.restore_requests is not None:
        svc.bus.restore_requests.publish({"user_id": user_id})
    log.info("user %s is Premium; restore requested", user_id)


def make_free(svc: Services, user_id: str) -> None:
    svc.users.set_role(user_id, Role.FREE)
    svc.users.set_subscription(user_id, None, None)
    log.info("user %s is Free again", user_id)


def cancel(svc: Services, user: User) -> None:
    """End the user's subscription now; they are Free from this moment."""
    if user.stripe_subscription_id:
        svc.billing.cancel(user.stripe_subscription_id)
    make_free(svc, user.id)


def handle_webhook(svc: Services, payload: bytes, signature: str) -> str:
    """Act on one signed billing event, once. Returns what was done (for the log and the reply)."""
    event = svc.billing.verify_webhook(payload, signature)   # WebhookRejected propagates
    if not svc.users.record_event(event["id"], event.get("type", "")):
        return "duplicate"
    obj = event.get("data", {}).get("object", {})
    kind = event.get("type", "")
    if kind.startswith("customer.subscription."):
        user = svc.users.get_by_subscription(obj.get("id", "")) or svc.users.get_by_customer(obj.get("customer", ""))
        if user is None:
            return "unknown subscription"
        if kind == "customer.subscription.deleted" or obj.get("status") in UNPAID_STATES:
            make_free(svc, user.id)
            return "downgraded"
        if obj.get("status") in ("active", "trialing"):
            make_premium(svc, user.id)
            return "upgraded"
    elif kind in ("invoice.paid", "invoice.payment_succeeded"):
        user = svc.users.get_by_customer(obj.get("customer", ""))
        if user is not None and user.stripe_subscription_id:
            make_premium(svc, user.id)
            return "upgraded"
    return "ignored"
