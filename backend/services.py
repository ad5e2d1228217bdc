"""Use cases of the web app: plain functions over the ports.

Routes and Dash callbacks translate requests into these calls and the
exceptions into responses; the workers' use cases are in backend/processing.py.
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import Iterator

from backend.bootstrap import Services
from backend.domain import ANNOTATION_MODES, ArchiveState, Job, JobNotFound, JobStatus, UploadRejected, new_job_id, now, object_key
from backend.ports import UploadForm
from backend.users import User

INPUT_PREFIX = "inputs"
RESULT_PREFIX = "results"
LOG_VIEW_LIMIT = 2 * 1024 * 1024   # bytes of a log shown in the page; the rest is downloadable


@dataclass
class UploadTicket:
    job_id: str
    file_name: str
    form: UploadForm
    max_bytes: int | None


def safe_file_name(name: str) -> str:
    """The base name of what the browser sent, with only harmless characters left."""
    base = re.split(r"[\\/]", name or "")[-1].strip()
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._") or "input.vcf"
    return base[:200]


def upload_limit(svc: Services, user: User) -> int | None:
    """The most bytes this user may upload in one job; None means no limit."""
    return None if user.is_premium else svc.settings.free_user_max_upload


def over_text_limit(head: bytes, limit: int) -> bool:
    """Whether a file whose first limit+1 bytes are `head` holds more than `limit` bytes of
    text: a gzip or bgzip file counts at its decompressed size (150 KiB of gzip can hold
    gigabytes of VCF), decompressed only as far as the limit."""
    if len(head) > limit:
        return True
    total, data = 0, head
    if data[:2] != b"\x1f\x8b":
        return False
    try:
        while data[:2] == b"\x1f\x8b" and total <= limit:   # bgzip: one gzip member per block
            member = zlib.decompressobj(wbits=31)
            total += len(member.decompress(data, limit + 1 - total))
            if member.unconsumed_tail:
                return True   # stopped at the limit with input left
            data = member.unused_data
    except zlib.error:
        return False   # not valid gzip: the engine says what is wrong with it
    return total > limit


def text_limit_refusal(name: str, limit: int) -> str:
    return (f"{name} holds more than {limit / 1024:,.0f} KiB of VCF text once decompressed; Free "
            f"accounts can annotate files up to {limit / 1024:,.0f} KiB, and a compressed file counts "
            "at its decompressed size. Upgrade to Premium for files of any size.")


def start_upload(svc: Services, user: User, file_name: str, size: int | None = None) -> UploadTicket:
    """A job id and a signed form to send the input file straight to the object store."""
    name = safe_file_name(file_name)
    limit = upload_limit(svc, user)
    if size is not None and limit is not None and size > limit:
        raise UploadRejected(
            f"{name} is {size / 1024:,.0f} KiB; Free accounts can submit files up to {limit / 1024:,.0f} KiB. "
            "Upgrade to Premium for files of any size."
        )
    job_id = new_job_id()
    key = object_key(INPUT_PREFIX, user.id, job_id, name)
    form = svc.inputs.upload_form(key, limit, svc.settings.upload_url_expiry)
    return UploadTicket(job_id, name, form, limit)


def submit_job(svc: Services, user: User, job_id: str, file_name: str, mode: str = "all") -> Job:
    """Create the job for an uploaded file (PENDING) and ask for its annotation.

    mode: "all" (a CSQ entry per transcript) or "most_severe" (one per ALT allele).
    """
    name = safe_file_name(file_name)
    if mode not in ANNOTATION_MODES:
        raise UploadRejected(f"Unknown annotation mode '{str(mode)[:40]}'; choose one of: "
                             f"{', '.join(ANNOTATION_MODES)}.")
    if not re.fullmatch(r"[0-9a-f-]{36}", job_id or ""):
        raise UploadRejected("That upload is not one we issued; choose the file again.")
    key = object_key(INPUT_PREFIX, user.id, job_id, name)
    if not svc.inputs.exists(key):
        raise UploadRejected("We did not receive the file. Choose it again and press Submit.")
    if svc.jobs.get(job_id) is not None:
        raise UploadRejected("This upload was submitted already.")
    limit = upload_limit(svc, user)
    if limit is not None and over_text_limit(svc.inputs.read_bytes(key, limit + 1), limit):
        svc.inputs.delete(key)   # no job holds it: choosing a smaller file starts a new upload
        raise UploadRejected(text_limit_refusal(name, limit))
    job = Job(job_id=job_id, user_id=user.id, input_file_name=name, input_key=key, submit_time=now(),
              annotation_mode=mode)
    svc.jobs.create(job)
    svc.bus.job_requests.publish({"job_id": job_id, "user_id": user.id})
    return job


def list_jobs(svc: Services, user: User, limit: int = 500) -> list[Job]:
    """The user's jobs, newest first."""
    jobs, cursor = svc.jobs.list_for_user(user.id, limit=min(limit, 100))
    while cursor and len(jobs) < limit:
        page, cursor = svc.jobs.list_for_user(user.id, limit=100, cursor=cursor)
        jobs += page
    return jobs[:limit]


def get_job(svc: Services, user: User, job_id: str) -> Job:
    """The job if it is this user's; JobNotFound otherwise, whether or not it exists."""
    job = svc.jobs.get(job_id) if job_id else None
    if job is None or job.user_id != user.id:
        raise JobNotFound(job_id)
    return job


@dataclass
class JobFiles:
    input_url: str
    result_url: str | None
    log_available: bool
    result_state: str          # "none" (not completed), "ready", "restoring", "upgrade" (Free, past retention)
    download_until: float | None = None   # for a Free user: when the results link stops working


def job_files(svc: Services, user: User, job: Job) -> JobFiles:
    """Signed links for what the user may download from this job now.

    A Free user's results are downloadable for the retention window after
    completion; after it (and once archived) the page offers an upgrade instead.
    """
    expiry = svc.settings.download_url_expiry
    input_url = svc.inputs.download_url(job.input_key, job.input_file_name, expiry)
    files = JobFiles(input_url, None, bool(job.log_key), "none")
    if job.status != JobStatus.COMPLETED or not job.result_key:
        return files
    if job.archive_state == ArchiveState.RESTORING:
        files.result_state = "restoring"
        return files
    if not user.is_premium:
        files.download_until = (job.complete_time or 0) + svc.settings.free_user_data_retention
        if now() > files.download_until or job.archive_state == ArchiveState.ARCHIVED:
            files.result_state = "upgrade"
            return files
    elif job.archive_state == ArchiveState.ARCHIVED:
        files.result_state = "restoring"   # upgraded, the restore request is on its way
        return files
    files.result_url = svc.results.download_url(job.result_key, result_name(job), expiry)
    files.result_state = "ready"
    return files


def fresh_download_url(svc: Services, user: User, job_id: str, which: str) -> str | None:
    """A newly signed link to the job's input or result, or None when it cannot be downloaded now.

    Pages link here rather than to a signed URL, so a page left open for an
    hour still downloads, and the owner and the Free window are checked at click time.
    """
    job = get_job(svc, user, job_id)
    files = job_files(svc, user, job)
    return {"input": files.input_url, "result": files.result_url}.get(which)


def result_table(svc: Services, user: User, job_id: str) -> tuple[str, Iterator[str]] | None:
    """(file name, its lines) of the results as a TSV, one row per ALT allele x transcript, or
    None when the results cannot be downloaded now (the same rule as the VCF link).

    Only the annotated VCF is stored (and archived); the table is made from it as it streams.
    """
    from anntools import tsv_from_annotated_vcf
    job = get_job(svc, user, job_id)
    if job_files(svc, user, job).result_state != "ready":
        return None
    return table_name(job), tsv_from_annotated_vcf(svc.results.iter_lines(job.result_key))


def read_log(svc: Services, user: User, job_id: str) -> str:
    """The job's log as text (the first LOG_VIEW_LIMIT bytes of it)."""
    job = get_job(svc, user, job_id)
    if not job.log_key:
        raise JobNotFound(job_id)
    return svc.results.read_bytes(job.log_key, LOG_VIEW_LIMIT).decode("utf-8", errors="replace")


def result_name(job: Job) -> str:
    return job.result_key.rsplit("~", 1)[-1] if job.result_key else ""


def table_name(job: Job) -> str:
    """<name>.annot.tsv for the result <name>.annot.vcf, as anntools names its table."""
    return result_name(job).removesuffix(".vcf") + ".tsv"


def job_page_url(svc: Services, job_id: str) -> str:
    return f"{svc.settings.base_url.rstrip('/')}/annotations/{job_id}"
