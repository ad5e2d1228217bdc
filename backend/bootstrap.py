"""The composition root: the one place that chooses local or cloud adapters.

Nothing connects at import time: `build(settings)` makes the adapters when asked.
"""
from __future__ import annotations

from dataclasses import dataclass

from backend.config import Settings
from backend.ports import Bus, JobStore, Mailer, ObjectStore
from backend.users import UserStore

INPUTS_BUCKET = "gas-inputs"
RESULTS_BUCKET = "gas-results"


@dataclass
class Services:
    """Everything the service layer needs, built once per process."""
    settings: Settings
    inputs: ObjectStore
    results: ObjectStore
    jobs: JobStore
    bus: Bus
    mailer: Mailer
    users: UserStore


def build(settings: Settings) -> Services:
    if settings.backend == "local":
        return _build_local(settings)
    if settings.backend == "aws":
        from backend.adapters.aws_bootstrap import build_aws   # boto3 only when asked for
        return build_aws(settings)
    raise ValueError(f"GAS_BACKEND must be 'local' or 'aws', not {settings.backend!r}")


def _build_local(settings: Settings) -> Services:
    from backend.adapters.local_jobstore import SqliteJobStore
    from backend.adapters.local_mail import OutboxMailer
    from backend.adapters.local_objectstore import LocalObjectStore
    from backend.adapters.local_queues import SqliteQueue, SqliteTopic

    data = settings.data_dir
    data.mkdir(parents=True, exist_ok=True)
    queues_db = data / "queues.db"

    def queue(name: str) -> SqliteQueue:
        return SqliteQueue(queues_db, name, settings.queue_visibility_timeout, settings.queue_max_receives)

    job_requests, job_results = SqliteTopic(queues_db, "job-requests"), SqliteTopic(queues_db, "job-results")
    annotator, notifier = queue("annotator"), queue("notifier")
    job_requests.subscribe(annotator)
    job_results.subscribe(notifier)
    return Services(
        settings=settings,
        inputs=LocalObjectStore(data / "objects", INPUTS_BUCKET, settings.secret_key),
        results=LocalObjectStore(data / "objects", RESULTS_BUCKET, settings.secret_key),
        jobs=SqliteJobStore(data / "jobs.db"),
        bus=Bus(job_requests=job_requests, job_results=job_results, annotator_queue=annotator, notifier_queue=notifier),
        mailer=OutboxMailer(data / "outbox", settings.mail_from),
        users=UserStore(settings.users_database_url),
    )
