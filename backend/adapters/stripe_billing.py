"""Stripe billing: the Billing port on the real Stripe API (the cloud flavour of billing).

Card data never reaches this server: the page collects the card with Stripe
Elements and hands us only a PaymentMethod id ("pm_..."). We make a Customer
that carries the GAS user id, make that card the customer's default for
invoices, and subscribe the customer to the weekly Premium price. The first
invoice is paid while the subscription is created ("error_if_incomplete"), so
a refused card comes back at once as a CardDeclined the form can show.

A `stripe.StripeClient` holds the key and the API base (localstripe in tests);
nothing touches the stripe module's global settings, and nothing connects
until the first call.
"""
from __future__ import annotations

import logging
import threading

import stripe

from backend.config import Settings
from backend.ports import Billing, CardDeclined, Subscription, WebhookRejected

log = logging.getLogger("gas.billing.stripe")

PRODUCT_ID = "gas_premium"              # our own id, so finding the product is one lookup
PRODUCT_NAME = "GAS Premium"
PRICE_LOOKUP_KEY = "gas_premium_weekly"
PRICE_CENTS = 99999                     # $999.99 ...
PRICE_CURRENCY = "usd"
PRICE_INTERVAL = "week"                 # ... a week

# Stripe's error codes (and decline codes) in words a person can act on.
CARD_MESSAGES = {
    "insufficient_funds": "Your card has insufficient funds. Try another card.",
    "lost_card": "Your card was declined. Try another card or contact your bank.",
    "stolen_card": "Your card was declined. Try another card or contact your bank.",
    "expired_card": "Your card has expired. Check the expiry date or use another card.",
    "incorrect_cvc": "Your card's security code (CVC) is incorrect. Check the 3 or 4 digits and try again.",
    "invalid_cvc": "Your card's security code (CVC) is incorrect. Check the 3 or 4 digits and try again.",
    "incorrect_number": "Your card number is incorrect. Check it and try again.",
    "invalid_number": "Your card number is incorrect. Check it and try again.",
    "invalid_expiry_month": "Your card's expiry month is invalid. Check it and try again.",
    "invalid_expiry_year": "Your card's expiry year is invalid. Check it and try again.",
    "processing_error": "An error occurred while processing your card. Try again in a little while.",
    "authentication_required": "Your bank asks to confirm this payment, which this page cannot do yet. "
                               "Try another card.",
}
DECLINED = "Your card was declined. Try another card or contact your bank."


class StripeBilling(Billing):
    demo = False

    def __init__(self, settings: Settings):
        self.publishable_key = settings.stripe_publishable_key or None
        self._webhook_secret = settings.stripe_webhook_secret
        self._price_id = settings.stripe_price_id or None
        self._price_lock = threading.Lock()
        base = {"api": settings.stripe_api_base.rstrip("/")} if settings.stripe_api_base else None
        self._client = stripe.StripeClient(settings.stripe_secret_key, base_addresses=base,
                                           max_network_retries=2)

    def subscribe(self, email: str, user_id: str, payment: dict) -> Subscription:
        payment_method = str((payment or {}).get("payment_method") or "")
        if not payment_method.startswith("pm_"):
            raise CardDeclined("Enter your card details in the card field, then try again.")
        price = self.premium_price_id()
        v1 = self._client.v1
        try:
            # Attaches the card (Stripe checks it here) and makes it the default for invoices.
            customer = v1.customers.create({
                "email": email,
                "metadata": {"gas_user_id": user_id},
                "payment_method": payment_method,
                "invoice_settings": {"default_payment_method": payment_method},
            })
        except stripe.CardError as e:
            raise CardDeclined(card_message(e)) from None
        except stripe.InvalidRequestError as e:
            if e.param == "payment_method" or e.code == "resource_missing" or e.http_status == 404:
                raise CardDeclined("That card could not be used. Enter it again.") from None
            raise
        try:
            subscription = v1.subscriptions.create({
                "customer": customer.id,
                "items": [{"price": price}],
                "payment_behavior": "error_if_incomplete",
                "metadata": {"gas_user_id": user_id},
            })
        except stripe.CardError as e:
            self._forget_customer(customer.id)
            raise CardDeclined(card_message(e)) from None
        log.info("user %s subscribed: customer %s subscription %s %s",
                 user_id, customer.id, subscription.id, subscription.status)
        return Subscription(customer.id, subscription.id, subscription.status)

    def cancel(self, subscription_id: str) -> None:
        try:
            self._client.v1.subscriptions.cancel(subscription_id)
        except stripe.InvalidRequestError as e:
            # Gone already (cancelled in the Dashboard, or by an earlier try): the outcome we want.
            if e.http_status == 404 or e.code == "resource_missing":
                log.info("subscription %s was already gone", subscription_id)
                return
            raise

    def verify_webhook(self, payload: bytes, signature: str) -> dict:
        if not self._webhook_secret:
            raise WebhookRejected("STRIPE_WEBHOOK_SECRET is not set, so no webhook can be trusted.")
        try:
            event = self._client.construct_event(payload, signature or "", self._webhook_secret)
        except stripe.SignatureVerificationError:
            raise WebhookRejected("bad signature") from None
        except ValueError:
            raise WebhookRejected("the payload is not a Stripe event") from None
        event = event.to_dict()
        obj = (event.get("data") or {}).get("object") or {}
        return {"id": event["id"], "type": event.get("type", ""), "data": {"object": obj}}

    def premium_price_id(self) -> str:
        """The weekly Premium price: STRIPE_PRICE_ID, else ours found by lookup key, else made now."""
        with self._price_lock:
            if self._price_id is None:
                self._price_id = self._find_or_create_price()
            return self._price_id

    def _find_or_create_price(self) -> str:
        v1 = self._client.v1
        found = v1.prices.list({"lookup_keys": [PRICE_LOOKUP_KEY], "active": True, "limit": 1})
        if found.data:
            return found.data[0].id
        self._ensure_product()
        price = v1.prices.create({
            "product": PRODUCT_ID,
            "unit_amount": PRICE_CENTS,
            "currency": PRICE_CURRENCY,
            "recurring": {"interval": PRICE_INTERVAL},
            "lookup_key": PRICE_LOOKUP_KEY,
            # Two processes racing here both succeed; the key ends on the last price, which is just as good.
            "transfer_lookup_key": True,
        })
        log.info("created the Premium price %s", price.id)
        return price.id

    def _ensure_product(self) -> None:
        v1 = self._client.v1
        try:
            v1.products.retrieve(PRODUCT_ID)
            return
        except stripe.InvalidRequestError as e:
            if e.http_status != 404:
                raise
        try:
            v1.products.create({"id": PRODUCT_ID, "name": PRODUCT_NAME})
        except stripe.StripeError:
            v1.products.retrieve(PRODUCT_ID)    # another process made it first; else this raises

    def _forget_customer(self, customer_id: str) -> None:
        """Remove a customer whose first payment failed, so a retry starts clean; best effort."""
        try:
            self._client.v1.customers.delete(customer_id)
        except stripe.StripeError:
            log.warning("could not delete customer %s after a refused payment", customer_id, exc_info=True)


def card_message(error: stripe.StripeError) -> str:
    """Plain words for a refused card, from Stripe's decline code or error code."""
    for code in (getattr(error, "json_body", None) or {}).get("error", {}).get("decline_code"), error.code:
        if code in CARD_MESSAGES:
            return CARD_MESSAGES[code]
    return DECLINED
