"""Hardening: CSRF on every state-changing route, cookie flags, security headers and CSP, the production secret."""
from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import replace

import pytest
from flask_login import login_user

from backend.bootstrap import build
from backend.config import DEV_SECRET, load_settings
from dashapp import create_app
from dashapp import guards
from dashapp.headers import STRIPE_API, STRIPE_JS, content_security_policy
from tests.web.conftest import csrf

# POST routes that take no CSRF token, and why: their own credential is the authorization.
CSRF_EXEMPT = {
    "/files/<bucket>/upload": "a signed upload policy, as with an S3 presigned POST",
    "/billing/webhook": "the payment provider's signature over the body",
}
TOKEN_ONLY_PREFIX = "/api/v1/"   # personal API tokens; a cookie alone is refused (401)


def _concrete(rule: str) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: "gas-inputs" if m.group(1) == "bucket" else "x", rule)


def state_changing_rules(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
            yield rule.rule, method


def test_every_state_changing_route_needs_the_csrf_token(logged_in, app):
    checked = []
    for rule, method in state_changing_rules(app):
        if rule in CSRF_EXEMPT:
            continue
        path = _concrete(rule)
        for body in ({"json": {}}, {"data": {"a": "b"}}):
            response = logged_in.open(path, method=method, **body)
            if rule.startswith(TOKEN_ONLY_PREFIX):
                assert response.status_code == 401, (method, rule)   # the cookie counts for nothing there
            else:
                assert response.status_code == 403, (method, rule, response.status_code)
            # A wrong token is as good as none.
            response = logged_in.open(path, method=method, headers={"X-CSRFToken": "forged"}, **body)
            assert response.status_code in (401, 403), (method, rule)
        checked.append(rule)
    assert "/_dash-update-component" in checked and "/auth/logout" in checked and "/api/uploads" in checked


def test_the_csrf_token_is_tied_to_the_session(client, logged_in, app):
    """A token from another (anonymous) session does not work for this one."""
    other = app.test_client()
    token = csrf(other)
    assert logged_in.post("/api/uploads", json={"file_name": "a.vcf"}, headers={"X-CSRFToken": token}).status_code == 403


# --- cookies --------------------------------------------------------------------------------------

def session_cookie(response) -> str:
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))


def test_session_cookie_is_httponly_and_lax_and_not_secure_over_http(client, user):
    response = client.post("/auth/login", data={"email": user.email, "password": "correct horse battery",
                                                "csrf_token": csrf(client)})
    cookie = session_cookie(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_cookies_are_secure_when_the_request_came_over_https(app, user):
    client = app.test_client()
    token = client.get("/healthz", base_url="https://gas.test")
    assert all("Secure" in h for h in token.headers.getlist("Set-Cookie"))
    response = client.post("/auth/login", base_url="https://gas.test",
                           data={"email": user.email, "password": "correct horse battery",
                                 "csrf_token": client.get_cookie("_csrf_token", domain="gas.test").value})
    assert "Secure" in session_cookie(response) and response.headers["Strict-Transport-Security"]


@pytest.mark.parametrize("overrides", [{"base_url": "https://gas.example.org"},
                                       {"environment": "production", "secret_key": "s" * 64}])
def test_cookies_are_always_secure_behind_https_or_in_production(svc, overrides):
    app = create_app(services=replace(svc, settings=replace(svc.settings, **overrides)))
    response = app.test_client().get("/healthz")   # plain http here, as behind a TLS-terminating proxy
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in c and "SameSite=Lax" in c for c in cookies)


# --- headers and CSP --------------------------------------------------------------------------------

def directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in policy.split("; ")}


@pytest.mark.parametrize("path", ["/", "/login", "/healthz", "/assets/gas.css", "/_dash-layout", "/nowhere"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    csp = directives(response)
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert csp["default-src"] == ["'self'"] and csp["base-uri"] == ["'self'"]


def test_csp_runs_only_our_scripts_and_dashs_own_inline_ones(app, client):
    csp = directives(client.get("/"))
    dash_app = app.extensions["dash"]
    assert csp["script-src"] == ["'self'", *dash_app.csp_hashes()]
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert csp["connect-src"] == ["'self'"] and csp["frame-src"] == ["'none'"]
    # Every inline script in the page is one the policy allows (else the browser would block it).
    index = re.sub(r"<!--.*?-->", "", client.get("/").get_data(as_text=True), flags=re.S)   # IE-only comments
    inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>", index, re.S)
    hashes = {"'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'" for body in inline}
    assert inline and hashes <= set(csp["script-src"])


def test_csp_allows_stripe_only_when_configured(svc):
    stripe = replace(svc.settings, stripe_publishable_key="pk_test_x", stripe_secret_key="sk_test_x")
    csp = {d.split()[0]: d.split()[1:] for d in content_security_policy(stripe, svc, []).split("; ")}
    assert STRIPE_JS in csp["script-src"] and STRIPE_JS in csp["frame-src"] and STRIPE_API in csp["connect-src"]
    plain = content_security_policy(svc.settings, svc, [])
    assert "stripe" not in plain


def test_csp_allows_the_s3_inputs_bucket_for_browser_uploads(svc):
    import boto3
    from backend.adapters.aws_objectstore import S3ObjectStore
    # The endpoint is explicit: the moto tests point AWS_ENDPOINT_URL at loopback for the whole session.
    s3 = boto3.client("s3", region_name="us-east-2", aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="x",
                      endpoint_url="https://s3.us-east-2.amazonaws.com")
    aws = replace(svc, inputs=S3ObjectStore(s3, "gas-inputs-test"),
                  settings=replace(svc.settings, backend="aws"))
    url = aws.inputs.upload_form("k", 10, 60).url
    origin = re.match(r"https://[^/]+", url).group(0)
    connect = next(d for d in content_security_policy(aws.settings, aws, []).split("; ") if d.startswith("connect-src"))
    assert connect.split()[1:] == ["'self'", origin]


# --- the secret key -------------------------------------------------------------------------------

@pytest.mark.parametrize("environment", ["production", "staging"])
def test_the_app_refuses_to_start_with_the_default_secret_outside_development(tmp_path, environment):
    settings = load_settings(data_dir=tmp_path, environment=environment, secret_key=DEV_SECRET)
    with pytest.raises(RuntimeError, match="GAS_SECRET_KEY"):
        create_app(settings)


def test_the_app_starts_in_production_with_a_real_secret(tmp_path):
    settings = load_settings(data_dir=tmp_path, environment="production", secret_key="a" * 64)
    from backend.cli import init
    init(settings)
    assert create_app(settings, build(settings)).test_client().get("/healthz").status_code == 200


def test_development_may_use_the_default_secret(tmp_path):
    settings = load_settings(data_dir=tmp_path, environment="development", secret_key=DEV_SECRET)
    from backend.cli import init
    init(settings)
    assert create_app(settings).test_client().get("/healthz").status_code == 200


# --- the guards themselves ------------------------------------------------------------------------

@pytest.mark.parametrize("premium,admin", [(False, False), (True, False), (False, True), (True, True)])
def test_guards(app, svc, user, premium, admin):
    from backend.domain import Role
    if premium:
        svc.users.set_role(user.id, Role.PREMIUM)
    if admin:
        svc.users.set_admin(user.email)
    with app.test_request_context("/"):
        with pytest.raises(guards.LoginRequired):
            guards.require_user()
        login_user(svc.users.get(user.id))
        assert guards.require_user().id == user.id
        for guard, allowed in ((guards.require_premium, premium), (guards.require_admin, admin)):
            if allowed:
                assert guard().id == user.id
            else:
                with pytest.raises(guards.NotAllowed):
                    guard()
        decorated = guards.guarded(guards.PREMIUM)(lambda: "ran")
        assert decorated.access == guards.PREMIUM
        if premium:
            assert decorated() == "ran"
        else:
            with pytest.raises(guards.NotAllowed):
                decorated()
