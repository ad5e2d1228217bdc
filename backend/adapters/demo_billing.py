"""Demo billing: the embedded default when no Stripe keys are set.

It behaves like Stripe in test mode, with no network: only Stripe's published
test card numbers are accepted, with the outcomes Stripe documents for them;
any other number is refused and never stored.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from datetime import date

from backend.ports import Billing, CardDeclined, Subscription, WebhookRejected

# Stripe's documented test cards and what each does.
SUCCESS_CARDS = {"4242424242424242", "4000056655665556", "5555555555554444", "2223003122003222",
                 "5200828282828210", "378282246310005", "6011111111111117", "3056930009020004"}
DECLINES = {
    "4000000000000002": "Your card was declined.",
    "4000000000009995": "Your card has insufficient funds.",
    "4000000000009987": "Your card was declined (reported lost).",
    "4000000000009979": "Your card was declined (reported stolen).",
    "4000000000000069": "Your card has expired.",
    "4000000000000127": "Your card's security code (CVC) is incorrect.",
    "4000000000000119": "An error occurred while processing your card. Try again in a little while.",
    "4100000000000019": "Your card was declined.",
    "4000000000000341": "Your card was declined.",
}


class DemoBilling(Billing):
    demo = True
    publishable_key = None

    def __init__(self, webhook_secret: str):
        self._webhook_secret = webhook_secret.encode()

    def subscribe(self, email: str, user_id: str, payment: dict) -> Subscription:
        number = "".join(ch for ch in str(payment.get("card_number", "")) if ch.isdigit())
        _check_expiry(payment)
        if not str(payment.get("cvc", "")).isdigit() or len(str(payment.get("cvc"))) not in (3, 4):
            raise CardDeclined("Enter the 3- or 4-digit security code (CVC) from the back of the card.")
        if number in DECLINES:
            raise CardDeclined(DECLINES[number])
        if number not in SUCCESS_CARDS:
            raise CardDeclined("This is demo billing: only Stripe's test card numbers work here, "
                               "for example 4242 4242 4242 4242. No real card is charged.")
        return Subscription(f"cus_demo_{uuid.uuid4().hex[:14]}", f"sub_demo_{uuid.uuid4().hex[:14]}", "active")

    def cancel(self, subscription_id: str) -> None:
        return None

    def verify_webhook(self, payload: bytes, signature: str) -> dict:
        # Same scheme as Stripe's: "t=<unix time>,v1=<hex HMAC-SHA256 of 't.payload'>".
        parts = dict(p.split("=", 1) for p in (signature or "").split(",") if "=" in p)
        expected = hmac.new(self._webhook_secret, f"{parts.get('t', '')}.".encode() + payload, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, parts.get("v1", "")) or abs(time.time() - int(parts.get("t", 0) or 0)) > 300:
            raise WebhookRejected("bad signature")
        return json.loads(payload)

    def sign(self, payload: bytes) -> str:
        """A valid signature header for `payload` (what Stripe would send; for tests and tools)."""
        t = str(int(time.time()))
        return f"t={t},v1=" + hmac.new(self._webhook_secret, f"{t}.".encode() + payload, hashlib.sha256).hexdigest()


def _check_expiry(payment: dict) -> None:
    try:
        month, year = int(payment.get("exp_month")), int(payment.get("exp_year"))
    except (TypeError, ValueError):
        raise CardDeclined("Enter the card's expiry month and year.") from None
    if year < 100:
        year += 2000
    today = date.today()
    if not 1 <= month <= 12 or (year, month) < (today.year, today.month):
        raise CardDeclined("Your card has expired; check the expiry date.")
