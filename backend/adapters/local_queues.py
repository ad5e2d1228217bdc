"""Topics and queues in one SQLite file, safe for many processes at once.

SQS semantics, kept small: a received message is leased (invisible) for the
visibility timeout and comes back unless deleted; a message received more than
`max_receives` times moves to the queue's dead-letter queue (`<name>-dlq`)
instead of being handed out again; `delay_seconds` holds a message back.
A topic copies each published message into every queue subscribed to it.
"""
from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

from backend.adapters.sqlite_util import connect, init_wal
from backend.ports import Message, Queue, Topic

SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    message_id TEXT PRIMARY KEY,
    queue TEXT NOT NULL,
    body TEXT NOT NULL,
    visible_at REAL NOT NULL,
    receive_count INTEGER NOT NULL DEFAULT 0,
    receipt TEXT,
    sent_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_ready ON messages (queue, visible_at);
CREATE TABLE IF NOT EXISTS subscriptions (
    topic TEXT NOT NULL,
    queue TEXT NOT NULL,
    PRIMARY KEY (topic, queue)
);
"""

POLL_INTERVAL = 0.2


class SqliteQueue(Queue):
    def __init__(self, path: Path, name: str, visibility_timeout: int = 120, max_receives: int = 5):
        self.path = Path(path)
        self.name = name
        self.visibility_timeout = visibility_timeout
        self.max_receives = max_receives
        init_wal(self.path, SCHEMA)

    @property
    def dead_letter_name(self) -> str:
        return f"{self.name}-dlq"

    def send(self, body: dict, delay_seconds: int = 0) -> str:
        with connect(self.path, immediate=True) as db:
            return _insert(db, self.name, body, delay_seconds)

    def receive(self, max_messages: int = 1, wait_seconds: float = 0) -> list[Message]:
        deadline = time.monotonic() + wait_seconds
        while True:
            leased = self._lease(max_messages)
            if leased or time.monotonic() >= deadline:
                return leased
            time.sleep(min(POLL_INTERVAL, max(0.0, deadline - time.monotonic())))

    def _lease(self, max_messages: int) -> list[Message]:
        now = time.time()
        leased: list[Message] = []
        with connect(self.path, immediate=True) as db:
            rows = db.execute(
                "SELECT message_id, body, receive_count FROM messages "
                "WHERE queue = ? AND visible_at <= ? ORDER BY visible_at, sent_at LIMIT ?",
                (self.name, now, max_messages * 2 + 5),
            ).fetchall()
            for row in rows:
                if len(leased) == max_messages:
                    break
                if row["receive_count"] >= self.max_receives:
                    # Received often enough without being deleted: park it for a person.
                    db.execute(
                        "UPDATE messages SET queue = ?, receive_count = 0, receipt = NULL, visible_at = ? "
                        "WHERE message_id = ?",
                        (self.dead_letter_name, now, row["message_id"]),
                    )
                    continue
                receipt = uuid.uuid4().hex
                db.execute(
                    "UPDATE messages SET receive_count = receive_count + 1, receipt = ?, visible_at = ? "
                    "WHERE message_id = ?",
                    (receipt, now + self.visibility_timeout, row["message_id"]),
                )
                leased.append(Message(json.loads(row["body"]), row["message_id"], receipt, row["receive_count"] + 1))
        return leased

    def delete(self, message: Message) -> None:
        # The receipt must match: a worker whose lease ran out cannot delete
        # the message out from under the worker that holds it now.
        with connect(self.path, immediate=True) as db:
            db.execute("DELETE FROM messages WHERE message_id = ? AND receipt = ?", (message.message_id, message.receipt))

    def extend(self, message: Message, seconds: int) -> None:
        with connect(self.path, immediate=True) as db:
            db.execute(
                "UPDATE messages SET visible_at = ? WHERE message_id = ? AND receipt = ?",
                (time.time() + seconds, message.message_id, message.receipt),
            )

    def depth(self) -> int:
        with connect(self.path) as db:
            (count,) = db.execute(
                "SELECT COUNT(*) FROM messages WHERE queue = ? AND NOT (receive_count > 0 AND visible_at > ?)",
                (self.name, time.time()),
            ).fetchone()
        return count

    def dead_letters(self) -> list[dict]:
        """The bodies parked in this queue's dead-letter queue, oldest first."""
        with connect(self.path) as db:
            rows = db.execute("SELECT body FROM messages WHERE queue = ? ORDER BY sent_at", (self.dead_letter_name,)).fetchall()
        return [json.loads(r["body"]) for r in rows]


class SqliteTopic(Topic):
    def __init__(self, path: Path, name: str):
        self.path = Path(path)
        self.name = name
        init_wal(self.path, SCHEMA)

    def subscribe(self, queue: SqliteQueue) -> None:
        with connect(self.path, immediate=True) as db:
            db.execute("INSERT OR IGNORE INTO subscriptions (topic, queue) VALUES (?, ?)", (self.name, queue.name))

    def publish(self, body: dict) -> None:
        with connect(self.path, immediate=True) as db:
            queues = [r["queue"] for r in db.execute("SELECT queue FROM subscriptions WHERE topic = ?", (self.name,))]
            for queue in queues:
                _insert(db, queue, body, 0)


def _insert(db, queue: str, body: dict, delay_seconds: int) -> str:
    message_id = uuid.uuid4().hex
    now = time.time()
    db.execute(
        "INSERT INTO messages (message_id, queue, body, visible_at, sent_at) VALUES (?, ?, ?, ?, ?)",
        (message_id, queue, json.dumps(body), now + delay_seconds, now),
    )
    return message_id
