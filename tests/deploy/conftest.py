"""The deploy tests: the fleet template read as text, and created against moto on 127.0.0.1."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.aws.moto_peer import apply_env
from tests.deploy import template as tpl


@pytest.fixture(scope="session", autouse=True)
def cfn_lint():
    """cfn-lint on the template, started first so its ~10 s overlap the other tests; None if not installed."""
    try:
        import cfnlint  # noqa: F401
    except ImportError:
        yield None
        return
    proc = subprocess.Popen([sys.executable, "-c", "import sys, cfnlint.runner; sys.exit(cfnlint.runner.main())",
                             str(tpl.TEMPLATE)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    yield proc
    if proc.poll() is None:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def template() -> dict:
    return tpl.load()


@pytest.fixture(scope="session")
def aws_endpoint():
    with pytest.MonkeyPatch.context() as mp:
        yield apply_env(mp)
