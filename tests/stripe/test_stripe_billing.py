"""Stripe billing end to end against localstripe on 127.0.0.1: upgrade, refused cards, cancel, signed webhooks."""
from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import replace

import pytest
import stripe

from backend import subscriptions
from backend.adapters.stripe_billing import PRICE_LOOKUP_KEY, StripeBilling, card_message
from backend.domain import Role
from backend.ports import CardDeclined, WebhookRejected
from tests.stripe.conftest import WEBHOOK_SECRET, wait_for_event


def _restore_requests(svc) -> list[dict]:
    queue = svc.bus.extra_queues["restorer"]
    return [m.body for m in queue.receive(10)]


def _signed(payload: bytes, secret: str = WEBHOOK_SECRET, at: int | None = None) -> str:
    """A Stripe-Signature header as Stripe computes it: v1 = HMAC-SHA256(secret, "<t>.<payload>")."""
    t = int(time.time()) if at is None else at
    return f"t={t},v1=" + hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()


def _event(event_id: str, kind: str, obj: dict) -> bytes:
    return json.dumps({"id": event_id, "object": "event", "type": kind, "data": {"object": obj}}).encode()


def test_services_use_stripe_when_its_key_is_set(svc):
    assert isinstance(svc.billing, StripeBilling)
    assert svc.billing.demo is False and svc.billing.publishable_key == "pk_test_gas_localstripe"


def test_a_good_card_subscribes_to_the_weekly_price_and_makes_the_user_premium(svc, user, card, stripe_client):
    assert subscriptions.upgrade(svc, user, {"payment_method": card("4242424242424242")}) is True

    premium = svc.users.get(user.id)
    assert premium.role == Role.PREMIUM.value
    assert premium.stripe_customer_id.startswith("cus_") and premium.stripe_subscription_id.startswith("sub_")
    assert _restore_requests(svc) == [{"user_id": user.id}]

    # What Stripe now holds: the customer tied to the GAS user, paying $999.99 a week.
    customer = stripe_client.v1.customers.retrieve(premium.stripe_customer_id)
    assert customer.email == user.email and customer.metadata["gas_user_id"] == user.id
    assert customer.invoice_settings.default_payment_method.startswith("pm_")
    subscription = stripe_client.v1.subscriptions.retrieve(premium.stripe_subscription_id)
    assert subscription.status == "active" and subscription.customer == customer.id
    price = stripe_client.v1.prices.retrieve(svc.billing.premium_price_id())
    assert (price.unit_amount, price.currency, price.recurring.interval) == (99999, "usd", "week")
    assert price.lookup_key == PRICE_LOOKUP_KEY
    assert subscription["items"]["data"][0]["plan"]["id"] == price.id     # localstripe's name for the price


def test_the_premium_price_is_found_again_or_taken_from_settings(settings, stripe_client):
    first = StripeBilling(settings).premium_price_id()
    assert StripeBilling(settings).premium_price_id() == first           # by lookup key, not made twice
    assert len(stripe_client.v1.prices.list({"lookup_keys": [PRICE_LOOKUP_KEY]}).data) == 1
    assert StripeBilling(replace(settings, stripe_price_id="price_from_dashboard")).premium_price_id() \
        == "price_from_dashboard"


@pytest.mark.parametrize("number", [
    "4000000000000002",     # generic decline
    "4000000000009995",     # insufficient funds
    "4000000000000069",     # expired
    "4000000000000127",     # incorrect CVC
])
def test_a_refused_card_leaves_the_user_free_with_words_to_act_on(svc, user, card, number):
    with pytest.raises(CardDeclined, match="declined|insufficient|expired|security code"):
        subscriptions.upgrade(svc, user, {"payment_method": card(number)})
    still = svc.users.get(user.id)
    assert still.role == Role.FREE.value and still.stripe_subscription_id is None
    assert _restore_requests(svc) == []


def test_a_card_whose_charge_fails_does_not_make_the_user_premium(svc, user, card):
    # 4000 0000 0000 0341 attaches but its payment fails. Stripe refuses it at once
    # (error_if_incomplete); localstripe leaves the subscription "incomplete". Either way: still Free.
    try:
        assert subscriptions.upgrade(svc, user, {"payment_method": card("4000000000000341")}) is False
    except CardDeclined:
        pass
    assert svc.users.get(user.id).role == Role.FREE.value
    assert _restore_requests(svc) == []


@pytest.mark.parametrize("payment", [{}, {"payment_method": ""}, {"payment_method": "pm_never_made"}])
def test_a_missing_or_unknown_payment_method_asks_for_the_card_again(svc, user, payment):
    with pytest.raises(CardDeclined, match="card"):
        subscriptions.upgrade(svc, user, payment)
    assert svc.users.get(user.id).role == Role.FREE.value


@pytest.mark.parametrize("decline_code,code,words", [
    ("insufficient_funds", "card_declined", "insufficient funds"),
    ("lost_card", "card_declined", "declined"),
    ("generic_decline", "card_declined", "declined"),
    (None, "expired_card", "expired"),
    (None, "incorrect_cvc", "security code"),
    (None, "processing_error", "error occurred while processing"),
    (None, "something_new", "declined"),
])
def test_stripe_card_errors_become_plain_words(decline_code, code, words):
    body = {"error": {"type": "card_error", "code": code, "decline_code": decline_code, "message": "x"}}
    error = stripe.CardError("x", "number", code, json_body=body, http_status=402)
    assert words in card_message(error)


def test_cancel_ends_the_stripe_subscription_and_the_user_is_free(svc, user, card, stripe_client):
    subscriptions.upgrade(svc, user, {"payment_method": card()})
    sub_id = svc.users.get(user.id).stripe_subscription_id
    subscriptions.cancel(svc, svc.users.get(user.id))
    assert stripe_client.v1.subscriptions.retrieve(sub_id).status == "canceled"
    free = svc.users.get(user.id)
    assert free.role == Role.FREE.value and free.stripe_subscription_id is None
    svc.billing.cancel(sub_id)              # gone already: not an error
    svc.billing.cancel("sub_does_not_exist")


def test_a_signed_webhook_is_acted_on_once_and_a_bad_one_refused(svc, user, card):
    subscriptions.upgrade(svc, user, {"payment_method": card()})
    sub_id = svc.users.get(user.id).stripe_subscription_id
    payload = _event("evt_gas_1", "customer.subscription.deleted", {"id": sub_id, "status": "canceled"})

    for signature in ("", "t=1,v1=forged", _signed(payload, secret="whsec_someone_else"),
                      _signed(payload, at=int(time.time()) - 3600)):           # too old: a replay attack
        with pytest.raises(WebhookRejected):
            subscriptions.handle_webhook(svc, payload, signature)
    with pytest.raises(WebhookRejected):
        subscriptions.handle_webhook(svc, b"not json", _signed(b"not json"))
    assert svc.users.get(user.id).is_premium

    assert subscriptions.handle_webhook(svc, payload, _signed(payload)) == "downgraded"
    assert svc.users.get(user.id).role == Role.FREE.value

    subscriptions.upgrade(svc, svc.users.get(user.id), {"payment_method": card()})
    assert subscriptions.handle_webhook(svc, payload, _signed(payload)) == "duplicate"
    assert svc.users.get(user.id).is_premium


def test_the_event_is_handed_on_as_a_plain_dict(svc):
    payload = _event("evt_gas_2", "invoice.paid", {"id": "in_1", "customer": "cus_1"})
    event = svc.billing.verify_webhook(payload, _signed(payload))
    assert type(event) is dict and type(event["data"]["object"]) is dict
    assert event == {"id": "evt_gas_2", "type": "invoice.paid", "data": {"object": {"id": "in_1", "customer": "cus_1"}}}


def test_without_a_webhook_secret_every_webhook_is_refused(settings):
    billing = StripeBilling(replace(settings, stripe_webhook_secret=""))
    payload = _event("evt_gas_3", "invoice.paid", {})
    with pytest.raises(WebhookRejected, match="STRIPE_WEBHOOK_SECRET"):
        billing.verify_webhook(payload, _signed(payload))


def test_a_cancellation_in_stripe_reaches_us_as_a_signed_webhook(svc, user, card, stripe_client, stripe_webhooks):
    # Cancelled outside GAS (the Dashboard, a failed renewal): Stripe tells us, and only once counts.
    subscriptions.upgrade(svc, user, {"payment_method": card()})
    sub_id = svc.users.get(user.id).stripe_subscription_id
    stripe_client.v1.subscriptions.cancel(sub_id)
    payload, signature = wait_for_event(stripe_webhooks, "customer.subscription.deleted", sub_id)
    assert subscriptions.handle_webhook(svc, payload, signature) == "downgraded"
    assert svc.users.get(user.id).role == Role.FREE.value
    assert subscriptions.handle_webhook(svc, payload, signature) == "duplicate"
