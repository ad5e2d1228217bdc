"""Users: the SQLAlchemy model and the store that the service layer calls.

The same code runs on SQLite (embedded default) and PostgreSQL (DATABASE_URL);
the schema is owned by the Alembic migrations in backend/migrations.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, DateTime, Integer, String, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

from backend.domain import Role

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    email: Mapped[str] = mapped_column(String(320), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    role: Mapped[str] = mapped_column(String(20), default=Role.FREE.value)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=lambda: datetime.now(timezone.utc))
    stripe_customer_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    stripe_subscription_id: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    globus_sub: Mapped[str | None] = mapped_column(String(100), nullable=True, unique=True, index=True)
    institution: Mapped[str | None] = mapped_column(String(300), nullable=True)
    # Sessions are signed cookies; naming the epoch in them lets a logout end
    # every copy of the cookie, not just the one in this browser.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)

    # Flask-Login reads these four.
    is_active = True
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        return f"{self.id}.{self.session_epoch or 0}"

    @property
    def is_premium(self) -> bool:
        return self.role == Role.PREMIUM.value


class BillingEvent(Base):
    """A webhook event already acted on: Stripe may deliver one more than once."""
    __tablename__ = "billing_events"

    event_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=lambda: datetime.now(timezone.utc))


class RegistrationError(Exception):
    """The account cannot be created; the message says what to change."""


class UserStore:
    def __init__(self, database_url: str):
        self.engine = create_engine(database_url, pool_pre_ping=True, future=True)
        # Public: tokens, the login throttle and admin stats keep their tables in this database too.
        self.session = sessionmaker(self.engine, expire_on_commit=False)

    def get(self, user_id: str) -> User | None:
        with self.session() as s:
            return s.get(User, user_id)

    def get_by_session_id(self, session_id: str) -> User | None:
        """The user a login session names (User.get_id()), if that session has not been ended."""
        user_id, _, epoch = (session_id or "").partition(".")
        user = self.get(user_id)
        if user is None or str(user.session_epoch or 0) != epoch:
            return None
        return user

    def end_sessions(self, user_id: str) -> None:
        """Log the user out everywhere: every session cookie issued so far stops working."""
        with self.session() as s, s.begin():
            user = s.get(User, user_id)
            if user is not None:
                user.session_epoch = (user.session_epoch or 0) + 1

    def get_by_email(self, email: str) -> User | None:
        with self.session() as s:
            return s.scalars(select(User).where(User.email == normalize_email(email))).first()

    def register(self, email: str, name: str, password: str) -> User:
        email = normalize_email(email)
        if "@" not in email or "." not in email.split("@")[-1]:
            raise RegistrationError("Enter an email address such as ada@example.org.")
        if not name.strip():
            raise RegistrationError("Enter your name.")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise RegistrationError(f"Choose a password of at least {MIN_PASSWORD_LENGTH} characters.")
        with self.session() as s, s.begin():
            if s.scalars(select(User).where(User.email == email)).first():
                raise RegistrationError("An account with this email exists already; log in instead.")
            user = User(email=email, name=name.strip(), password_hash=_hasher.hash(password))
            s.add(user)
        return user

    def authenticate(self, email: str, password: str) -> User | None:
        """The user if the password is right; None for a wrong password and an unknown email alike."""
        user = self.get_by_email(email)
        if user is None or not user.password_hash:
            _hasher.hash(password)   # spend the same time, so timing does not tell which
            return None
        try:
            _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        return user

    def set_role(self, user_id: str, role: Role) -> None:
        with self.session() as s, s.begin():
            s.get(User, user_id).role = role.value

    def set_subscription(self, user_id: str, customer_id: str | None, subscription_id: str | None) -> None:
        with self.session() as s, s.begin():
            user = s.get(User, user_id)
            user.stripe_customer_id = customer_id or user.stripe_customer_id
            user.stripe_subscription_id = subscription_id

    def get_by_subscription(self, subscription_id: str) -> User | None:
        with self.session() as s:
            return s.scalars(select(User).where(User.stripe_subscription_id == subscription_id)).first()

    def get_by_customer(self, customer_id: str) -> User | None:
        with self.session() as s:
            return s.scalars(select(User).where(User.stripe_customer_id == customer_id)).first()

    def record_event(self, event_id: str, event_type: str) -> bool:
        """Remember a webhook event; False if it was seen before (so it is acted on once)."""
        from sqlalchemy.exc import IntegrityError
        try:
            with self.session() as s, s.begin():
                s.add(BillingEvent(event_id=event_id, type=event_type))
        except IntegrityError:
            return False
        return True

    def upsert_external(self, sub: str, email: str, name: str, institution: str | None) -> User:
        """The user signed in through an identity provider (Globus): found by `sub`, else by email, else new."""
        email = normalize_email(email)
        with self.session() as s, s.begin():
            user = s.scalars(select(User).where(User.globus_sub == sub)).first()
            if user is None:
                user = s.scalars(select(User).where(User.email == email)).first()
                if user is not None and user.password_hash:
                    # Linking on a matching email alone would let whoever controls that
                    # address at the identity provider into a password account.
                    raise RegistrationError("A GAS account with this email already uses a password; "
                                            "log in with your password instead.")
            if user is None:
                user = User(email=email, name=name or email)
                s.add(user)
            user.globus_sub, user.institution = sub, institution
            user.name = name or user.name
        return user

    def set_admin(self, email: str, is_admin: bool = True) -> User:
        with self.session() as s, s.begin():
            user = s.scalars(select(User).where(User.email == normalize_email(email))).first()
            if user is None:
                raise KeyError(email)
            user.is_admin = is_admin
        return user


def normalize_email(email: str) -> str:
    return email.strip().lower()
