"""Personal API tokens for scripts: created and revoked by their owner, stored only as a hash.

The token is shown once at creation; the database keeps its SHA-256, so a
leaked database does not leak working tokens.
"""
from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import DateTime, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from backend.users import Base, User, UserStore

TOKEN_PREFIX = "gas_"


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=lambda: datetime.now(timezone.utc))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


@dataclass
class TokenInfo:
    id: str
    name: str
    created_at: datetime
    last_used_at: datetime | None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(users: UserStore, user_id: str, name: str) -> str:
    """A new token for the user; the only time its value is known."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with users.session() as s, s.begin():
        s.add(ApiToken(user_id=user_id, name=(name or "token").strip()[:100], token_hash=_hash(token)))
    return token


def list_tokens(users: UserStore, user_id: str) -> list[TokenInfo]:
    with users.session() as s:
        rows = s.scalars(select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
                         .order_by(ApiToken.created_at.desc())).all()
    return [TokenInfo(r.id, r.name, r.created_at, r.last_used_at) for r in rows]


def revoke_token(users: UserStore, user_id: str, token_id: str) -> bool:
    """Revoke one of the user's own tokens; False if it is not theirs or already revoked."""
    with users.session() as s, s.begin():
        row = s.get(ApiToken, token_id)
        if row is None or row.user_id != user_id or row.revoked_at is not None:
            return False
        row.revoked_at = datetime.now(timezone.utc)
    return True


def user_for_token(users: UserStore, token: str) -> User | None:
    """The owner of a live token, or None."""
    if not token or not token.startswith(TOKEN_PREFIX):
        return None
    with users.session() as s, s.begin():
        row = s.scalars(select(ApiToken).where(ApiToken.token_hash == _hash(token))).first()
        if row is None or row.revoked_at is not None:
            return None
        row.last_used_at = datetime.now(timezone.utc)
        user_id = row.user_id
    return users.get(user_id)
