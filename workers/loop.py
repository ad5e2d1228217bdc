"""The one poll loop every worker runs: receive, handle, delete only after the outcome is recorded.

While a handler runs, a heartbeat thread keeps extending the message's lease,
so a long job is not handed to a second worker; if this process dies, the
heartbeat stops and the message comes back after the visibility timeout.
First SIGTERM/SIGINT: finish the current message, then stop. Second: stop now,
leaving the message to come back.
"""
from __future__ import annotations

import logging
import signal
import threading
from contextlib import contextmanager
from typing import Callable

from backend.ports import Message, Queue

log = logging.getLogger("gas.worker")


class Stopping:
    def __init__(self) -> None:
        self.requested = threading.Event()

    def install(self) -> None:
        def handle(signum, frame):
            if self.requested.is_set():
                raise SystemExit(128 + signum)
            self.requested.set()
            log.info("stop requested; finishing the current message (signal again to stop now)")
        signal.signal(signal.SIGTERM, handle)
        signal.signal(signal.SIGINT, handle)


@contextmanager
def heartbeat(queue: Queue, message: Message, lease_seconds: int):
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(max(1.0, lease_seconds / 3)):
            try:
                queue.extend(message, lease_seconds)
            except Exception:   # a missed beat only risks a duplicate run, which is harmless
                log.exception("could not extend the lease of %s", message.message_id)

    thread = threading.Thread(target=beat, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def run(name: str, queue: Queue, handler: Callable[[Message], None], *, lease_seconds: int,
        wait_seconds: float = 2.0, stopping: Stopping | None = None, max_messages: int | None = None) -> int:
    """Poll `queue` and give each message to `handler` until asked to stop; returns messages handled."""
    stopping = stopping or Stopping()
    handled = 0
    log.info("%s: polling %s", name, queue.name)
    while not stopping.requested.is_set():
        if max_messages is not None and handled >= max_messages:
            break
        for message in queue.receive(1, wait_seconds=wait_seconds):
            try:
                with heartbeat(queue, message, lease_seconds):
                    handler(message)
            except Exception:
                log.exception("%s: message %s failed (try %d); it will come back",
                              name, message.message_id, message.receive_count)
            else:
                queue.delete(message)
            handled += 1
    log.info("%s: stopped", name)
    return handled
