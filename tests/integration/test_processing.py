"""The annotator and notifier handlers on the local adapters, with the real engine."""
from __future__ import annotations

import gzip

import pytest

from backend import processing, services, subscriptions
from backend.domain import JobStatus, UploadRejected
from backend.ports import Message
from tests.conftest import SAMPLE_VCFS
from tests.integration.test_premium import GOOD_CARD
from workers import loop


def _submit(svc, user, path, name=None, mode="all"):
    ticket = services.start_upload(svc, user, name or path.name)
    svc.inputs.put_file(ticket.form.fields["key"], str(path))
    return services.submit_job(svc, user, ticket.job_id, ticket.file_name, mode)


def _csq_entries_per_allele(annotated: str) -> list[int]:
    out = []
    for line in annotated.splitlines():
        if line and not line.startswith("#"):
            info = dict(kv.split("=", 1) for kv in line.split("\t")[7].split(";") if "=" in kv)
            alts = [a for a in line.split("\t")[4].split(",") if a != "."]
            if "CSQ" in info and alts:
                out.append(len(info["CSQ"].split(",")) / len(alts))
    return out


def test_the_chosen_mode_decides_entries_per_allele(svc, user):
    every = _submit(svc, user, SAMPLE_VCFS / "test.vcf")
    severe = _submit(svc, user, SAMPLE_VCFS / "test.vcf", name="test-most-severe.vcf", mode="most_severe")
    assert svc.jobs.get(severe.job_id).annotation_mode == "most_severe"
    _run_annotator_once(svc, max_messages=2)
    all_counts = _csq_entries_per_allele(svc.results.read_bytes(svc.jobs.get(every.job_id).result_key).decode())
    one_counts = _csq_entries_per_allele(svc.results.read_bytes(svc.jobs.get(severe.job_id).result_key).decode())
    assert len(all_counts) == len(one_counts) == 350
    assert set(one_counts) == {1} and max(all_counts) > 1   # MT genes overlap: several per site
    # the same most severe consequence either way: the chart does not depend on the mode
    assert svc.jobs.get(every.job_id).consequence_counts == svc.jobs.get(severe.job_id).consequence_counts


def test_an_unknown_mode_is_refused_before_a_job_exists(svc, user):
    ticket = services.start_upload(svc, user, "test.vcf")
    svc.inputs.put_file(ticket.form.fields["key"], str(SAMPLE_VCFS / "test.vcf"))
    with pytest.raises(services.UploadRejected) as err:
        services.submit_job(svc, user, ticket.job_id, ticket.file_name, "fastest")
    assert "Unknown annotation mode 'fastest'" in str(err.value) and "most_severe" in str(err.value)
    assert svc.jobs.get(ticket.job_id) is None


def _run_annotator_once(svc, max_messages=1):
    return loop.run("annotator", svc.bus.annotator_queue, lambda m: processing.annotate_job(svc, m),
                    lease_seconds=svc.settings.queue_visibility_timeout, wait_seconds=1, max_messages=max_messages)


def test_a_job_completes_with_results_log_and_an_email(svc, user):
    job = _submit(svc, user, SAMPLE_VCFS / "test.vcf")
    assert svc.jobs.get(job.job_id).status == JobStatus.PENDING
    _run_annotator_once(svc)
    done = svc.jobs.get(job.job_id)
    assert done.status == JobStatus.COMPLETED, done.failure_reason
    assert done.complete_time >= done.submit_time
    assert done.result_key.endswith("~test.annot.vcf") and done.log_key.endswith("~test.vcf.count.log")
    annotated = svc.results.read_bytes(done.result_key).decode()
    assert annotated.startswith("##fileformat=VCFv4.2")   # test.vcf is 4.0; the output says 4.2
    assert sum(1 for line in annotated.splitlines() if line and not line.startswith("#")) == 350
    assert "350" in services.read_log(svc, user, job.job_id)
    # The chart's numbers: every annotated ALT allele counted once, by its most severe consequence.
    counts = done.consequence_counts
    assert counts["synonymous_variant"] > 0 and counts["missense_variant"] > 0
    assert sum(counts.values()) == sum(len(l.split("\t")[4].split(",")) for l in annotated.splitlines()
                                       if l and not l.startswith("#"))

    loop.run("notifier", svc.bus.notifier_queue, lambda m: processing.notify_job_finished(svc, m),
             lease_seconds=5, wait_seconds=1, max_messages=1)
    (mail,) = svc.mailer.sent()
    assert mail["To"] == "ada@example.org"
    assert f"http://gas.test/annotations/{job.job_id}" in mail.get_content()


def test_a_second_delivery_of_the_same_request_does_nothing(svc, user):
    job = _submit(svc, user, SAMPLE_VCFS / "test.vcf")
    _run_annotator_once(svc)
    first = svc.jobs.get(job.job_id)
    duplicate = Message({"job_id": job.job_id, "user_id": user.id}, "dup", "r", receive_count=1)
    processing.annotate_job(svc, duplicate)
    again = svc.jobs.get(job.job_id)
    assert again.complete_time == first.complete_time and again.status == JobStatus.COMPLETED
    # Only the one results message went out: one email, not two.
    assert svc.bus.notifier_queue.depth() == 1


def test_a_non_vcf_upload_fails_with_a_readable_reason_and_the_worker_goes_on(svc, user, tmp_path):
    junk = tmp_path / "holiday.jpg"
    junk.write_bytes(bytes(range(256)) * 40)
    bad = _submit(svc, user, junk)
    good = _submit(svc, user, SAMPLE_VCFS / "test.vcf")
    assert _run_annotator_once(svc, max_messages=2) == 2
    failed = svc.jobs.get(bad.job_id)
    assert failed.status == JobStatus.FAILED
    assert "VCF" in failed.failure_reason
    assert svc.jobs.get(good.job_id).status == JobStatus.COMPLETED
    assert svc.bus.annotator_queue.depth() == 0


def test_an_engine_crash_fails_the_job_and_the_message_is_not_retried(svc, user):
    job = _submit(svc, user, SAMPLE_VCFS / "test.vcf")

    def broken_engine(*args, **kwargs):
        raise ZeroDivisionError("bug")

    (m,) = svc.bus.annotator_queue.receive(1, wait_seconds=1)
    processing.annotate_job(svc, m, annotate=broken_engine)
    failed = svc.jobs.get(job.job_id)
    assert failed.status == JobStatus.FAILED and "unexpected problem" in failed.failure_reason


def test_a_job_whose_worker_died_is_run_again_when_the_request_comes_back(svc, user):
    job = _submit(svc, user, SAMPLE_VCFS / "test.vcf")
    (m,) = svc.bus.annotator_queue.receive(1, wait_seconds=1)
    # The first worker claimed the job, then died without deleting the message.
    assert svc.jobs.transition(job.job_id, JobStatus.PENDING, JobStatus.RUNNING)
    (back,) = svc.bus.annotator_queue.receive(1, wait_seconds=svc.settings.queue_visibility_timeout + 2)
    assert back.receive_count == 2
    processing.annotate_job(svc, back)
    assert svc.jobs.get(job.job_id).status == JobStatus.COMPLETED


def test_first_stop_request_finishes_the_current_message(svc, user):
    stopping = loop.Stopping()
    seen = []

    def handler(m):
        seen.append(m.body)
        stopping.requested.set()      # a SIGTERM arrives mid-message

    for n in range(3):
        svc.bus.annotator_queue.send({"n": n})
    loop.run("t", svc.bus.annotator_queue, handler, lease_seconds=5, wait_seconds=1, stopping=stopping)
    assert seen == [{"n": 0}]
    assert svc.bus.annotator_queue.depth() == 2    # the handled one was deleted, the rest wait


def test_a_free_users_gzip_counts_at_its_decompressed_size(svc, user, tmp_path):
    # 2 MB of VCF text in a few KiB of gzip: under the Free upload limit, far over it decompressed
    text = (SAMPLE_VCFS / "test.vcf").read_text()
    header = "".join(l for l in text.splitlines(True) if l.startswith("#"))
    body = "".join(l for l in text.splitlines(True) if not l.startswith("#"))
    bomb = tmp_path / "many.vcf.gz"
    bomb.write_bytes(gzip.compress((header + body * 60).encode()))
    assert bomb.stat().st_size < svc.settings.free_user_max_upload
    small = tmp_path / "small.vcf.gz"
    small.write_bytes(gzip.compress(text.encode()))
    # refused when submitted, before any job is made or queued
    ticket = services.start_upload(svc, user, bomb.name)
    svc.inputs.put_file(ticket.form.fields["key"], str(bomb))
    with pytest.raises(UploadRejected) as refused:
        services.submit_job(svc, user, ticket.job_id, ticket.file_name)
    assert str(refused.value).startswith("many.vcf.gz holds more than 150 KiB of VCF text once decompressed")
    assert "Upgrade to Premium" in str(refused.value)
    assert svc.jobs.get(ticket.job_id) is None and svc.bus.annotator_queue.depth() == 0
    fine = _submit(svc, user, small)
    _run_annotator_once(svc)
    assert svc.jobs.get(fine.job_id).status == JobStatus.COMPLETED
    # the same file from a Premium user is annotated whole
    assert subscriptions.upgrade(svc, user, GOOD_CARD) is True
    again = _submit(svc, svc.users.get(user.id), bomb, name="many-again.vcf.gz")
    _run_annotator_once(svc)
    assert svc.jobs.get(again.job_id).progress_done == 350 * 60
    # queued while Premium, run after the subscription ended: the worker refuses it
    queued = _submit(svc, svc.users.get(user.id), bomb, name="many-late.vcf.gz")
    subscriptions.make_free(svc, user.id)
    _run_annotator_once(svc)
    failed = svc.jobs.get(queued.job_id)
    assert failed.status == JobStatus.FAILED and failed.result_key is None
    assert failed.failure_reason.startswith("many-late.vcf.gz holds more than 150 KiB of VCF text")


@pytest.mark.parametrize("make", [
    lambda text: gzip.compress(text),                                       # one gzip member
    lambda text: b"".join(gzip.compress(text[i:i + 60_000]) for i in range(0, len(text), 60_000)),
])                                                                           # many, as bgzip writes
def test_the_text_limit_counts_every_gzip_member(make):
    text = b"x" * 200_000
    assert services.over_text_limit(make(text), 150 * 1024) is True
    assert services.over_text_limit(make(text[:150 * 1024]), 150 * 1024) is False
    assert services.over_text_limit(text[:150 * 1024 + 1], 150 * 1024) is True   # plain text
