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


def _aws(tmp_path, aws_clients) -> AdapterFactory:
    # Real boto3 over HTTP to moto on 127.0.0.1; every test gets resources of its own.
    from backend.adapters import aws_resources as res
    from backend.adapters.aws_jobstore import DynamoDBJobStore
    from backend.adapters.aws_objectstore import S3ObjectStore
    from backend.adapters.aws_queues import SnsTopic, SqsQueue
    from tests.aws.moto_peer import unique

    s3, ddb, sqs, sns = aws_clients

    def object_store():
        bucket = unique("bucket")
        res.ensure_bucket(s3, bucket)
        return S3ObjectStore(s3, bucket)

    def job_store():
        table = unique("jobs")
        res.ensure_table(ddb, table)
        return DynamoDBJobStore(ddb, table)

    def queue(visibility_timeout=2, max_receives=5):
        name = unique("q")
        url, dlq_url = res.ensure_queue(sqs, name, visibility_timeout, max_receives)
        return SqsQueue(sqs, name, url, dlq_url)

    def topic(queues):
        arn = res.ensure_topic(sns, unique("topic"))
        for q in queues:
            res.subscribe(sns, sqs, [arn], q.url)
        return SnsTopic(sns, arn.rsplit(":", 1)[-1], arn=arn)

    return AdapterFactory(name="aws", object_store=object_store, job_store=job_store, queue=queue, topic=topic)


FAMILIES = {"local": _local, "aws": _aws}


@pytest.fixture(scope="session")
def aws_clients():
    """moto on 127.0.0.1, boto3 pointed at it for the whole run, and one client per service."""
    from backend.adapters.aws_resources import clients
    from tests.aws.moto_peer import apply_env
    with pytest.MonkeyPatch.context() as mp:
        apply_env(mp)
        yield clients(None, "s3", "dynamodb", "sqs", "sns")


@pytest.fixture(params=sorted(FAMILIES))
def adapters(request, tmp_path) -> AdapterFactory:
    if request.param == "aws":
        return _aws(tmp_path, request.getfixturevalue("aws_clients"))
    return FAMILIES[request.param](tmp_path)
