"""Job store in SQLite: one row per job, an index on (user_id, submit_time)."""
from __future__ import annotations

import json
from pathlib import Path

from backend.adapters.sqlite_util import connect, init_wal
from backend.domain import Job
from backend.ports import JobStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    job_id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    submit_time REAL NOT NULL,
    status TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_by_user ON jobs (user_id, submit_time DESC);
"""


class SqliteJobStore(JobStore):
    def __init__(self, path: Path):
        self.path = Path(path)
        init_wal(self.path, SCHEMA)

    def create(self, job: Job) -> None:
        with connect(self.path, immediate=True) as db:
            if db.execute("SELECT 1 FROM jobs WHERE job_id = ?", (job.job_id,)).fetchone():
                raise ValueError(f"job {job.job_id} exists")
            db.execute(
                "INSERT INTO jobs (job_id, user_id, submit_time, status, doc) VALUES (?, ?, ?, ?, ?)",
                (job.job_id, job.user_id, job.submit_time, job.status.value, json.dumps(job.to_dict())),
            )

    def get(self, job_id: str) -> Job | None:
        with connect(self.path) as db:
            row = db.execute("SELECT doc FROM jobs WHERE job_id = ?", (job_id,)).fetchone()
        return Job.from_dict(json.loads(row["doc"])) if row else None

    def list_for_user(self, user_id, limit=100, cursor=None):
        # The cursor is "submit_time|job_id" of the last row returned: stable under inserts.
        sql = "SELECT doc, submit_time, job_id FROM jobs WHERE user_id = ?"
        args: list = [user_id]
        if cursor:
            t, jid = cursor.split("|", 1)
            sql += " AND (submit_time < ? OR (submit_time = ? AND job_id < ?))"
            args += [float(t), float(t), jid]
        sql += " ORDER BY submit_time DESC, job_id DESC LIMIT ?"
        args.append(limit + 1)
        with connect(self.path) as db:
            rows = db.execute(sql, args).fetchall()
        jobs = [Job.from_dict(json.loads(r["doc"])) for r in rows[:limit]]
        next_cursor = None
        if len(rows) > limit:
            last = rows[limit - 1]
            next_cursor = f"{last['submit_time']!r}|{last['job_id']}"
        return jobs, next_cursor

    def _apply(self, db, job_id: str, changes: dict, condition: tuple[str, object] | None) -> bool:
        row = db.execute("SELECT doc FROM jobs WHERE job_id = ?", (job_id,)).fetchone()
        if row is None:
            if condition is None:
                raise KeyError(job_id)
            return False
        doc = Job.from_dict(json.loads(row["doc"])).to_dict()
        if condition is not None:
            field, expected = condition
            if doc.get(field) != (expected.value if hasattr(expected, "value") else expected):
                return False
        for name, value in changes.items():
            if name not in doc:
                raise AttributeError(f"jobs have no field {name!r}")
            doc[name] = value.value if hasattr(value, "value") else value
        db.execute("UPDATE jobs SET status = ?, doc = ? WHERE job_id = ?", (doc["status"], json.dumps(doc), job_id))
        return True

    def transition(self, job_id, expected, new, **changes) -> bool:
        with connect(self.path, immediate=True) as db:
            return self._apply(db, job_id, {**changes, "status": new}, ("status", expected))

    def update_if(self, job_id, field, expected, **changes) -> bool:
        with connect(self.path, immediate=True) as db:
            return self._apply(db, job_id, changes, (field, expected))

    def update(self, job_id, **changes) -> None:
        with connect(self.path, immediate=True) as db:
            self._apply(db, job_id, changes, None)
