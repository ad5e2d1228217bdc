"""One way to open the SQLite files the local adapters keep: WAL, a busy timeout.

WAL lets the web processes read while a worker writes; the timeout makes
concurrent writers from several processes wait instead of failing.
"""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def connect(path: Path, immediate: bool = False):
    """A connection in one transaction, committed on success, rolled back on error.

    `immediate` takes the write lock at the start, so a read-then-write (a lease,
    a conditional update) cannot interleave with another process's.
    """
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    finally:
        conn.close()


def init_wal(path: Path, schema: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=30)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.executescript(schema)
    finally:
        conn.close()
