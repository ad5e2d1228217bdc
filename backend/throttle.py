"""Login throttle: after too many failures for one email or one address, wait a while.

Kept in the users database so every web process sees the same count. The
address limit is much higher than the email limit: many people share one
address (a campus NAT, a proxy), and one of them mistyping must not lock out
the rest, while guessing across many accounts from one address is still stopped.
"""
from __future__ import annotations

import time

from sqlalchemy import Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.users import Base, UserStore

MAX_FAILURES = 5                 # per email
MAX_FAILURES_PER_ADDRESS = 50
WINDOW_SECONDS = 15 * 60


class LoginFailure(Base):
    __tablename__ = "login_failures"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[float] = mapped_column(Float)


class LoginThrottled(Exception):
    """Too many failed logins; the message says how long to wait."""


def _keys(email: str, address: str) -> list[str]:
    return [f"email:{email.strip().lower()}", f"addr:{address}"]


def check(users: UserStore, email: str, address: str, now: float | None = None) -> None:
    """Raise LoginThrottled if this email or address has failed too often lately."""
    now = now or time.time()
    with users.session() as s:
        for key, limit in zip(_keys(email, address), (MAX_FAILURES, MAX_FAILURES_PER_ADDRESS)):
            row = s.get(LoginFailure, key)
            if row and now - row.window_start < WINDOW_SECONDS and row.count >= limit:
                minutes = int((WINDOW_SECONDS - (now - row.window_start)) // 60) + 1
                raise LoginThrottled(f"Too many failed attempts. Try again in {minutes} minute{'s' if minutes > 1 else ''}.")


def record_failure(users: UserStore, email: str, address: str, now: float | None = None) -> None:
    now = now or time.time()
    with users.session() as s, s.begin():
        for key in _keys(email, address):
            row = s.get(LoginFailure, key)
            if row is None or now - row.window_start >= WINDOW_SECONDS:
                s.merge(LoginFailure(key=key, count=1, window_start=now))
            else:
                row.count += 1


def clear(users: UserStore, email: str) -> None:
    """A successful login forgives that email's failures."""
    with users.session() as s, s.begin():
        row = s.get(LoginFailure, _keys(email, "")[0])
        if row is not None:
            s.delete(row)
