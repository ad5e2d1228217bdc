"""Free and Premium: retention and archive, upgrade by card, restore, webhooks."""
from __future__ import annotations

import json
import time
from dataclasses import replace

import pytest

from backend import archiving, services, subscriptions
from backend.bootstrap import build
from backend.domain import ArchiveState, Job, JobStatus, Role, UploadRejected, now, object_key
from backend.ports import CardDeclined, WebhookRejected

GOOD_CARD = {"card_number": "4242 4242 4242 4242", "exp_month": 12, "exp_year": 2099, "cvc": "123"}


@pytest.fixture
def svc(settings):
    # A 2-second retention window and a 1-second thaw, so the states can be watched.
    return build(replace(settings, free_user_data_retention=2, archive_thaw_seconds=1))


def _completed_job(svc, user) -> Job:
    """A job as the annotator leaves it: COMPLETED with results in the hot store, results announced."""
    job_id = f"{int(time.time() * 1e6):036d}"[-36:]
    key = object_key("results", user.id, job_id, "x.annot.vcf")
    svc.results.put_bytes(key, b"##fileformat=VCFv4.2\n")
    job = Job(job_id=job_id, user_id=user.id, input_file_name="x.vcf", input_key=f"inputs/{user.id}/{job_id}~x.vcf",
              submit_time=now(), status=JobStatus.COMPLETED, complete_time=now(), result_key=key)
    svc.jobs.create(job)
    svc.bus.job_results.publish({"job_id": job_id, "user_id": user.id, "status": "COMPLETED"})
    return job


def _drain(svc, name, handler, seconds):
    """Run a worker until its queue has been quiet for `seconds`."""
    queue = svc.bus.extra_queues[name]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for message in queue.receive(1, wait_seconds=min(0.3, max(0.0, deadline - time.monotonic()))):
            handler(svc, message)
            queue.delete(message)


def test_free_upload_over_the_limit_is_refused_with_a_way_to_upgrade(svc, user):
    with pytest.raises(UploadRejected, match="Upgrade to Premium"):
        services.start_upload(svc, user, "big.vcf", size=svc.settings.free_user_max_upload + 1)
    ticket = services.start_upload(svc, user, "small.vcf", size=1000)
    assert ticket.max_bytes == svc.settings.free_user_max_upload


def test_free_results_are_archived_after_the_window_and_not_before(svc, user):
    job = _completed_job(svc, user)
    assert services.job_files(svc, user, job).result_state == "ready"
    _drain(svc, "archiver", archiving.archive_when_due, 1.0)
    assert svc.jobs.get(job.job_id).archive_state == ArchiveState.HOT     # inside the window
    assert svc.results.exists(job.result_key)
    _drain(svc, "archiver", archiving.archive_when_due, 3.0)
    archived = svc.jobs.get(job.job_id)
    assert archived.archive_state == ArchiveState.ARCHIVED and archived.results_file_archive_id
    assert not svc.results.exists(job.result_key)
    assert svc.archive.holds(archived.results_file_archive_id)
    files = services.job_files(svc, user, archived)
    assert files.result_state == "upgrade" and files.result_url is None and files.input_url


def test_a_user_who_upgrades_inside_the_window_keeps_results_hot(svc, user):
    job = _completed_job(svc, user)
    assert subscriptions.upgrade(svc, user, GOOD_CARD) is True
    _drain(svc, "archiver", archiving.archive_when_due, 3.0)
    assert svc.jobs.get(job.job_id).archive_state == ArchiveState.HOT
    assert svc.results.exists(job.result_key)


def test_upgrade_restores_every_archived_result(svc, user):
    jobs = [_completed_job(svc, user) for _ in range(2)]
    _drain(svc, "archiver", archiving.archive_when_due, 3.0)
    assert all(svc.jobs.get(j.job_id).archive_state == ArchiveState.ARCHIVED for j in jobs)

    assert subscriptions.upgrade(svc, user, GOOD_CARD) is True
    premium = svc.users.get(user.id)
    assert premium.role == Role.PREMIUM.value and premium.stripe_subscription_id.startswith("sub_")
    _drain(svc, "restorer", archiving.restore_for_user, 0.6)
    assert all(svc.jobs.get(j.job_id).archive_state == ArchiveState.RESTORING for j in jobs)
    assert services.job_files(svc, premium, svc.jobs.get(jobs[0].job_id)).result_state == "restoring"
    _drain(svc, "restorer", archiving.restore_for_user, 3.0)
    for j in jobs:
        back = svc.jobs.get(j.job_id)
        assert back.archive_state == ArchiveState.HOT and back.results_file_archive_id is None
        assert svc.results.read_bytes(back.result_key) == b"##fileformat=VCFv4.2\n"
        assert services.job_files(svc, premium, back).result_url


@pytest.mark.parametrize("number,words", [
    ("4000 0000 0000 0002", "declined"),
    ("4000 0000 0000 9995", "insufficient funds"),
    ("4000 0000 0000 0069", "expired"),
    ("4000 0000 0000 0127", "security code"),
    ("4111 1111 1111 1112", "only Stripe's test card numbers"),
])
def test_a_refused_card_leaves_the_user_free_with_a_clear_message(svc, user, number, words):
    with pytest.raises(CardDeclined, match=words):
        subscriptions.upgrade(svc, user, {**GOOD_CARD, "card_number": number})
    assert svc.users.get(user.id).role == Role.FREE.value


def _event(svc, event_id, kind, obj):
    payload = json.dumps({"id": event_id, "type": kind, "data": {"object": obj}}).encode()
    return payload, svc.billing.sign(payload)


def test_webhooks_need_a_good_signature_act_once_and_cancel_to_free(svc, user):
    subscriptions.upgrade(svc, user, GOOD_CARD)
    sub_id = svc.users.get(user.id).stripe_subscription_id

    payload, _ = _event(svc, "evt_1", "customer.subscription.deleted", {"id": sub_id, "status": "canceled"})
    with pytest.raises(WebhookRejected):
        subscriptions.handle_webhook(svc, payload, "t=1,v1=forged")
    assert svc.users.get(user.id).is_premium

    payload, signature = _event(svc, "evt_1", "customer.subscription.deleted", {"id": sub_id, "status": "canceled"})
    assert subscriptions.handle_webhook(svc, payload, signature) == "downgraded"
    assert svc.users.get(user.id).role == Role.FREE.value

    # Upgrade again, then replay the old cancellation: it was acted on already.
    subscriptions.upgrade(svc, svc.users.get(user.id), GOOD_CARD)
    assert subscriptions.handle_webhook(svc, payload, svc.billing.sign(payload)) == "duplicate"
    assert svc.users.get(user.id).is_premium

    # Cancel from the profile page: Free again, and results completed from now on are archived.
    subscriptions.cancel(svc, svc.users.get(user.id))
    assert svc.users.get(user.id).role == Role.FREE.value
    job = _completed_job(svc, svc.users.get(user.id))
    _drain(svc, "archiver", archiving.archive_when_due, 3.0)
    assert svc.jobs.get(job.job_id).archive_state == ArchiveState.ARCHIVED
