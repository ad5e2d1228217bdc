"""The JSON API for scripts: token auth, list, get, submit (with the Free limit), log, errors as JSON."""
from __future__ import annotations

import io
import time

import pytest

from backend.domain import JobStatus, Role
from backend.tokens import create_token, list_tokens, revoke_token
from dashapp.api_v1 import BAD_TOKEN, NO_TOKEN
from tests.web.conftest import login, post_json, upload
from tests.web.test_jobs import VCF


@pytest.fixture
def token(svc, user) -> str:
    return create_token(svc.users, user.id, "tests")


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def api_submit(client, token: str, content: bytes, name: str = "sample.vcf"):
    """The three steps: ask for a form, send the file to it, submit the job."""
    ticket = client.post("/api/v1/jobs", json={"file_name": name, "size": len(content)}, headers=auth(token))
    assert ticket.status_code == 201, ticket.get_json()
    t = ticket.get_json()
    assert t["upload"]["url"].startswith("http://localhost/files/")   # absolute: a script needs the host
    sent = client.post(t["upload"]["url"], data={**t["upload"]["fields"],
                                                 t["upload"]["file_field"]: (io.BytesIO(content), name)},
                       content_type="multipart/form-data")
    assert sent.status_code == 204
    return client.post(t["submit_url"], json={"file_name": t["file_name"]}, headers=auth(token))


def complete(svc, job_id: str) -> None:
    svc.results.put_bytes(f"results/x/{job_id}~sample.annot.vcf", b"##fileformat=VCFv4.2\n")
    svc.results.put_bytes(f"results/x/{job_id}~sample.vcf.count.log", b"2 variants\n")
    svc.jobs.transition(job_id, JobStatus.PENDING, JobStatus.COMPLETED, complete_time=time.time(),
                        result_key=f"results/x/{job_id}~sample.annot.vcf",
                        log_key=f"results/x/{job_id}~sample.vcf.count.log")


def test_submit_list_get_and_log(client, svc, token):
    answer = api_submit(client, token, VCF)
    assert answer.status_code == 201
    job = answer.get_json()
    assert job["status"] == "PENDING" and job["input_file_name"] == "sample.vcf"
    assert svc.bus.annotator_queue.depth() == 1

    listed = client.get("/api/v1/jobs", headers=auth(token)).get_json()["jobs"]
    assert [j["job_id"] for j in listed] == [job["job_id"]]
    assert client.get(f"/api/v1/jobs/{job['job_id']}/log", headers=auth(token)).status_code == 404

    complete(svc, job["job_id"])
    details = client.get(f"/api/v1/jobs/{job['job_id']}", headers=auth(token)).get_json()
    assert details["status"] == "COMPLETED" and details["files"]["result_state"] == "ready"
    assert details["files"]["result_name"] == "sample.annot.vcf"
    result = client.get(details["files"]["result"].removeprefix("http://localhost"))
    assert result.status_code == 200 and result.data == b"##fileformat=VCFv4.2\n"
    assert client.get(details["files"]["input"].removeprefix("http://localhost")).data == VCF
    log = client.get(details["files"]["log"].removeprefix("http://localhost"), headers=auth(token))
    assert log.status_code == 200 and log.mimetype == "text/plain" and log.data == b"2 variants\n"


def test_a_free_user_is_refused_over_the_limit_before_and_during_the_upload(client, svc, token, settings):
    limit = settings.free_user_max_upload
    declared = client.post("/api/v1/jobs", json={"file_name": "big.vcf", "size": limit + 1}, headers=auth(token))
    assert declared.status_code == 413 and "Premium" in declared.get_json()["error"]
    # Lying about the size does not help: the signed form carries the limit and the store enforces it.
    ticket = client.post("/api/v1/jobs", json={"file_name": "big.vcf", "size": 10}, headers=auth(token)).get_json()
    assert ticket["max_bytes"] == limit
    sent = client.post(ticket["upload"]["url"], data={**ticket["upload"]["fields"],
                                                      "file": (io.BytesIO(b"x" * (limit + 1)), "big.vcf")},
                       content_type="multipart/form-data")
    assert sent.status_code == 413
    submitted = client.post(ticket["submit_url"], json={"file_name": "big.vcf"}, headers=auth(token))
    assert submitted.status_code == 400 and svc.jobs.get(ticket["job_id"]) is None


def test_a_premium_user_has_no_limit(client, svc, user, token, settings):
    svc.users.set_role(user.id, Role.PREMIUM)
    answer = client.post("/api/v1/jobs", json={"file_name": "big.vcf", "size": settings.free_user_max_upload * 10},
                         headers=auth(token))
    assert answer.status_code == 201 and answer.get_json()["max_bytes"] is None


@pytest.mark.parametrize("headers,message", [
    ({}, NO_TOKEN),
    ({"Authorization": "Basic YWRhOnB3"}, NO_TOKEN),
    ({"Authorization": "Bearer gas_not-a-real-token"}, BAD_TOKEN),
    ({"Authorization": "Bearer "}, NO_TOKEN),
])
@pytest.mark.parametrize("method,path", [("GET", "/api/v1/jobs"), ("POST", "/api/v1/jobs"),
                                         ("GET", "/api/v1/jobs/x"), ("GET", "/api/v1/jobs/x/log"),
                                         ("POST", "/api/v1/jobs/x/submit"), ("GET", "/api/v1/nowhere")])
def test_no_valid_token_is_401_json(client, headers, message, method, path):
    answer = client.open(path, method=method, headers=headers, json={})
    assert answer.status_code == 401 and answer.get_json() == {"error": message}
    assert "Set-Cookie" not in answer.headers


def test_a_revoked_token_stops_working(client, svc, user, token):
    assert client.get("/api/v1/jobs", headers=auth(token)).status_code == 200
    [info] = list_tokens(svc.users, user.id)
    assert revoke_token(svc.users, user.id, info.id)
    assert client.get("/api/v1/jobs", headers=auth(token)).get_json() == {"error": BAD_TOKEN}


def test_a_session_cookie_is_not_enough(client, user):
    """Logged in through the web (cookie and CSRF token at hand), the API still wants a token."""
    assert login(client, user.email).status_code == 302
    assert client.get("/api/v1/jobs").status_code == 401
    answer = post_json(client, "/api/v1/jobs", {"file_name": "a.vcf", "size": 10})
    assert answer.status_code == 401 and answer.get_json() == {"error": NO_TOKEN}


def test_another_users_job_is_not_found(client, svc, user, other_user, token):
    theirs = create_token(svc.users, other_user.id, "bob")
    job_id = api_submit(client, theirs, VCF).get_json()["job_id"]
    complete(svc, job_id)
    for path in (f"/api/v1/jobs/{job_id}", f"/api/v1/jobs/{job_id}/log"):
        answer = client.get(path, headers=auth(token))
        assert answer.status_code == 404 and answer.get_json() == {"error": f"There is no job {job_id} in your account."}
    assert client.get("/api/v1/jobs", headers=auth(token)).get_json() == {"jobs": []}
    # Nor can their upload be submitted as ours.
    stolen = client.post(f"/api/v1/jobs/{job_id}/submit", json={"file_name": "sample.vcf"}, headers=auth(token))
    assert stolen.status_code == 400


def test_bad_requests_are_400_json(client, token):
    for body in ({"file_name": "a.vcf"}, {"file_name": "a.vcf", "size": "10"}, {"file_name": "a.vcf", "size": -1}):
        answer = client.post("/api/v1/jobs", json=body, headers=auth(token))
        assert answer.status_code == 400 and "size" in answer.get_json()["error"]
    answer = client.post("/api/v1/jobs/not-a-job/submit", json={"file_name": "a.vcf"}, headers=auth(token))
    assert answer.status_code == 400 and answer.get_json()["error"]


def test_web_uploads_show_up_in_the_api(client, logged_in, svc, token):
    job = upload(logged_in, VCF)
    assert [j["job_id"] for j in client.get("/api/v1/jobs", headers=auth(token)).get_json()["jobs"]] == [job["job_id"]]


# --- the tokens page (/profile/tokens) that makes them -------------------------------------------

CREATE = "..token-new.children...token-list.children...token-name.value.."


def create_on_page(client, name: str) -> str:
    from tests.web.conftest import callback
    answer = callback(client, CREATE, [{"id": "token-create", "property": "n_clicks", "value": 1}],
                      [{"id": "token-name", "property": "value", "value": name}])
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def test_a_token_made_on_the_page_is_shown_once_and_works(logged_in, client, svc, user):
    from tests.web.test_jobs import render
    shown = create_on_page(logged_in, "laptop")
    value = next(part for part in shown.split('"') if part.startswith("gas_"))
    assert "laptop" in shown and "cannot show it again" in shown
    assert client.get("/api/v1/jobs", headers=auth(value)).status_code == 200
    page = render(logged_in, "/profile/tokens")
    assert "laptop" in page and value not in page            # listed by name, never by value
    [info] = list_tokens(svc.users, user.id)
    assert info.name == "laptop" and info.last_used_at is not None


def test_revoking_on_the_page(logged_in, client, svc, user):
    from tests.web.test_authz_matrix import World, revoke_call
    value = next(p for p in create_on_page(logged_in, "ci").split('"') if p.startswith("gas_"))
    [info] = list_tokens(svc.users, user.id)
    world = World(logged_in.application, svc, "", info.id, "", {}, {"free": value})
    world.client = lambda persona: logged_in
    answer = revoke_call(world, "free")
    assert answer.status_code == 200 and "is revoked" in answer.get_data(as_text=True)
    assert not answer.token_alive and list_tokens(svc.users, user.id) == []
    assert client.get("/api/v1/jobs", headers=auth(value)).status_code == 401
