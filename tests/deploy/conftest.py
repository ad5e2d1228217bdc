"""The deploy tests: the fleet template read as text, and created against moto on 127.0.0.1."""
from __future__ import annotations

import pytest

from tests.aws.moto_peer import apply_env
from tests.deploy import template as tpl


@pytest.fixture(scope="session")
def template() -> dict:
    return tpl.load()


@pytest.fixture(scope="session")
def aws_endpoint():
    with pytest.MonkeyPatch.context() as mp:
        yield apply_env(mp)
