"""The users store on both databases it runs on: SQLite (embedded) and PostgreSQL (production).

The schema comes from the Alembic migrations in both cases, so this also proves
the migrations run on each.
"""
from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

from backend.db import migrate
from backend.domain import Role
from backend.users import RegistrationError, UserStore

PG_ADMIN_URL = os.environ.get("GAS_TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(params=["sqlite", "postgresql"])
def users(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'users.db'}"
        migrate(url)
        yield UserStore(url)
        return
    name = f"gas_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}"))
    except Exception as exc:   # say plainly what is missing rather than skipping
        pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN_URL} ({exc}); .ci/run starts it.")
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    migrate(url)
    store = UserStore(url)
    yield store
    store.engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def test_register_then_authenticate(users):
    ada = users.register("Ada@Example.org ", "Ada Lovelace", "correct horse battery")
    assert users.authenticate("ada@example.org", "correct horse battery").id == ada.id
    assert users.get(ada.id).email == "ada@example.org"
    assert users.get(ada.id).role == Role.FREE.value


def test_wrong_password_and_unknown_user_look_the_same(users):
    users.register("ada@example.org", "Ada", "correct horse battery")
    assert users.authenticate("ada@example.org", "wrong password!!") is None
    assert users.authenticate("nobody@example.org", "correct horse battery") is None


def test_password_is_stored_hashed(users):
    ada = users.register("ada@example.org", "Ada", "correct horse battery")
    stored = users.get(ada.id).password_hash
    assert "correct horse" not in stored and stored.startswith("$argon2")


@pytest.mark.parametrize("email,name,password,complaint", [
    ("not-an-email", "Ada", "correct horse battery", "email address"),
    ("ada@example.org", "  ", "correct horse battery", "name"),
    ("ada@example.org", "Ada", "short", "at least"),
])
def test_bad_registrations_say_what_to_change(users, email, name, password, complaint):
    with pytest.raises(RegistrationError, match=complaint):
        users.register(email, name, password)


def test_an_email_registers_once(users):
    users.register("ada@example.org", "Ada", "correct horse battery")
    with pytest.raises(RegistrationError, match="exists already"):
        users.register("ADA@example.org", "Ada again", "correct horse battery")


def test_roles_and_admin_flag(users):
    ada = users.register("ada@example.org", "Ada", "correct horse battery")
    users.set_role(ada.id, Role.PREMIUM)
    assert users.get(ada.id).is_premium
    users.set_admin("ada@example.org")
    assert users.get(ada.id).is_admin
