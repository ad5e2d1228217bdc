"""Use cases of the workers: annotate a job, tell its owner it is done.

Each handler takes the message body and returns normally when the message may
be deleted; raising leaves it to come back after the visibility timeout (and
to the dead-letter queue after too many tries). Outcomes are recorded before
any side effect (the results message, the email) is sent.
"""
from __future__ import annotations

import logging
import tempfile
import time
import traceback
from pathlib import Path
from typing import Callable

from backend.bootstrap import Services
from backend.domain import JobStatus, now, object_key
from backend.ports import Message
from backend.services import RESULT_PREFIX, job_page_url, over_text_limit, text_limit_refusal, upload_limit

log = logging.getLogger("gas.processing")
PROGRESS_EVERY = 1.0   # seconds between progress writes: the job store is not a log


def annotate_job(svc: Services, message: Message, annotate: Callable | None = None) -> None:
    """Run anntools on the job named in `message`, store the results, record the outcome."""
    if annotate is None:
        from anntools import annotate_file as annotate
    job_id = message.body["job_id"]
    job = svc.jobs.get(job_id)
    if job is None:
        log.warning("job %s: no such job; dropping the request", job_id)
        return
    if not _claim(svc, job_id, job.status, message):
        log.info("job %s: already %s; duplicate request ignored", job_id, job.status.value)
        return

    log.info("job %s: running %s", job_id, job.input_file_name)
    with tempfile.TemporaryDirectory(prefix=f"gas-{job_id}-") as work:
        local_input = Path(work) / job.input_file_name
        svc.inputs.get_to_file(job.input_key, str(local_input))
        out_dir = Path(work) / "out"
        out_dir.mkdir()
        refusal = _over_free_limit(svc, job, local_input)
        outcome = {"ok": False, "reason": refusal} if refusal else \
            _run_engine(svc, job_id, annotate, local_input, out_dir, job.annotation_mode)
        log_key = result_key = None
        if outcome.get("log_path") and Path(outcome["log_path"]).is_file():
            log_key = _store(svc, job, outcome["log_path"])
        if outcome.get("annot_path"):
            result_key = _store(svc, job, outcome["annot_path"])

    if outcome["ok"]:
        svc.jobs.transition(job_id, JobStatus.RUNNING, JobStatus.COMPLETED, complete_time=now(),
                            result_key=result_key, log_key=log_key, summary=outcome["summary"],
                            consequence_counts=outcome["consequence_counts"],
                            problem_lines=outcome["problem_lines"],
                            progress_done=outcome["variants"], progress_total=outcome["variants"])
    else:
        svc.jobs.transition(job_id, JobStatus.RUNNING, JobStatus.FAILED, complete_time=now(),
                            log_key=log_key, failure_reason=outcome["reason"])
    status = JobStatus.COMPLETED if outcome["ok"] else JobStatus.FAILED
    log.info("job %s: %s", job_id, status.value)
    svc.bus.job_results.publish({"job_id": job_id, "user_id": job.user_id, "status": status.value})


def _over_free_limit(svc: Services, job, local_input: Path) -> str | None:
    """Why a Free user's job is refused, or None. submit_job checks this too; a job queued
    before its owner left Premium meets it here."""
    user = svc.users.get(job.user_id)
    limit = upload_limit(svc, user) if user is not None else None
    if limit is None:
        return None
    with open(local_input, "rb") as fh:
        head = fh.read(limit + 1)
    return text_limit_refusal(job.input_file_name, limit) if over_text_limit(head, limit) else None


def _claim(svc: Services, job_id: str, status: JobStatus, message: Message) -> bool:
    """Move PENDING → RUNNING; or take over a RUNNING job whose worker died.

    A worker heartbeats its lease while it runs, so a request that comes back
    (received more than once) means the worker holding it stopped mid-job.
    """
    if svc.jobs.transition(job_id, JobStatus.PENDING, JobStatus.RUNNING, progress_done=0):
        return True
    if message.receive_count > 1 and status == JobStatus.RUNNING:
        log.warning("job %s: resuming after a worker stopped mid-job", job_id)
        return svc.jobs.transition(job_id, JobStatus.RUNNING, JobStatus.RUNNING, progress_done=0)
    return False


def _run_engine(svc: Services, job_id: str, annotate: Callable, local_input: Path, out_dir: Path,
                mode: str) -> dict:
    from anntools import AnnotationError

    last_write = [0.0]

    def progress(done: int, total: int) -> None:
        if time.monotonic() - last_write[0] >= PROGRESS_EVERY:
            last_write[0] = time.monotonic()
            svc.jobs.update(job_id, progress_done=int(done), progress_total=int(total))

    try:
        result = annotate(str(local_input), str(out_dir), progress=progress, mode=mode)
    except AnnotationError as exc:
        return {"ok": False, "reason": str(exc), "log_path": getattr(exc, "log_path", None)}
    except Exception:
        # A bug in the engine on one odd file must not take the worker down or
        # send the job round the queue forever: fail it, keep the traceback.
        log.error("job %s: annotator crashed:\n%s", job_id, traceback.format_exc())
        return {"ok": False, "reason": "The annotator stopped on an unexpected problem in this file. "
                                      "The team has the details; try again later or contact support."}
    return {"ok": True, "summary": result.summary, "variants": result.variants,
            "consequence_counts": dict(getattr(result, "consequence_counts", None) or {}) or None,
            "problem_lines": [[int(n), str(reason)] for n, reason in getattr(result, "problem_lines", ())] or None,
            "annot_path": result.annot_path, "log_path": result.log_path}


def _store(svc: Services, job, path: str) -> str:
    key = object_key(RESULT_PREFIX, job.user_id, job.job_id, Path(path).name)
    svc.results.put_file(key, path)
    return key


def notify_job_finished(svc: Services, message: Message) -> None:
    """Email the job's owner a link to its page."""
    body = message.body
    user = svc.users.get(body["user_id"])
    if user is None:
        log.warning("job %s: owner %s is gone; no mail", body["job_id"], body["user_id"])
        return
    job = svc.jobs.get(body["job_id"])
    name = job.input_file_name if job else "your file"
    status = body.get("status", "")
    outcome = "is ready" if status == JobStatus.COMPLETED.value else "could not be completed"
    url = job_page_url(svc, body["job_id"])
    text = (f"Hello {user.name},\n\nYour annotation job {body['job_id']} for {name} {outcome}.\n"
            f"See it here: {url}\n\n— GAS, the Genomics Annotation Service\n")
    svc.mailer.send(user.email, f"GAS: annotation of {name} {outcome}", text)
