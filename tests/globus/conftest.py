"""Globus fixtures: one fake Globus Auth per run on 127.0.0.1, reset per test, and a GlobusLogin pointed at it."""
from __future__ import annotations

import pytest

from tests.globus.fake_auth import FakeGlobusAuth

REDIRECT_URI = "http://gas.test/auth/globus/callback"


@pytest.fixture(scope="session")
def _fake_server():
    fake = FakeGlobusAuth().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_globus(_fake_server, monkeypatch):
    """The fake, fresh for this test; globus-sdk reaches it through its own environment variable."""
    _fake_server.reset()
    monkeypatch.setenv("GLOBUS_SDK_SERVICE_URL_AUTH", _fake_server.url)
    return _fake_server


@pytest.fixture
def globus(fake_globus):
    from backend.adapters.globus_identity import GlobusLogin
    return GlobusLogin(fake_globus.client_id, fake_globus.client_secret)
