"""Web fixtures, chained: settings (tests/conftest.py) → app → client → logged-in client."""
from __future__ import annotations

import io
import json

import pytest

from dashapp import create_app
from dashapp.security import CSRF_COOKIE

PASSWORD = "correct horse battery"


@pytest.fixture
def app(svc):
    return create_app(services=svc)


@pytest.fixture
def client(app):
    return app.test_client()


def csrf(client) -> str:
    cookie = client.get_cookie(CSRF_COOKIE)
    if cookie is None:
        client.get("/healthz")
        cookie = client.get_cookie(CSRF_COOKIE)
    return cookie.value


def login(client, email: str, password: str = PASSWORD):
    return client.post("/auth/login", data={"email": email, "password": password, "csrf_token": csrf(client)})


@pytest.fixture
def logged_in(client, user):
    assert login(client, user.email).status_code == 302
    return client


def post_json(client, url: str, body: dict, token: str | None = None):
    return client.post(url, json=body, headers={"X-CSRFToken": token if token is not None else csrf(client)})


def callback(client, output: str, inputs: list[dict], state: list[dict] | None = None, token: str | None = None):
    """Call a Dash callback over HTTP, as dash-renderer does."""
    outputs = [{"id": o.split(".")[0], "property": o.split(".")[1]} for o in output.strip(".").split("...")]
    body = {"output": output, "outputs": outputs, "inputs": inputs, "state": state or [],
            "changedPropIds": [f"{i['id']}.{i['property']}" for i in inputs]}
    return client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json",
                       headers={"X-CSRFToken": token if token is not None else csrf(client)})


def upload(client, content: bytes, name: str = "sample.vcf") -> dict:
    """The browser's three steps: ask for a form, send the file, create the job."""
    ticket = post_json(client, "/api/uploads", {"file_name": name, "size": len(content)}).get_json()
    sent = client.post(ticket["url"], data={**ticket["fields"], ticket["file_field"]: (io.BytesIO(content), name)},
                       content_type="multipart/form-data")
    assert sent.status_code == 204, sent.get_data(as_text=True)
    job = post_json(client, "/api/jobs", {"job_id": ticket["job_id"], "file_name": ticket["file_name"]})
    assert job.status_code == 201, job.get_data(as_text=True)
    return job.get_json()
