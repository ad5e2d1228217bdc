"""The cold archive on S3 Glacier Flexible Retrieval, against moto on 127.0.0.1.

moto finishes a restore at once unless told otherwise; its state manager holds
each restore "in progress" for a number of looks, which is how the durable
wait is tested here. moto never refuses expedited capacity, so that refusal is
injected at the boto3 client, before the request leaves.
"""
from __future__ import annotations

import dataclasses
import json

import pytest
import requests
from botocore.exceptions import ClientError

from backend import archiving
from backend.bootstrap import build
from backend.domain import ArchiveState, Job, JobStatus, Role, now
from backend.ports import Message

HOT_KEY = "results/u1/j1~x.annot.vcf"
CONTENT = b"##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\n"


@pytest.fixture
def hold_restores(aws_endpoint):
    """Keep each restore in progress for `times` looks at the object, then let it finish."""
    def hold(times: int) -> None:
        requests.post(f"{aws_endpoint}/moto-api/state-manager/set-transition", timeout=10, data=json.dumps(
            {"model_name": "s3::keyrestore", "transition": {"progression": "manual", "times": times}}))
    yield hold
    requests.post(f"{aws_endpoint}/moto-api/state-manager/unset-transition", timeout=10,
                  data=json.dumps({"model_name": "s3::keyrestore"}))


def test_archive_is_glacier_and_unreadable_until_restored(svc, s3, hold_restores):
    hold_restores(2)
    svc.results.put_bytes(HOT_KEY, CONTENT)
    archive_id = svc.archive.archive(HOT_KEY)
    head = s3.head_object(Bucket=svc.archive.archive_bucket, Key=archive_id)
    assert head["StorageClass"] == "GLACIER" and head["ServerSideEncryption"] == "AES256"
    with pytest.raises(ClientError, match="InvalidObjectState"):
        s3.get_object(Bucket=svc.archive.archive_bucket, Key=archive_id)
    assert svc.results.exists(HOT_KEY)        # the caller deletes the hot copy, not the archive

    assert svc.archive.restore_ready(archive_id) is False
    with pytest.raises(RuntimeError):
        svc.archive.copy_back(archive_id, HOT_KEY)
    assert svc.archive.start_restore(archive_id) == "Expedited"
    looks = 1
    while not svc.archive.restore_ready(archive_id):
        looks += 1
        assert looks < 20, "the restore never finished"
    assert looks > 1                           # the wait really was a wait

    svc.results.delete(HOT_KEY)
    svc.archive.copy_back(archive_id, HOT_KEY)
    assert svc.results.read_bytes(HOT_KEY) == CONTENT
    assert "StorageClass" not in s3.head_object(Bucket=svc.results.bucket, Key=HOT_KEY)   # STANDARD
    assert not svc.archive.holds(archive_id)


def test_no_expedited_capacity_falls_back_to_standard(svc):
    svc.results.put_bytes(HOT_KEY, CONTENT)
    archive_id = svc.archive.archive(HOT_KEY)
    asked = []

    def refuse_expedited(params, **_):
        body = params["body"]
        tier = "Expedited" if b"<Tier>Expedited</Tier>" in body else "Standard"
        asked.append(tier)
        if tier == "Expedited":
            return (_Status(503), {"Error": {"Code": "GlacierExpeditedRetrievalNotAvailable",
                                             "Message": "Glacier expedited retrievals are currently not available"},
                                   "ResponseMetadata": {"HTTPStatusCode": 503}})
        return None

    events = svc.archive.s3.meta.events
    events.register("before-call.s3.RestoreObject", refuse_expedited)
    try:
        assert svc.archive.start_restore(archive_id) == "Standard"
    finally:
        events.unregister("before-call.s3.RestoreObject", refuse_expedited)
    assert asked == ["Expedited", "Standard"]


@dataclasses.dataclass
class _Status:
    status_code: int
    headers: dict = dataclasses.field(default_factory=dict)


def test_a_free_job_is_archived_then_restored_after_an_upgrade(settings, user, hold_restores):
    svc = build(dataclasses.replace(settings, free_user_data_retention=0))
    result_key = f"results/{user.id}/j1~a.annot.vcf"
    svc.results.put_bytes(result_key, CONTENT)
    job = Job(job_id="00000000-0000-4000-8000-000000000001", user_id=user.id, input_file_name="a.vcf",
              input_key=f"inputs/{user.id}/j1~a.vcf", submit_time=now() - 60, status=JobStatus.COMPLETED,
              complete_time=now() - 30, result_key=result_key)
    svc.jobs.create(job)

    # The archiver hears of the job through the job-results topic, like the notifier.
    svc.bus.job_results.publish({"job_id": job.job_id, "user_id": user.id, "status": "COMPLETED"})
    archiver = svc.bus.extra_queues["archiver"]
    (heard,) = archiver.receive(1, wait_seconds=5)
    archiving.archive_when_due(svc, heard)
    archiver.delete(heard)
    archived = svc.jobs.get(job.job_id)
    assert archived.archive_state == ArchiveState.ARCHIVED and archived.results_file_archive_id
    assert not svc.results.exists(result_key)

    hold_restores(3)
    svc.users.set_role(user.id, Role.PREMIUM)
    svc.bus.restore_requests.publish({"user_id": user.id})
    restorer = svc.bus.extra_queues["restorer"]
    (request,) = restorer.receive(1, wait_seconds=5)
    archiving.restore_for_user(svc, request)
    restorer.delete(request)
    assert svc.jobs.get(job.job_id).archive_state == ArchiveState.RESTORING
    assert restorer.depth() == 1               # the next look is a delayed message: durable, no thread

    # Take the looks now rather than after the delay the restorer asked for.
    check = Message({"kind": "check", "job_id": job.job_id}, "m", "r")
    looks = 0
    while svc.jobs.get(job.job_id).archive_state == ArchiveState.RESTORING:
        archiving.restore_for_user(svc, check)
        looks += 1
        assert looks < 20, "the restore never finished"
    assert looks > 1
    restored = svc.jobs.get(job.job_id)
    assert restored.archive_state == ArchiveState.HOT and restored.results_file_archive_id is None
    assert svc.results.read_bytes(result_key) == CONTENT
