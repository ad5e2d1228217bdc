"""The domain: jobs, their states, and user tiers. Imports no adapter."""
from __future__ import annotations

import time
import uuid
from dataclasses import asdict, dataclass
from enum import Enum


class JobStatus(str, Enum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.COMPLETED, JobStatus.FAILED)


class ArchiveState(str, Enum):
    HOT = "hot"
    ARCHIVED = "archived"
    RESTORING = "restoring"


class Role(str, Enum):
    FREE = "free_user"
    PREMIUM = "premium_user"


@dataclass
class Job:
    job_id: str
    user_id: str
    input_file_name: str
    input_key: str
    submit_time: float
    status: JobStatus = JobStatus.PENDING
    complete_time: float | None = None
    result_key: str | None = None
    log_key: str | None = None
    failure_reason: str | None = None
    progress_done: int = 0
    progress_total: int = 0
    summary: str | None = None                 # one line a person reads: build used, counts
    consequence_counts: dict | None = None     # ALT alleles by most severe SO consequence
    problem_lines: list | None = None          # the first [line number, reason] left out; the log has all
    annotation_mode: str = "all"               # anntools mode: "all" transcripts or "most_severe"
    archive_state: ArchiveState = ArchiveState.HOT
    results_file_archive_id: str | None = None

    def to_dict(self) -> dict:
        d = asdict(self)
        d["status"] = self.status.value
        d["archive_state"] = self.archive_state.value
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Job":
        d = dict(d)
        d["status"] = JobStatus(d["status"])
        d["archive_state"] = ArchiveState(d.get("archive_state") or "hot")
        if d.get("consequence_counts"):   # stores may hand numbers back as Decimal
            d["consequence_counts"] = {str(k): int(v) for k, v in d["consequence_counts"].items()}
        if d.get("problem_lines"):
            d["problem_lines"] = [[int(n), str(reason)] for n, reason in d["problem_lines"]]
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})


# What the researcher chooses at submission: anntools' modes, with the words the pages use.
ANNOTATION_MODES = {"all": "every transcript", "most_severe": "most severe per variant"}


def new_job_id() -> str:
    return str(uuid.uuid4())


def now() -> float:
    return time.time()


def object_key(prefix: str, user_id: str, job_id: str, file_name: str) -> str:
    """Keys follow `<prefix>/<user_id>/<job_id>~<file name>` so a listing groups by user."""
    return f"{prefix}/{user_id}/{job_id}~{file_name}"


class JobNotFound(Exception):
    """The job does not exist or is not the caller's: the two are never told apart."""


class UploadRejected(Exception):
    """The upload cannot become a job; the message says why and what to do."""
