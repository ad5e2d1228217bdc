"""Topics and queues on SNS and SQS: raw delivery, long polling, redrive to `<name>-dlq`.

The queue's visibility timeout and maximum receive count are attributes of the
SQS queue itself (set by create-resources); SQS moves a message received too
often to the dead-letter queue on its own.
"""
from __future__ import annotations

import json
import logging
import math
import threading

from botocore.exceptions import ClientError

from backend.adapters.aws_resources import dead_letter_name, error_code, topic_arn
from backend.ports import Message, Queue, Topic

log = logging.getLogger("gas.sqs")
MAX_WAIT = 20                   # SQS's longest long poll
MAX_BATCH = 10                  # SQS's most messages per receive
STALE_RECEIPT = {"ReceiptHandleIsInvalid", "InvalidParameterValue", "MessageNotInflight",
                 "AWS.SimpleQueueService.MessageNotInflight"}


class SqsQueue(Queue):
    def __init__(self, sqs, name: str, url: str | None = None, dead_letter_url: str | None = None):
        self.sqs = sqs
        self.name = name
        self._url = url
        self._dlq_url = dead_letter_url
        self._lock = threading.Lock()     # the heartbeat thread shares this object

    @property
    def url(self) -> str:
        with self._lock:
            if self._url is None:
                self._url = self.sqs.get_queue_url(QueueName=self.name)["QueueUrl"]
            return self._url

    @property
    def dead_letter_url(self) -> str:
        with self._lock:
            if self._dlq_url is None:
                self._dlq_url = self.sqs.get_queue_url(QueueName=dead_letter_name(self.name))["QueueUrl"]
            return self._dlq_url

    def send(self, body: dict, delay_seconds: int = 0) -> str:
        return self.sqs.send_message(QueueUrl=self.url, MessageBody=json.dumps(body),
                                     DelaySeconds=int(delay_seconds))["MessageId"]

    def receive(self, max_messages: int = 1, wait_seconds: float = 0) -> list[Message]:
        resp = self.sqs.receive_message(
            QueueUrl=self.url,
            MaxNumberOfMessages=max(1, min(MAX_BATCH, int(max_messages))),
            # Whole seconds only; rounding up never returns before the caller's wait.
            WaitTimeSeconds=max(0, min(MAX_WAIT, math.ceil(wait_seconds))),
            MessageSystemAttributeNames=["ApproximateReceiveCount"],
        )
        return [
            Message(body=json.loads(m["Body"]), message_id=m["MessageId"], receipt=m["ReceiptHandle"],
                    receive_count=int(m.get("Attributes", {}).get("ApproximateReceiveCount", 1)))
            for m in resp.get("Messages", [])
        ]

    def delete(self, message: Message) -> None:
        try:
            self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message.receipt)
        except ClientError as exc:
            if error_code(exc) not in STALE_RECEIPT:
                raise
            log.warning("%s: message %s was leased again elsewhere; not deleted here", self.name, message.message_id)

    def extend(self, message: Message, seconds: int) -> None:
        try:
            self.sqs.change_message_visibility(QueueUrl=self.url, ReceiptHandle=message.receipt,
                                               VisibilityTimeout=int(seconds))
        except ClientError as exc:
            if error_code(exc) not in STALE_RECEIPT:
                raise
            log.warning("%s: the lease on message %s had already run out", self.name, message.message_id)

    def depth(self) -> int:
        attrs = self.sqs.get_queue_attributes(
            QueueUrl=self.url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesDelayed"],
        )["Attributes"]
        return int(attrs.get("ApproximateNumberOfMessages", 0)) + int(attrs.get("ApproximateNumberOfMessagesDelayed", 0))

    def dead_letters(self, limit: int = 100) -> list[dict]:
        """The bodies in the dead-letter queue, oldest first, left there for the next look.

        SQS has no peek: each message is received with a short lease, and every
        lease is handed back (visibility 0) once all have been seen.
        """
        seen: dict[str, tuple[int, dict]] = {}
        receipts: list[str] = []
        try:
            while len(seen) < limit:
                resp = self.sqs.receive_message(
                    QueueUrl=self.dead_letter_url, MaxNumberOfMessages=MAX_BATCH, WaitTimeSeconds=1,
                    VisibilityTimeout=30, MessageSystemAttributeNames=["SentTimestamp"])
                batch = resp.get("Messages", [])
                if not batch:
                    break
                for m in batch:
                    receipts.append(m["ReceiptHandle"])
                    seen[m["MessageId"]] = (int(m.get("Attributes", {}).get("SentTimestamp", 0)), json.loads(m["Body"]))
        finally:
            for receipt in receipts:
                try:
                    self.sqs.change_message_visibility(QueueUrl=self.dead_letter_url, ReceiptHandle=receipt,
                                                       VisibilityTimeout=0)
                except ClientError as exc:
                    log.warning("%s: could not hand back a dead letter: %s", self.name, exc)
        return [body for _, body in sorted(seen.values(), key=lambda sb: sb[0])]


class SnsTopic(Topic):
    """A topic by name; its ARN is worked out on first use (or given, if known)."""

    def __init__(self, sns, name: str, arn: str | None = None, sts=None):
        self.sns = sns
        self.name = name
        self._arn = arn or (name if name.startswith("arn:") else None)
        self._sts = sts
        self._lock = threading.Lock()

    @property
    def arn(self) -> str:
        with self._lock:
            if self._arn is None:
                self._arn = topic_arn(self._sts, self.sns.meta.region_name, self.name)
            return self._arn

    def publish(self, body: dict) -> None:
        self.sns.publish(TopicArn=self.arn, Message=json.dumps(body))
