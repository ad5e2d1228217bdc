"""Each port's contract runs against every adapter: that is what makes local and cloud interchangeable.

An adapter family is a fixture param; `adapter_factory` returns a small object
that makes fresh instances of each port for one test.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Callable

import pytest

from backend.ports import JobStore, ObjectStore, Queue, Topic


@dataclass
class AdapterFactory:
    name: str
    object_store: Callable[[], ObjectStore]
    job_store: Callable[[], JobStore]
    queue: Callable[..., Queue]                  # queue(visibility_timeout=, max_receives=)
    topic: Callable[[list[Queue]], Topic]        # a topic with these queues subscribed


def _local(tmp_path) -> AdapterFactory:
    from backend.adapters.local_jobstore import SqliteJobStore
    from backend.adapters.local_objectstore import LocalObjectStore
    from backend.adapters.local_queues import SqliteQueue, SqliteTopic

    queues_db = tmp_path / "queues.db"

    def topic(queues):
        t = SqliteTopic(queues_db, f"topic-{uuid.uuid4().hex[:8]}")
        for q in queues:
            t.subscribe(q)
        return t

    return AdapterFactory(
        name="local",
        object_store=lambda: LocalObjectStore(tmp_path / "objects", "bucket", "secret"),
        job_store=lambda: SqliteJobStore(tmp_path / "jobs.db"),
        queue=lambda visibility_timeout=2, max_receives=5: SqliteQueue(
            queues_db, f"q-{uuid.uuid4().hex[:8]}", visibility_timeout, max_receives),
        topic=topic,
    )


FAMILIES = {"local": _local}


@pytest.fixture(params=sorted(FAMILIES))
def adapters(request, tmp_path) -> AdapterFactory:
    return FAMILIES[request.param](tmp_path)
