"""API tokens and the login throttle, on the users database (SQLite and PostgreSQL)."""
import pytest

from backend import throttle, tokens
from tests.contract.test_users_contract import users  # noqa: F401  (the two-database fixture)


def test_a_token_works_until_revoked_and_only_for_its_owner(users):
    ada = users.register("ada@example.org", "Ada", "correct horse battery")
    bob = users.register("bob@example.org", "Bob", "another long password")
    token = tokens.create_token(users, ada.id, "laptop script")
    assert tokens.user_for_token(users, token).id == ada.id
    (info,) = tokens.list_tokens(users, ada.id)
    assert info.name == "laptop script" and info.last_used_at is not None
    assert tokens.revoke_token(users, bob.id, info.id) is False      # not Bob's to revoke
    assert tokens.user_for_token(users, token).id == ada.id
    assert tokens.revoke_token(users, ada.id, info.id) is True
    assert tokens.user_for_token(users, token) is None
    assert tokens.list_tokens(users, ada.id) == []
    assert tokens.user_for_token(users, "gas_made-up") is None


def test_the_throttle_stops_guessing_then_forgives_after_the_window(users):
    for _ in range(throttle.MAX_FAILURES):
        throttle.check(users, "ada@example.org", "10.0.0.1", now=1000.0)
        throttle.record_failure(users, "ada@example.org", "10.0.0.1", now=1000.0)
    with pytest.raises(throttle.LoginThrottled, match="Try again in 15 minutes"):
        throttle.check(users, "ada@example.org", "127.0.0.9", now=1001.0)   # another address, same email
    # Someone else behind the same address (a shared NAT) can still log in.
    throttle.check(users, "eve@example.org", "10.0.0.1", now=1001.0)
    throttle.check(users, "ada@example.org", "127.0.0.9", now=1000.0 + throttle.WINDOW_SECONDS + 1)


def test_guessing_across_many_accounts_from_one_address_is_stopped(users):
    for n in range(throttle.MAX_FAILURES_PER_ADDRESS):
        throttle.record_failure(users, f"victim{n}@example.org", "10.0.0.66", now=1000.0)
    with pytest.raises(throttle.LoginThrottled):
        throttle.check(users, "fresh@example.org", "10.0.0.66", now=1001.0)


def test_globus_identities_are_linked_by_sub(users):
    first = users.upsert_external("sub-123", "Ada@Uni.edu", "Ada L", "University of Chicago")
    again = users.upsert_external("sub-123", "ada@uni.edu", "Ada Lovelace", "University of Chicago")
    assert first.id == again.id and users.get(first.id).name == "Ada Lovelace"
    assert users.get(first.id).institution == "University of Chicago"
