"""GAS_BACKEND=aws against moto on 127.0.0.1: settings → create-resources → services → users.

Overrides the shared `settings` fixture, so the shared `svc`, `user` and
`other_user` fixtures build the AWS flavour. Each test gets resources of its
own (a unique name prefix): moto keeps state for the whole run.
"""
from __future__ import annotations

import pytest

from tests.aws.moto_peer import apply_env, unique


@pytest.fixture(scope="session")
def aws_endpoint():
    with pytest.MonkeyPatch.context() as mp:
        yield apply_env(mp)


@pytest.fixture
def settings(tmp_path, aws_endpoint):
    from backend.adapters.aws_bootstrap import create_resources
    from backend.config import load_settings
    from backend.db import migrate

    s = load_settings(backend="aws", data_dir=tmp_path / "data", secret_key="test-secret",
                      queue_visibility_timeout=2, queue_max_receives=3, poll_wait_seconds=0.2,
                      base_url="http://gas.test", aws={"prefix": unique("gas") + "-"})
    s.data_dir.mkdir(parents=True)
    migrate(s.users_database_url)       # the users store stays SQLAlchemy (SQLite here, PostgreSQL in production)
    create_resources(s, out=lambda *_: None)
    return s


@pytest.fixture
def s3(settings):
    from backend.adapters.aws_resources import clients
    (client,) = clients(settings.aws, "s3")
    return client


def moto_backend(service: str):
    """moto's in-process state for one service in the test account and region (to see what AWS did)."""
    import importlib
    module = importlib.import_module(f"moto.{service}.models")
    backends = getattr(module, f"{service}_backends")
    return backends["123456789012"]["us-east-1"]
