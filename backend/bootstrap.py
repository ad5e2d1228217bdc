"""The composition root: the one place that chooses local or cloud adapters.

Nothing connects at import time: `build(settings)` makes the adapters when asked.
"""
from __future__ import annotations

from dataclasses import dataclass

from backend.config import Settings
from backend.ports import Billing, Bus, ColdArchive, JobStore, Mailer, ObjectStore
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
    archive: ColdArchive
    billing: Billing
    globus: object | None = None     # GlobusLogin when GAS_CLIENT_ID/GAS_CLIENT_SECRET are set


def build(settings: Settings) -> Services:
    if settings.backend == "local":
        return _build_local(settings)
    if settings.backend == "aws":
        from backend.adapters.aws_bootstrap import build_aws   # boto3 only when asked for
        return build_aws(settings)
    raise ValueError(f"GAS_BACKEND must be 'local' or 'aws', not {settings.backend!r}")


def _build_local(settings: Settings) -> Services:
    from backend.adapters.local_archive import FolderArchive
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
    restore_requests = SqliteTopic(queues_db, "restore-requests")
    annotator, notifier, archiver, restorer = (queue(n) for n in ("annotator", "notifier", "archiver", "restorer"))
    job_requests.subscribe(annotator)
    job_results.subscribe(notifier)
    job_results.subscribe(archiver)
    restore_requests.subscribe(restorer)
    results = LocalObjectStore(data / "objects", RESULTS_BUCKET, settings.secret_key)
    return Services(
        settings=settings,
        inputs=LocalObjectStore(data / "objects", INPUTS_BUCKET, settings.secret_key),
        results=results,
        jobs=SqliteJobStore(data / "jobs.db"),
        bus=Bus(job_requests=job_requests, job_results=job_results, annotator_queue=annotator, notifier_queue=notifier,
                extra_queues={"archiver": archiver, "restorer": restorer}, restore_requests=restore_requests),
        mailer=OutboxMailer(data / "outbox", settings.mail_from),
        users=UserStore(settings.users_database_url),
        archive=FolderArchive(data / "archive", results, settings.archive_thaw_seconds),
        billing=build_billing(settings),
        globus=build_globus(settings),
    )


def build_billing(settings: Settings) -> Billing:
    """Stripe when its secret key is set, demo billing (no network) otherwise; the same for every backend."""
    if settings.stripe_secret_key:
        from backend.adapters.stripe_billing import StripeBilling
        return StripeBilling(settings)
    from backend.adapters.demo_billing import DemoBilling
    import hashlib
    return DemoBilling(hashlib.sha256(f"demo-webhook:{settings.secret_key}".encode()).hexdigest())


def build_globus(settings: Settings):
    """Globus Auth login when the app is registered with Globus; None leaves local accounts only."""
    if not (settings.globus_client_id and settings.globus_client_secret):
        return None
    from backend.adapters.globus_identity import GlobusLogin
    return GlobusLogin(settings.globus_client_id, settings.globus_client_secret)
