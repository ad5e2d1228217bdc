"""Billing routes and pages: subscribe, cancel, the webhook; profile, subscribe and confirmation pages."""
from __future__ import annotations

import json
import uuid

import pytest

from backend.adapters.demo_billing import DemoBilling
from backend.domain import ArchiveState, Job, JobStatus, Role, now, object_key
from backend.ports import Subscription
from tests.web.conftest import callback, csrf, login, post_json

GOOD = {"card_number": "4242 4242 4242 4242", "expiry": "12 / 34", "cvc": "123"}
DECLINED = {**GOOD, "card_number": "4000 0000 0000 0002"}


def render(client, path: str, search: str = "") -> str:
    """The page content Dash's router returns for `path`, as JSON text (json.dumps spacing)."""
    response = callback(client, ".._pages_content.children..._pages_store.data..",
                        [{"id": "_pages_location", "property": "pathname", "value": path},
                         {"id": "_pages_location", "property": "search", "value": search}])
    assert response.status_code == 200, response.get_data(as_text=True)
    return json.dumps(response.get_json())


def role(svc, user) -> str:
    return svc.users.get(user.id).role


def restore_requests(svc) -> int:
    return svc.bus.extra_queues["restorer"].depth()


def event(svc, kind: str, obj: dict, event_id: str | None = None) -> tuple[bytes, str]:
    payload = json.dumps({"id": event_id or f"evt_{uuid.uuid4().hex}", "type": kind,
                          "data": {"object": obj}}).encode()
    return payload, svc.billing.sign(payload)


def webhook(client, payload: bytes, signature: str | None):
    headers = {"Stripe-Signature": signature} if signature is not None else {}
    return client.post("/billing/webhook", data=payload, headers=headers, content_type="application/json")


# --- login and CSRF -------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/billing/subscribe", "/billing/cancel"])
def test_billing_actions_need_login(client, path):
    assert post_json(client, path, GOOD).status_code == 401
    form = client.post(path, data={**GOOD, "csrf_token": csrf(client)})
    assert form.status_code == 302 and form.headers["Location"].startswith("/login")


@pytest.mark.parametrize("path", ["/profile", "/subscribe", "/subscribed"])
def test_pages_need_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"] == f"/login?next={path}"


@pytest.mark.parametrize("path", ["/billing/subscribe", "/billing/cancel"])
@pytest.mark.parametrize("token", [None, "forged"])
def test_billing_actions_need_the_csrf_token(logged_in, svc, user, path, token):
    if token is None:
        response = logged_in.post(path, json=GOOD)
    else:
        response = post_json(logged_in, path, GOOD, token=token)
    assert response.status_code == 403
    form = logged_in.post(path, data=GOOD)   # a plain form without its hidden token
    assert form.status_code == 403
    assert role(svc, user) == Role.FREE.value and restore_requests(svc) == 0


# --- subscribe ------------------------------------------------------------------------------------

@pytest.mark.parametrize("card,words", [
    (DECLINED, "Your card was declined."),
    ({**GOOD, "card_number": "4000 0000 0000 9995"}, "insufficient funds"),
    ({**GOOD, "expiry": "01 / 20"}, "expired"),
    ({**GOOD, "card_number": "4111 1111 1111 1111"}, "only Stripe's test card numbers"),
])
def test_a_refused_card_is_told_in_plain_words_and_the_user_stays_free(logged_in, svc, user, card, words):
    response = post_json(logged_in, "/billing/subscribe", card)
    assert response.status_code == 402
    assert words in response.get_json()["error"]
    stored = svc.users.get(user.id)
    assert stored.role == Role.FREE.value and stored.stripe_subscription_id is None
    assert restore_requests(svc) == 0


def test_a_declined_card_from_the_plain_form_comes_back_to_the_form_with_the_message(logged_in, svc, user):
    response = logged_in.post("/billing/subscribe", data={**DECLINED, "csrf_token": csrf(logged_in)})
    assert response.status_code == 302 and response.headers["Location"] == "/subscribe"
    page = render(logged_in, "/subscribe")
    assert "Your card was declined." in page
    assert role(svc, user) == Role.FREE.value


def test_a_test_card_makes_the_user_premium_and_asks_for_a_restore(logged_in, svc, user):
    response = post_json(logged_in, "/billing/subscribe", GOOD)
    assert response.status_code == 200
    assert response.get_json() == {"premium": True, "pending": False, "redirect": "/subscribed"}
    stored = svc.users.get(user.id)
    assert stored.role == Role.PREMIUM.value
    assert stored.stripe_customer_id.startswith("cus_") and stored.stripe_subscription_id.startswith("sub_")
    assert restore_requests(svc) == 1

    page = render(logged_in, "/subscribed")
    assert "Welcome to Premium" in page and "no archived results" in page


def test_the_plain_form_subscribes_too(logged_in, svc, user):
    response = logged_in.post("/billing/subscribe", data={**GOOD, "csrf_token": csrf(logged_in)})
    assert response.status_code == 302 and response.headers["Location"] == "/subscribed"
    assert role(svc, user) == Role.PREMIUM.value


def test_a_premium_user_is_not_charged_twice(logged_in, svc, user):
    post_json(logged_in, "/billing/subscribe", GOOD)
    first = svc.users.get(user.id).stripe_subscription_id
    again = post_json(logged_in, "/billing/subscribe", GOOD)
    assert again.status_code == 200 and again.get_json()["premium"] is True
    assert svc.users.get(user.id).stripe_subscription_id == first
    assert restore_requests(svc) == 1
    page = render(logged_in, "/subscribe")
    assert "You are Premium already" in page and "card-number" not in page


def test_confirmation_counts_the_results_being_restored(logged_in, svc, user):
    _archived_job(svc, user)
    post_json(logged_in, "/billing/subscribe", GOOD)
    page = render(logged_in, "/subscribed")
    assert "Your archived results are being restored (1 job)" in page


class PendingBilling(DemoBilling):
    """Stripe's answer when the first payment still needs confirming: a subscription, not yet paid."""

    def subscribe(self, email, user_id, payment):
        super().subscribe(email, user_id, payment)
        return Subscription("cus_pending", "sub_pending", "incomplete")


def test_a_payment_still_to_be_confirmed_waits_for_the_webhook(logged_in, svc, user):
    svc.billing = PendingBilling("pending-secret")
    response = post_json(logged_in, "/billing/subscribe", GOOD)
    assert response.get_json() == {"premium": False, "pending": True, "redirect": "/subscribed?pending=1"}
    assert role(svc, user) == Role.FREE.value
    page = render(logged_in, "/subscribed", "?pending=1")
    assert "Waiting for payment confirmation" in page and "data-reload-seconds" in page

    payload, signature = event(svc, "invoice.paid", {"customer": "cus_pending"})
    assert webhook(logged_in, payload, signature).get_json() == {"result": "upgraded"}
    assert role(svc, user) == Role.PREMIUM.value and restore_requests(svc) == 1
    assert "Welcome to Premium" in render(logged_in, "/subscribed")


# --- cancel ---------------------------------------------------------------------------------------

def test_cancel_makes_the_user_free(logged_in, svc, user):
    post_json(logged_in, "/billing/subscribe", GOOD)
    response = logged_in.post("/billing/cancel", data={"csrf_token": csrf(logged_in)})
    assert response.status_code == 302 and response.headers["Location"] == "/profile"
    stored = svc.users.get(user.id)
    assert stored.role == Role.FREE.value and stored.stripe_subscription_id is None
    page = render(logged_in, "/profile")
    assert "Your subscription is cancelled" in page and '"Free"' in page and "Upgrade to Premium" in page


def test_cancel_as_json(logged_in, svc, user):
    post_json(logged_in, "/billing/subscribe", GOOD)
    response = post_json(logged_in, "/billing/cancel", {})
    assert response.status_code == 200 and response.get_json() == {"premium": False}
    assert role(svc, user) == Role.FREE.value


# --- webhook --------------------------------------------------------------------------------------

@pytest.mark.parametrize("signature", [None, "", "t=1,v1=forged", "garbage"])
def test_a_webhook_without_a_good_signature_is_refused(client, svc, user, signature):
    svc.users.set_role(user.id, Role.PREMIUM)
    svc.users.set_subscription(user.id, "cus_1", "sub_1")
    payload, _ = event(svc, "customer.subscription.deleted", {"id": "sub_1", "status": "canceled"})
    response = webhook(client, payload, signature)
    assert response.status_code == 400 and response.get_json() == {"error": "bad signature"}
    assert role(svc, user) == Role.PREMIUM.value


def test_a_signed_webhook_acts_once_without_login_or_csrf(client, svc, user):
    svc.users.set_role(user.id, Role.PREMIUM)
    svc.users.set_subscription(user.id, "cus_1", "sub_1")
    payload, signature = event(svc, "customer.subscription.deleted", {"id": "sub_1", "status": "canceled"})
    first = webhook(client, payload, signature)   # no session, no CSRF token: the signature is the proof
    assert first.status_code == 200 and first.get_json() == {"result": "downgraded"}
    assert role(svc, user) == Role.FREE.value

    svc.users.set_role(user.id, Role.PREMIUM)      # premium again by other means; the replay must not undo it
    replay = webhook(client, payload, svc.billing.sign(payload))
    assert replay.status_code == 200 and replay.get_json() == {"result": "duplicate"}
    assert role(svc, user) == Role.PREMIUM.value


def test_an_oversized_webhook_is_refused(client, svc):
    payload = b"{" + b" " * (300 * 1024) + b"}"
    assert webhook(client, payload, svc.billing.sign(payload)).status_code == 413


# --- pages ----------------------------------------------------------------------------------------

def test_profile_of_a_free_user_offers_the_upgrade(logged_in, user):
    page = render(logged_in, "/profile")
    assert user.name in page and user.email in page
    assert '"Free"' in page and '"href": "/subscribe"' in page and "Cancel subscription" not in page


def test_profile_of_a_premium_user_cancels_in_two_steps(logged_in, svc, user):
    post_json(logged_in, "/billing/subscribe", GOOD)
    page = render(logged_in, "/profile")
    assert '"Premium"' in page and svc.users.get(user.id).stripe_subscription_id in page
    assert "Cancel subscription" in page and "/billing/cancel" not in page     # step 1: only a button
    confirm = render(logged_in, "/profile", "?cancel=1")
    assert "Cancel your Premium subscription?" in confirm and '"action": "/billing/cancel"' in confirm
    assert "Keep Premium" in confirm
    assert role(svc, user) == Role.PREMIUM.value


def test_subscribe_page_with_demo_billing(logged_in):
    page = render(logged_in, "/subscribe")
    assert "$999.99" in page and "a week" in page
    assert "Demo billing" in page and "4242 4242 4242 4242" in page and "4000 0000 0000 0002" in page
    assert '"action": "/billing/subscribe"' in page and "card_number" in page
    assert "data-publishable-key" not in page and "js.stripe.com" not in page


class ElementsBilling(DemoBilling):
    demo = False
    publishable_key = "pk_test_gas"


def test_subscribe_page_with_stripe_uses_elements_and_no_card_fields(logged_in, svc):
    svc.billing = ElementsBilling("x")
    page = render(logged_in, "/subscribe")
    assert '"data-publishable-key": "pk_test_gas"' in page and '"data-demo": "false"' in page
    assert "card_number" not in page and "Demo billing" not in page
    assert '"data-stripe-js": "https://js.stripe.com/v3/"' in page


def test_stripe_payment_fields_are_passed_on_and_nothing_else(logged_in, svc, user):
    seen = []

    class Recording(ElementsBilling):
        def subscribe(self, email, user_id, payment):
            seen.append(payment)
            return Subscription("cus_x", "sub_x", "active")

    svc.billing = Recording("x")
    post_json(logged_in, "/billing/subscribe", {"payment_method": "pm_card_visa", "is_admin": True, "role": "premium"})
    assert seen == [{"payment_method": "pm_card_visa"}]


def test_upload_page_states_the_limit_with_an_upgrade_link(logged_in, svc, user):
    page = render(logged_in, "/annotate")
    assert "150 KiB" in page and '"href": "/subscribe"' in page
    assert f'"data-max-bytes": "{svc.settings.free_user_max_upload}"' in page
    svc.users.set_role(user.id, Role.PREMIUM)
    page = render(logged_in, "/annotate")
    assert "files of any size" in page and '"data-max-bytes": ""' in page


def test_navbar_links_the_profile(logged_in):
    layout = json.dumps(logged_in.get("/_dash-layout").get_json())
    assert '"href": "/profile"' in layout and "Profile" in layout


# --- the job page's results, past the window and while restoring ----------------------------------

def _archived_job(svc, user, state: ArchiveState = ArchiveState.ARCHIVED) -> Job:
    job_id = str(uuid.uuid4())
    key = object_key("results", user.id, job_id, "x.annot.vcf")
    job = Job(job_id=job_id, user_id=user.id, input_file_name="x.vcf",
              input_key=object_key("inputs", user.id, job_id, "x.vcf"), submit_time=now() - 7200,
              status=JobStatus.COMPLETED, complete_time=now() - 3600, result_key=key,
              archive_state=state, results_file_archive_id="arch-1")
    svc.jobs.create(job)
    return job


def test_job_page_past_the_window_links_the_upgrade(logged_in, svc, user):
    job = _archived_job(svc, user)
    page = render(logged_in, f"/annotations/{job.job_id}")
    assert "Upgrade to Premium" in page and "to download" in page and "30 minutes" in page
    assert '"href": "/subscribe"' in page and "result-link" not in page


def test_job_page_while_restoring_keeps_refreshing(logged_in, svc, user):
    svc.users.set_role(user.id, Role.PREMIUM)
    job = _archived_job(svc, user, ArchiveState.RESTORING)
    text = render(logged_in, f"/annotations/{job.job_id}")
    assert "Restoring from the archive" in text and "result-link" not in text
    response = callback(logged_in, "..job-details.children...job-interval.disabled..",
                        [{"id": "job-interval", "property": "n_intervals", "value": 1}],
                        [{"id": "job-id-store", "property": "data", "value": job.job_id}])
    assert response.get_json()["response"]["job-interval"]["disabled"] is False
    svc.jobs.update(job.job_id, archive_state=ArchiveState.HOT, results_file_archive_id=None)
    svc.results.put_bytes(job.result_key, b"##fileformat=VCFv4.2\n")
    response = callback(logged_in, "..job-details.children...job-interval.disabled..",
                        [{"id": "job-interval", "property": "n_intervals", "value": 2}],
                        [{"id": "job-id-store", "property": "data", "value": job.job_id}])
    body = response.get_json()["response"]
    assert body["job-interval"]["disabled"] is True and "result-link" in json.dumps(body)


def test_login_then_subscribe_end_to_end_over_http(client, svc, user):
    """The whole web path once: log in, read the page, pay, see Premium on the profile."""
    assert login(client, user.email).status_code == 302
    assert "Demo billing" in render(client, "/subscribe")
    assert post_json(client, "/billing/subscribe", GOOD).get_json()["premium"] is True
    assert '"Premium"' in render(client, "/profile")
