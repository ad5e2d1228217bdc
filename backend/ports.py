"""The ports: one small interface per outside system.

The service layer and the workers see only these. Each has a local adapter
(backend/adapters/local_*.py, the embedded default) and a cloud adapter
(backend/adapters/aws_*.py); backend/bootstrap.py is the one place that picks.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from backend.domain import Job, JobStatus


@dataclass
class UploadForm:
    """What the browser needs to POST a file straight to the store (S3 presigned POST shape)."""
    url: str
    fields: dict[str, str]
    file_field: str = "file"


class ObjectStore(ABC):
    """A bucket of immutable objects addressed by key."""

    @abstractmethod
    def put_file(self, key: str, path: str) -> None:
        """Store the local file at `path` under `key`, streaming it."""

    @abstractmethod
    def put_bytes(self, key: str, data: bytes) -> None:
        """Store a small payload under `key`."""

    @abstractmethod
    def get_to_file(self, key: str, path: str) -> None:
        """Copy the object to the local file `path`, streaming it. KeyError if absent."""

    @abstractmethod
    def read_bytes(self, key: str, max_bytes: int | None = None) -> bytes:
        """The object's content (at most `max_bytes` of it). KeyError if absent."""

    @abstractmethod
    def iter_lines(self, key: str) -> Iterator[bytes]:
        """The object's lines (ends kept), streamed: memory stays flat. KeyError if absent,
        raised on the first next()."""

    @abstractmethod
    def exists(self, key: str) -> bool:
        """Whether an object is stored under `key`."""

    @abstractmethod
    def size(self, key: str) -> int:
        """The object's size in bytes. KeyError if absent."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the object; removing an absent one is not an error."""

    @abstractmethod
    def upload_form(self, key: str, max_bytes: int | None, expires_in: int) -> UploadForm:
        """A signed form that lets a browser POST one file to `key` before it expires.

        When `max_bytes` is given, a larger body is refused by the store itself.
        """

    @abstractmethod
    def download_url(self, key: str, file_name: str, expires_in: int) -> str:
        """A signed link that downloads the object as `file_name` until it expires."""


class JobStore(ABC):
    """Annotation jobs, listed per user newest first."""

    @abstractmethod
    def create(self, job: Job) -> None:
        """Record a new job. ValueError if the id is taken."""

    @abstractmethod
    def get(self, job_id: str) -> Job | None:
        """The job, or None."""

    @abstractmethod
    def list_for_user(self, user_id: str, limit: int = 100, cursor: str | None = None) -> tuple[list[Job], str | None]:
        """One page of a user's jobs, newest first, and the cursor of the next page (None at the end)."""

    @abstractmethod
    def transition(self, job_id: str, expected: JobStatus, new: JobStatus, **changes) -> bool:
        """Move the job from `expected` to `new` (with `changes`) only if it is in `expected`.

        Returns False, changing nothing, when it is not: this is what makes a
        second delivery of the same request harmless.
        """

    @abstractmethod
    def update_if(self, job_id: str, field: str, expected, **changes) -> bool:
        """Set `changes` only if the job's `field` equals `expected` (archive state moves)."""

    @abstractmethod
    def update(self, job_id: str, **changes) -> None:
        """Set fields of an existing job unconditionally (progress, archive state)."""


@dataclass
class Message:
    body: dict
    message_id: str
    receipt: str
    receive_count: int = 1


class Queue(ABC):
    """A queue with visibility timeout, delayed delivery and a dead-letter queue."""

    name: str

    @abstractmethod
    def send(self, body: dict, delay_seconds: int = 0) -> str:
        """Enqueue a message; it becomes visible after `delay_seconds`. Returns its id."""

    @abstractmethod
    def receive(self, max_messages: int = 1, wait_seconds: float = 0) -> list[Message]:
        """Lease up to `max_messages` visible messages for the visibility timeout.

        Waits up to `wait_seconds` for one to arrive. A message received more than
        the queue's maximum number of times goes to the dead-letter queue instead.
        """

    @abstractmethod
    def delete(self, message: Message) -> None:
        """Acknowledge: the message is done and never comes back."""

    @abstractmethod
    def extend(self, message: Message, seconds: int) -> None:
        """Keep the lease for `seconds` more from now (a heartbeat for long work)."""

    @abstractmethod
    def depth(self) -> int:
        """About how many messages wait (visible or delayed, not leased)."""

    @abstractmethod
    def dead_letters(self) -> list[dict]:
        """The bodies parked in this queue's dead-letter queue (for an operator to look at)."""


class Topic(ABC):
    """Fans a message out to every queue subscribed to it."""

    @abstractmethod
    def publish(self, body: dict) -> None:
        """Deliver `body` to each subscribed queue."""


class ColdArchive(ABC):
    """Cheap slow storage for results a Free user may no longer download; bound to the results store."""

    # How often the restorer looks at a started retrieval: Glacier takes minutes to hours.
    restore_check_seconds: float = 60

    @abstractmethod
    def archive(self, key: str) -> str:
        """Copy the hot object `key` into the archive and return its archive id.

        The hot copy is left in place: the caller deletes it only once this returned.
        """

    @abstractmethod
    def start_restore(self, archive_id: str) -> str:
        """Ask for the archived object back; returns the retrieval tier granted ("Expedited" or "Standard")."""

    @abstractmethod
    def restore_ready(self, archive_id: str) -> bool:
        """Whether a started retrieval has finished and the object can be copied back."""

    @abstractmethod
    def copy_back(self, archive_id: str, key: str) -> None:
        """Write the retrieved object to the hot store under `key` and drop it from the archive."""


@dataclass
class Subscription:
    customer_id: str
    subscription_id: str
    status: str          # Stripe's words: "active", "incomplete", "past_due", "canceled", ...

    @property
    def paid(self) -> bool:
        return self.status in ("active", "trialing")


class CardDeclined(Exception):
    """The card was refused; the message says why in plain words."""


class WebhookRejected(Exception):
    """A webhook whose signature does not check out."""


class Billing(ABC):
    """Takes payment for the weekly Premium subscription."""

    demo: bool = False
    publishable_key: str | None = None

    @abstractmethod
    def subscribe(self, email: str, user_id: str, payment: dict) -> Subscription:
        """Create a customer and subscribe them to Premium; CardDeclined if the card is refused.

        `payment` is {"payment_method": "pm_..."} from Stripe Elements, or for demo
        billing {"card_number", "exp_month", "exp_year", "cvc"}.
        """

    @abstractmethod
    def cancel(self, subscription_id: str) -> None:
        """End the subscription now."""

    @abstractmethod
    def verify_webhook(self, payload: bytes, signature: str) -> dict:
        """The event ({"id", "type", "data": {"object": ...}}) if signed by the provider; else WebhookRejected."""


class Mailer(ABC):
    """Sends a message to one person."""

    @abstractmethod
    def send(self, to: str, subject: str, text: str, html: str | None = None) -> None:
        """Send, or raise; a mail that could not be sent must not pass silently."""


@dataclass
class Bus:
    """The topics and the queues subscribed to them, by role in the job lifecycle."""
    job_requests: Topic
    job_results: Topic
    annotator_queue: Queue
    notifier_queue: Queue
    extra_queues: dict[str, Queue] = field(default_factory=dict)   # "archiver", "restorer"
    restore_requests: Topic | None = None

    def queues(self) -> Iterable[Queue]:
        yield self.annotator_queue
        yield self.notifier_queue
        yield from self.extra_queues.values()
