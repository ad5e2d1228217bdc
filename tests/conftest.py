"""Fixtures shared by every test folder: settings on a temporary data dir → services → users."""
from __future__ import annotations

from pathlib import Path

import pytest

from backend.bootstrap import build
from backend.cli import init
from backend.config import load_settings

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
SAMPLE_VCFS = SHARED_DATA / "sample_vcfs"


@pytest.fixture
def settings(tmp_path):
    s = load_settings(data_dir=tmp_path / "data", secret_key="test-secret", queue_visibility_timeout=2,
                      poll_wait_seconds=0.2, base_url="http://gas.test")
    init(s)
    return s


@pytest.fixture
def svc(settings):
    return build(settings)


@pytest.fixture
def user(svc):
    return svc.users.register("ada@example.org", "Ada Lovelace", "correct horse battery")


@pytest.fixture
def other_user(svc):
    return svc.users.register("bob@example.org", "Bob Other", "another long password")
