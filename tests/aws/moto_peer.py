"""moto in server mode on 127.0.0.1 (an ephemeral port): the AWS peer every aws test talks to over HTTP.

One server per test process, started on first use. The adapters reach it only
through boto3 over HTTP, as they would reach AWS; tests may read moto's
in-process backends to see what AWS would have done (a mail SES accepted).
"""
from __future__ import annotations

import atexit
import os
import threading
import uuid

FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}
# Anything that could point boto3 at a real account is removed while tests run.
CLEARED = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
           "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
           "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN")

_lock = threading.Lock()
_endpoint: str | None = None


def endpoint() -> str:
    """The URL of the running moto server (starting it the first time)."""
    global _endpoint
    with _lock:
        if _endpoint is None:
            import logging
            from moto.server import ThreadedMotoServer
            logging.getLogger("werkzeug").setLevel(logging.WARNING)   # one line per request otherwise
            server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
            server.start()
            host, port = server.get_host_and_port()
            _endpoint = f"http://{host}:{port}"
            atexit.register(server.stop)
        return _endpoint


def aws_env() -> dict[str, str]:
    """Environment for boto3 (and subprocesses) to talk to moto with fake credentials."""
    return {**FAKE_ENV, "AWS_ENDPOINT_URL": endpoint(), "AWS_EC2_METADATA_DISABLED": "true"}


def apply_env(monkeypatch) -> str:
    for name in CLEARED:
        monkeypatch.delenv(name, raising=False)
    for name, value in aws_env().items():
        monkeypatch.setenv(name, value)
    return os.environ["AWS_ENDPOINT_URL"]


def unique(prefix: str) -> str:
    """A resource name no other test uses (moto keeps state for the whole run)."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"
