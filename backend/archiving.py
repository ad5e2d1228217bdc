"""Use cases of the archiver and restorer workers.

The waits are durable and hold no thread: a message that is not due yet is
sent again with a delay (at most MAX_DELAY, the SQS limit) and the current one
acknowledged, so a restart of any process loses no pending archive or restore.
"""
from __future__ import annotations

import logging

from backend.bootstrap import Services
from backend.domain import ArchiveState, JobStatus, now
from backend.ports import Message, Queue

log = logging.getLogger("gas.archiving")
MAX_DELAY = 900            # seconds; SQS refuses longer delays


def _later(queue: Queue, body: dict, seconds: float) -> None:
    queue.send(body, delay_seconds=max(1, min(MAX_DELAY, int(seconds + 0.999))))


def archive_when_due(svc: Services, message: Message) -> None:
    """Move a Free user's results to the cold archive once the retention window has passed."""
    job = svc.jobs.get(message.body["job_id"])
    if job is None or job.status != JobStatus.COMPLETED or not job.result_key or job.archive_state != ArchiveState.HOT:
        return
    due = (job.complete_time or 0) + svc.settings.free_user_data_retention
    if now() < due:
        _later(svc.bus.extra_queues["archiver"], message.body, due - now())
        return
    user = svc.users.get(job.user_id)
    if user is None or user.is_premium:   # the role at archive time is what counts
        log.info("job %s: owner is Premium; results stay hot", job.job_id)
        return
    archive_id = svc.archive.archive(job.result_key)
    if svc.jobs.update_if(job.job_id, "archive_state", ArchiveState.HOT,
                          archive_state=ArchiveState.ARCHIVED, results_file_archive_id=archive_id):
        svc.results.delete(job.result_key)   # only now that the archive copy is recorded
        log.info("job %s: results archived as %s", job.job_id, archive_id)


def restore_for_user(svc: Services, message: Message) -> None:
    """Start retrievals for every archived result of a user who became Premium, then check on each."""
    body = message.body
    if body.get("kind") == "check":
        return _finish_restore(svc, body)
    queue = svc.bus.extra_queues["restorer"]
    for job in _all_jobs(svc, body["user_id"]):
        if job.archive_state != ArchiveState.ARCHIVED or not job.results_file_archive_id:
            continue
        tier = svc.archive.start_restore(job.results_file_archive_id)
        svc.jobs.update_if(job.job_id, "archive_state", ArchiveState.ARCHIVED, archive_state=ArchiveState.RESTORING)
        log.info("job %s: %s retrieval started", job.job_id, tier)
        _later(queue, {"kind": "check", "job_id": job.job_id}, svc.archive.restore_check_seconds)


def _finish_restore(svc: Services, body: dict) -> None:
    job = svc.jobs.get(body["job_id"])
    if job is None or job.archive_state != ArchiveState.RESTORING:
        return
    if not svc.archive.restore_ready(job.results_file_archive_id):
        _later(svc.bus.extra_queues["restorer"], body, svc.archive.restore_check_seconds)
        return
    svc.archive.copy_back(job.results_file_archive_id, job.result_key)
    svc.jobs.update_if(job.job_id, "archive_state", ArchiveState.RESTORING,
                       archive_state=ArchiveState.HOT, results_file_archive_id=None)
    log.info("job %s: results restored", job.job_id)


def _all_jobs(svc: Services, user_id: str):
    jobs, cursor = svc.jobs.list_for_user(user_id, limit=100)
    yield from jobs
    while cursor:
        jobs, cursor = svc.jobs.list_for_user(user_id, limit=100, cursor=cursor)
        yield from jobs
