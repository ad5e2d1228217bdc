"""The authorization matrix: every route, every page and every Dash callback, for every kind of visitor.

Personas: anonymous; `other`, a Free user who owns nothing here; `free`, the Free
user who owns the job J and the API token T; `premium`; `admin` (the admin flag,
Free tier). Each row says what each persona gets; the test sends the request and
compares. The lists are enumerated from the app itself (`app.url_map`, Dash's
page registry and callback map): a new route, page or callback without a row
here fails `test_every_*_has_a_row`, so nothing reaches production unreviewed.

Outcomes: a status code; LOGIN (302 to /login); or Shows(status, text) / Hides(status, text)
for a 200 whose body must, or must not, contain the owner's data.
"""
from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from typing import Callable

import dash
import pytest

from backend.domain import Job, JobStatus, Role, now, object_key
from backend.tokens import create_token, list_tokens, user_for_token
from backend.bootstrap import build
from backend.cli import init
from backend.config import load_settings
from dashapp import create_app
from dashapp.security import CSRF_COOKIE
from tests.web.conftest import PASSWORD, callback, csrf, login

PERSONAS = ("anonymous", "other", "free", "premium", "admin")
SECRET_NAME = "ada-private.vcf"            # J's input file name: only its owner may see it
SECRET_LOG = "ada's private log line"


@dataclass(frozen=True)
class Shows:
    status: int
    text: str


@dataclass(frozen=True)
class Hides:
    status: int
    text: str


LOGIN = "login"


def everyone(outcome) -> dict:
    return {p: outcome for p in PERSONAS}


def users(outcome, anonymous=LOGIN) -> dict:
    return {"anonymous": anonymous, **{p: outcome for p in PERSONAS[1:]}}


def owner_only(owner, others, anonymous=LOGIN) -> dict:
    return {"anonymous": anonymous, "free": owner, "other": others, "premium": others, "admin": others}


# ---- the world --------------------------------------------------------------------------------

@dataclass
class World:
    app: object
    svc: object
    job_id: str
    token_id: str           # free's API token
    result_url: str
    cookies: dict           # persona -> {cookie name: value}
    tokens: dict            # persona -> API token

    def client(self, persona: str):
        c = self.app.test_client()
        for name, value in self.cookies.get(persona, {}).items():
            c.set_cookie(name, value)
        return c


@pytest.fixture(scope="module")
def _world(tmp_path_factory) -> World:
    """Built once for the module (logins hash passwords, which is slow); `world` resets what rows change."""
    settings = load_settings(data_dir=tmp_path_factory.mktemp("matrix") / "data", secret_key="test-secret",
                             base_url="http://gas.test")
    init(settings)
    svc = build(settings)
    accounts = {
        "other": svc.users.register("bob@example.org", "Bob Other", PASSWORD),
        "free": svc.users.register("ada@example.org", "Ada Free", PASSWORD),
        "premium": svc.users.register("pat@example.org", "Pat Premium", PASSWORD),
        "admin": svc.users.register("root@example.org", "Root Admin", PASSWORD),
    }
    svc.users.set_role(accounts["premium"].id, Role.PREMIUM)
    svc.users.set_admin("root@example.org")
    ada = accounts["free"]
    job_id = "0f0f0f0f-1111-4222-8333-444455556666"
    input_key = object_key("inputs", ada.id, job_id, SECRET_NAME)
    svc.inputs.put_bytes(input_key, b"##fileformat=VCFv4.2\n")
    result_key, log_key = f"results/{ada.id}/{job_id}~ada-private.annot.vcf", f"results/{ada.id}/{job_id}~ada.count.log"
    svc.results.put_bytes(result_key, b"##annotated\n")
    svc.results.put_bytes(log_key, SECRET_LOG.encode())
    svc.jobs.create(Job(job_id=job_id, user_id=ada.id, input_file_name=SECRET_NAME, input_key=input_key,
                        submit_time=now() - 60))
    svc.jobs.transition(job_id, JobStatus.PENDING, JobStatus.COMPLETED, complete_time=time.time(),
                        result_key=result_key, log_key=log_key)
    app = create_app(services=svc)
    cookies, tokens = {}, {}
    for persona, account in accounts.items():
        c = app.test_client()
        assert login(c, account.email).status_code == 302
        csrf(c)
        cookies[persona] = {name: c.get_cookie(name).value for name in ("session", CSRF_COOKIE)}
        tokens[persona] = create_token(svc.users, account.id, persona)
    token_id = next(t.id for t in list_tokens(svc.users, ada.id))
    result_url = svc.results.download_url(result_key, "ada-private.annot.vcf", 300)
    return World(app, svc, job_id, token_id, result_url, cookies, tokens)


@pytest.fixture
def world(_world: World) -> World:
    """The module's world with what a row may have changed put back: Premium cancelled, free's token revoked,
    sessions ended by the logout row."""
    svc = _world.svc
    from sqlalchemy import update
    from backend.users import User
    with svc.users.session() as s, s.begin():
        s.execute(update(User).values(session_epoch=0))
    svc.users.set_role(svc.users.get_by_email("pat@example.org").id, Role.PREMIUM)
    svc.users.set_admin("root@example.org")
    if user_for_token(svc.users, _world.tokens["free"]) is None:
        ada = svc.users.get_by_email("ada@example.org")
        _world.tokens["free"] = create_token(svc.users, ada.id, "free")
        _world.token_id = next(t.id for t in list_tokens(svc.users, ada.id))
    return _world


# ---- how each row calls -------------------------------------------------------------------------

def token_header(w: World, persona: str) -> dict:
    return {"Authorization": f"Bearer {w.tokens[persona]}"} if persona in w.tokens else {}


def with_csrf(c) -> dict:
    return {"X-CSRFToken": csrf(c)}


Call = Callable[[World, str], object]   # (world, persona) -> response


def get(path: str | Callable[[World], str]) -> Call:
    return lambda w, p: w.client(p).get(path(w) if callable(path) else path)


def post_form(path: str, data: dict) -> Call:
    def call(w, p):
        c = w.client(p)
        return c.post(path, data={**data, "csrf_token": csrf(c)})
    return call


def post_json(path: str | Callable[[World], str], body: dict) -> Call:
    def call(w, p):
        c = w.client(p)
        return c.post(path(w) if callable(path) else path, json=body, headers=with_csrf(c))
    return call


def api(method: str, path: str | Callable[[World], str], body: dict | None = None) -> Call:
    def call(w, p):
        return w.client(p).open(path(w) if callable(path) else path, method=method, json=body,
                                headers=token_header(w, p))
    return call


def dash_call(output: str, inputs: list, state: list | None = None) -> Call:
    return lambda w, p: callback(w.client(p), output, inputs, state)


def routed(path: str | Callable[[World], str]) -> Call:
    """Dash's page router asked for `path`, as the browser does after a page load."""
    return lambda w, p: callback(w.client(p), ".._pages_content.children..._pages_store.data..",
                                 [{"id": "_pages_location", "property": "pathname",
                                   "value": path(w) if callable(path) else path},
                                  {"id": "_pages_location", "property": "search", "value": ""}])


def revoke_call(w: World, persona: str):
    """The revoke button of free's token, pressed by `persona` (a pattern-matching callback)."""
    key = next(k for k in w.app.extensions["dash"].callback_map if "token-list.children@" in k)
    outputs = [{"id": o.split(".")[0], "property": o.split(".", 1)[1]} for o in key.strip(".").split("...")]
    button = {"index": w.token_id, "type": "token-revoke"}
    body = {"output": key, "outputs": outputs,
            "inputs": [[{"id": button, "property": "n_clicks", "value": 1}]], "state": [],
            "changedPropIds": [json.dumps(button, separators=(",", ":"), sort_keys=True) + ".n_clicks"]}
    c = w.client(persona)
    response = c.post("/_dash-update-component", data=json.dumps(body), content_type="application/json",
                      headers=with_csrf(c))
    response.token_alive = user_for_token(w.svc.users, w.tokens["free"]) is not None
    return response


def job_path(suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/annotations/{w.job_id}{suffix}"


def component_suite(w: World) -> str:
    index = w.client("anonymous").get("/").get_data(as_text=True)
    return re.search(r'src="(/_dash-component-suites/[^"]+)"', index).group(1)


def signed_upload_without_file(w: World, p: str):
    return w.client(p).post("/files/gas-inputs/upload", data={"key": "x"}, content_type="multipart/form-data")


# ---- the rows -----------------------------------------------------------------------------------

ROUTES: dict[tuple[str, str], tuple[Call, dict]] = {
    # Flask's default static route: there is no static folder (Dash serves /assets).
    ("/static/<path:filename>", "GET"): (get("/static/x.css"), users(404)),
    ("/healthz", "GET"): (get("/healthz"), everyone(200)),
    ("/auth/register", "POST"): (post_form("/auth/register", {"email": "x@example.org", "name": "X",
                                                              "password": PASSWORD, "password2": "different!"}),
                                 everyone(302)),
    ("/auth/login", "POST"): (post_form("/auth/login", {"email": "ada@example.org", "password": "wrong password"}),
                              everyone(302)),
    ("/auth/logout", "POST"): (post_form("/auth/logout", {}), everyone(302)),
    # Globus is not configured here: the routes answer 404 (tests/web/test_globus_routes.py has it on).
    ("/auth/globus/login", "GET"): (get("/auth/globus/login"), everyone(404)),
    ("/auth/globus/callback", "GET"): (get("/auth/globus/callback?code=x&state=y"), everyone(404)),
    ("/api/uploads", "POST"): (post_json("/api/uploads", {"file_name": "a.vcf", "size": 10}), users(200, 401)),
    # Nobody can turn an upload into a job twice, or turn someone else's upload into theirs.
    ("/api/jobs", "POST"): (post_json("/api/jobs", {"job_id": "0f0f0f0f-1111-4222-8333-444455556666",
                                                    "file_name": SECRET_NAME}), users(400, 401)),
    # The signed policy or token is the authorization, as with S3: the same for every visitor.
    ("/files/<bucket>/upload", "POST"): (signed_upload_without_file, everyone(400)),
    ("/files/<bucket>/download/<path:name>", "GET"): (get(lambda w: w.result_url), everyone(200)),
    # The page's stable links: the owner is sent on to a fresh signed URL; nobody else learns the job exists.
    ("/annotations/<job_id>/download/<which>", "GET"):
        (get(job_path("/download/result")), owner_only(302, Shows(404, "Annotation not found"))),
    # The results as a table, streamed from the stored VCF: the owner gets it, nobody else learns of it.
    ("/annotations/<job_id>/download/table", "GET"):
        (get(job_path("/download/table")), owner_only(200, Shows(404, "Annotation not found"))),
    # Billing: a declined test card; Premium users are told they are Premium already.
    ("/billing/subscribe", "POST"): (post_json("/billing/subscribe", {"card_number": "4000000000000002",
                                                                      "expiry": "12 / 34", "cvc": "123"}),
                                     {**users(402, 401), "premium": 200}),
    ("/billing/cancel", "POST"): (post_json("/billing/cancel", {}), users(200, 401)),
    ("/billing/webhook", "POST"): (post_json("/billing/webhook", {"id": "evt_x"}), everyone(400)),
    ("/assets/<path:filename>", "GET"): (get("/assets/gas.css"), everyone(200)),
    ("/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>", "GET"):
        (get(component_suite), everyone(200)),
    ("/_dash-layout", "GET"): (get("/_dash-layout"), everyone(200)),
    ("/_dash-dependencies", "GET"): (get("/_dash-dependencies"), everyone(200)),
    ("/_favicon.ico", "GET"): (get("/_favicon.ico"), everyone(200)),
    ("/_reload-hash", "GET"): (get("/_reload-hash"), everyone(200)),
    # The JSON API: personal tokens only, so "anonymous" here is a request without one.
    ("/api/v1/jobs", "GET"): (api("GET", "/api/v1/jobs"), users(200, 401)),
    ("/api/v1/jobs", "POST"): (api("POST", "/api/v1/jobs", {"file_name": "a.vcf", "size": 10}), users(201, 401)),
    ("/api/v1/jobs/<job_id>", "GET"):
        (api("GET", lambda w: f"/api/v1/jobs/{w.job_id}"), owner_only(Shows(200, SECRET_NAME), 404, 401)),
    ("/api/v1/jobs/<job_id>/log", "GET"):
        (api("GET", lambda w: f"/api/v1/jobs/{w.job_id}/log"), owner_only(Shows(200, SECRET_LOG), 404, 401)),
    ("/api/v1/jobs/<job_id>/submit", "POST"):
        (api("POST", lambda w: f"/api/v1/jobs/{w.job_id}/submit", {"file_name": SECRET_NAME}), users(400, 401)),
    ("/api/v1/<path:_rest>", "GET"): (api("GET", "/api/v1/nowhere"), users(404, 401)),
    ("/api/v1/<path:_rest>", "POST"): (api("POST", "/api/v1/nowhere", {}), users(404, 401)),
    ("/api/v1/<path:_rest>", "PUT"): (api("PUT", "/api/v1/nowhere", {}), users(404, 401)),
    ("/api/v1/<path:_rest>", "PATCH"): (api("PATCH", "/api/v1/nowhere", {}), users(404, 401)),
    ("/api/v1/<path:_rest>", "DELETE"): (api("DELETE", "/api/v1/nowhere"), users(404, 401)),
}
# Served by Dash for every page (rows in PAGES) and for every callback (rows in CALLBACKS).
DASH_ROUTES = {("/", "GET"), ("/<path:path>", "GET"), ("/_dash-update-component", "POST")}

NOT_FOUND = "Annotation not found"
# Each page twice: the full page load (Flask), then Dash's page router callback, which renders it.
PAGES: dict[str, tuple[str | Callable, dict, dict]] = {
    "/": ("/", everyone(200), everyone(200)),
    "/login": ("/login", everyone(200), everyone(200)),
    "/register": ("/register", everyone(200), everyone(200)),
    "/annotate": ("/annotate", users(200), users(200, 401)),
    "/annotations": ("/annotations", users(200), users(200, 401)),
    "/annotations/<job_id>": (job_path(), users(200),
                              owner_only(Shows(200, SECRET_NAME), Hides(200, SECRET_NAME), 401)),
    "/annotations/<job_id>/log": (job_path("/log"), users(200),
                                  owner_only(Shows(200, SECRET_LOG), Hides(200, SECRET_LOG), 401)),
    "/404": ("/404", users(200), everyone(200)),
    "/profile": ("/profile", users(200), users(200, 401)),
    "/profile/tokens": ("/profile/tokens", users(200), users(200, 401)),
    "/subscribe": ("/subscribe", users(200), users(200, 401)),
    "/subscribed": ("/subscribed", users(200), users(200, 401)),
    "/admin": ("/admin", {**users(403), "admin": 200}, {**users(403, 401), "admin": 200}),
}

CALLBACKS: dict[str, tuple[Call, dict]] = {
    # Clientside only: the server has nothing to run (Dash answers 500 "no callback"), logged in or not.
    '{"index":["ALL"],"type":"local-time"}.children': (
        dash_call('{"index":["ALL"],"type":"local-time"}.children', []), {**users(500, 401)}),
    "_pages_dummy.children": (dash_call("_pages_dummy.children", []), {**users(500, 401)}),
    "..jobs-grid.rowData...jobs-interval.disabled..": (
        dash_call("..jobs-grid.rowData...jobs-interval.disabled..",
                  [{"id": "jobs-interval", "property": "n_intervals", "value": 1}]),
        owner_only(Shows(200, SECRET_NAME), Hides(200, SECRET_NAME), 401)),
    "..job-details.children...job-interval.disabled..": (
        lambda w, p: callback(w.client(p), "..job-details.children...job-interval.disabled..",
                              [{"id": "job-interval", "property": "n_intervals", "value": 1}],
                              [{"id": "job-id-store", "property": "data", "value": w.job_id}]),
        owner_only(Shows(200, SECRET_NAME), Shows(200, NOT_FOUND), 401)),
    "..token-new.children...token-list.children...token-name.value..": (
        dash_call("..token-new.children...token-list.children...token-name.value..",
                  [{"id": "token-create", "property": "n_clicks", "value": 1}],
                  [{"id": "token-name", "property": "value", "value": "matrix"}]),
        users(Shows(200, "gas_"), 401)),
    "token revoke": (revoke_call, owner_only("revoked", "kept", 401)),
    ".._pages_content.children..._pages_store.data..": (None, {}),   # the PAGES rows call it
}


def _callback_row(key: str) -> str:
    return "token revoke" if "token-list.children@" in key else key


# ---- completeness -------------------------------------------------------------------------------

def test_every_route_has_a_row(app):
    rules = {(r.rule, m) for r in app.url_map.iter_rules() for m in r.methods - {"HEAD", "OPTIONS"}}
    missing = rules - set(ROUTES) - DASH_ROUTES
    assert not missing, f"routes without a row in the authorization matrix: {sorted(missing)}"
    assert not set(ROUTES) - rules, f"rows for routes that no longer exist: {sorted(set(ROUTES) - rules)}"


def test_every_page_has_a_row(app):
    pages = {p.get("path_template") or p["path"] for p in dash.page_registry.values()}
    assert pages == set(PAGES), f"pages without a row: {sorted(pages - set(PAGES))}; " \
                                f"rows without a page: {sorted(set(PAGES) - pages)}"


def test_every_callback_has_a_row(app):
    callbacks = {_callback_row(k) for k in app.extensions["dash"].callback_map}
    assert callbacks == set(CALLBACKS), f"callbacks without a row: {sorted(callbacks - set(CALLBACKS))}; " \
                                        f"rows without a callback: {sorted(set(CALLBACKS) - callbacks)}"


# ---- the matrix -----------------------------------------------------------------------------------

def outcome(response, expected) -> object:
    """What the persona got, in the terms of `expected`."""
    if expected == LOGIN:
        location = response.headers.get("Location", "")
        return LOGIN if response.status_code == 302 and location.startswith("/login") else \
            (response.status_code, location)
    if expected in ("revoked", "kept"):
        if response.status_code != 200:
            return response.status_code
        return "kept" if response.token_alive else "revoked"
    if isinstance(expected, (Shows, Hides)):
        body = response.get_data(as_text=True)
        if response.is_json:
            body = json.dumps(response.get_json())
        present = expected.text in body
        if isinstance(expected, Shows):
            return expected if response.status_code == expected.status and present else (response.status_code, body[:300])
        return expected if response.status_code == expected.status and not present else (response.status_code, body[:300])
    return response.status_code


def check_row(w: World, call: Call, expected: dict) -> None:
    # The owner goes last, so that what the owner may change (revoke, cancel) is still there for the others.
    order = [p for p in PERSONAS if p != "free"] + ["free"]
    got = {p: outcome(call(w, p), expected[p]) for p in order}
    assert got == expected


@pytest.mark.parametrize("key", list(ROUTES), ids=lambda k: f"{k[1]} {k[0]}")
def test_route(world, key):
    call, expected = ROUTES[key]
    check_row(world, call, expected)


@pytest.mark.parametrize("path", list(PAGES))
def test_page_load(world, path):
    target, expected, _ = PAGES[path]
    check_row(world, get(target), expected)


@pytest.mark.parametrize("path", list(PAGES))
def test_page_routed(world, path):
    target, _, expected = PAGES[path]
    check_row(world, routed(target), expected)


@pytest.mark.parametrize("key", [k for k, v in CALLBACKS.items() if v[0] is not None])
def test_callback(world, key):
    call, expected = CALLBACKS[key]
    check_row(world, call, expected)


def test_callbacks_need_the_csrf_token(world):
    """Every callback is a POST: without the token, even the owner gets 403 and nothing runs."""
    c = world.client("free")
    for key in world.app.extensions["dash"].callback_map:
        response = c.post("/_dash-update-component", data=json.dumps({"output": key, "outputs": [], "inputs": []}),
                          content_type="application/json")
        assert response.status_code == 403, key


def test_the_admin_page_shows_counts(world):
    page = routed("/admin")(world, "admin").get_data(as_text=True)
    assert "Users by tier" in page and "annotator" in page


def test_a_demoted_admin_loses_the_page_at_once(world):
    world.svc.users.set_admin("root@example.org", False)
    assert world.client("admin").get("/admin").status_code == 403


