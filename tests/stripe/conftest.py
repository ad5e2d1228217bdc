"""Stripe billing against localstripe on 127.0.0.1: one localstripe per run, settings with Stripe keys.

Overrides the shared `settings` fixture, so the shared `svc` and `user` fixtures
build services whose billing is `StripeBilling` talking to localstripe.
"""
from __future__ import annotations

import http.server
import json
import queue
import socket
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
SECRET_KEY = "sk_test_gas_localstripe"
WEBHOOK_SECRET = "whsec_gas_test_secret"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def localstripe():
    """The base URL of a localstripe (with the Prices shim) that lives for the whole run."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "tests.stripe.localstripe_peer", str(port)], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            if requests.get(f"{base}/v1/customers", auth=(SECRET_KEY, ""), timeout=1).ok:
                break
        except requests.ConnectionError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"localstripe did not start: {proc.stderr.read().decode(errors='replace')[-2000:]}")
        time.sleep(0.1)
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def settings(settings, localstripe):
    return replace(settings, stripe_secret_key=SECRET_KEY, stripe_publishable_key="pk_test_gas_localstripe",
                   stripe_webhook_secret=WEBHOOK_SECRET, stripe_price_id="", stripe_api_base=localstripe)


@pytest.fixture
def stripe_client(localstripe):
    import stripe
    return stripe.StripeClient(SECRET_KEY, base_addresses={"api": localstripe})


@pytest.fixture
def card(stripe_client):
    """Makes a PaymentMethod from a card number, as Stripe Elements does in the browser; returns its id."""
    def make(number: str = "4242424242424242") -> str:
        return stripe_client.v1.payment_methods.create(
            {"type": "card", "card": {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123"}}).id
    return make


class _Collector(http.server.BaseHTTPRequestHandler):
    received: queue.Queue

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.received.put((body, self.headers.get("Stripe-Signature", "")))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def stripe_webhooks(localstripe):
    """Events localstripe sends, signed with WEBHOOK_SECRET, to an endpoint on 127.0.0.1: a queue of (payload, signature)."""
    handler = type("Collector", (_Collector,), {"received": queue.Queue()})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/billing/webhook"
    events = ["customer.subscription.deleted", "customer.subscription.updated", "invoice.paid"]
    r = requests.post(f"{localstripe}/_config/webhooks/gas", timeout=5,
                      data={"url": url, "secret": WEBHOOK_SECRET, "events[]": events})
    r.raise_for_status()
    yield handler.received
    server.shutdown()


def wait_for_event(received: queue.Queue, kind: str, object_id: str, timeout: float = 10) -> tuple[bytes, str]:
    """The next delivered event of `kind` about `object_id` (others are skipped)."""
    deadline = time.monotonic() + timeout
    while True:
        payload, signature = received.get(timeout=max(0.1, deadline - time.monotonic()))
        event = json.loads(payload)
        if event["type"] == kind and event["data"]["object"]["id"] == object_id:
            return payload, signature
