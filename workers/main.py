"""Start one worker by name: `python -m workers.main annotator|notifier`."""
from __future__ import annotations

import argparse
import logging

from backend.bootstrap import build
from backend.config import load_settings
from backend import archiving, processing
from workers import loop

WORKERS = {
    # name: (queue on the bus, handler)
    "annotator": (lambda bus: bus.annotator_queue, processing.annotate_job),
    "notifier": (lambda bus: bus.notifier_queue, processing.notify_job_finished),
    "archiver": (lambda bus: bus.extra_queues["archiver"], archiving.archive_when_due),
    "restorer": (lambda bus: bus.extra_queues["restorer"], archiving.restore_for_user),
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("worker", choices=sorted(WORKERS))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format=f"%(asctime)s {args.worker}[%(process)d] %(levelname)s %(message)s")
    settings = load_settings()
    svc = build(settings)
    queue_of, handler = WORKERS[args.worker]
    stopping = loop.Stopping()
    stopping.install()
    loop.run(args.worker, queue_of(svc.bus), lambda m: handler(svc, m),
             lease_seconds=settings.queue_visibility_timeout, wait_seconds=settings.poll_wait_seconds,
             stopping=stopping)


if __name__ == "__main__":
    main()
