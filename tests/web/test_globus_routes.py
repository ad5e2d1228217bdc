"""The web app's Globus routes against the fake Globus Auth on 127.0.0.1 (tests/globus/fake_auth.py).

globus-sdk is pointed at the fake by GLOBUS_SDK_SERVICE_URL_AUTH (the fake_globus fixture).
"""
from __future__ import annotations

import json

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from backend.adapters.globus_identity import GlobusLogin
from dashapp import create_app
from dashapp.auth import FOREIGN_STATE
from tests.globus.conftest import _fake_server, fake_globus  # noqa: F401 - fixtures
from tests.web.conftest import PASSWORD, csrf
from tests.web.test_jobs import render


@pytest.fixture
def gapp(svc, fake_globus):  # noqa: F811
    svc.globus = GlobusLogin(fake_globus.client_id, fake_globus.client_secret)
    return create_app(services=svc)


@pytest.fixture
def browser(gapp):
    return gapp.test_client()


def to_globus_and_back(client, start: str = "/auth/globus/login") -> str:
    """Our login route sends the browser to Globus; the fake signs in and sends it back: the callback's path."""
    out = client.get(start)
    assert out.status_code == 302
    back = requests.get(out.headers["Location"], allow_redirects=False, timeout=5).headers["Location"]
    assert back.startswith("http://gas.test/auth/globus/callback?")   # <GAS_BASE_URL>/auth/globus/callback
    parts = urlsplit(back)
    return f"{parts.path}?{parts.query}"


def flashes(client) -> list[str]:
    with client.session_transaction() as session:
        return [message for _, message in session.get("_flashes", [])]


def test_login_page_offers_globus_when_configured(browser):
    page = json.dumps(json.loads(render(browser, "/login")))
    assert "Log in with Globus" in page and '"href": "/auth/globus/login"' in page


def test_login_page_without_globus_has_no_globus_button(client):
    assert "Log in with Globus" not in render(client, "/login")


def test_globus_routes_are_absent_without_globus(client):
    assert client.get("/auth/globus/login").status_code == 404
    assert client.get("/auth/globus/callback?code=x&state=y").status_code == 404


def test_a_good_login_stores_the_identity_and_logs_in(browser, fake_globus, svc):
    answer = browser.get(to_globus_and_back(browser, "/auth/globus/login?next=/annotate"))
    assert answer.status_code == 302 and answer.headers["Location"] == "/annotate"
    assert browser.get("/annotations").status_code == 200
    user = svc.users.get_by_email("ada@uchicago.edu")
    assert user.globus_sub == fake_globus.next_identity["sub"] and user.institution == "University of Chicago"
    assert user.password_hash is None and not user.is_premium
    request = fake_globus.authorize_requests[-1]
    scope = request.get("scope") if isinstance(request, dict) else parse_qs(urlsplit(str(request)).query).get("scope")
    assert scope is None or "openid" in str(scope)


def test_the_next_target_cannot_leave_the_site(browser):
    answer = browser.get(to_globus_and_back(browser, "/auth/globus/login?next=https://evil.example/x"))
    assert answer.headers["Location"] == "/annotations"


def test_a_forged_state_is_refused_before_the_code_is_spent(browser, fake_globus):
    callback = to_globus_and_back(browser)
    answer = browser.get(callback.replace("state=", "state=forged"))
    assert answer.status_code == 302 and answer.headers["Location"] == "/login"
    assert flashes(browser) == [FOREIGN_STATE]
    assert len(fake_globus.codes) == 1                     # never sent to Globus
    assert browser.get("/annotations").status_code == 302  # not logged in


def test_a_callback_in_another_browser_is_refused(browser, gapp):
    callback = to_globus_and_back(browser)
    stranger = gapp.test_client()
    assert stranger.get(callback).headers["Location"] == "/login"
    assert flashes(stranger) == [FOREIGN_STATE]


def test_a_state_is_good_once(browser):
    callback = to_globus_and_back(browser)
    assert browser.get(callback).status_code == 302
    browser.post("/auth/logout", data={"csrf_token": csrf(browser)})
    again = browser.get(callback)
    assert again.headers["Location"] == "/login" and flashes(browser) == [FOREIGN_STATE]


def test_a_refused_code_reads_as_a_sentence(browser):
    callback = to_globus_and_back(browser)
    query = parse_qs(urlsplit(callback).query)
    answer = browser.get(f"/auth/globus/callback?code=not-a-code&state={query['state'][0]}")
    assert answer.headers["Location"] == "/login"
    assert "Globus did not accept this sign-in" in flashes(browser)[0]
    assert browser.get("/annotations").status_code == 302


def test_cancelling_at_globus_reads_as_a_sentence(browser):
    browser.get("/auth/globus/login")
    answer = browser.get("/auth/globus/callback?error=access_denied&state=x")
    assert answer.headers["Location"] == "/login" and "cancelled" in flashes(browser)[0]


def test_a_password_account_with_that_email_is_not_taken_over(browser, svc, fake_globus):
    svc.users.register("ada@uchicago.edu", "Ada", PASSWORD)
    answer = browser.get(to_globus_and_back(browser))
    assert answer.headers["Location"] == "/login"
    assert "already uses a password" in flashes(browser)[0]
    assert browser.get("/annotations").status_code == 302
    assert svc.users.get_by_email("ada@uchicago.edu").globus_sub is None
    assert fake_globus.tokens == {}   # the tokens we got are not left alive


def test_logout_revokes_the_globus_tokens_and_ends_the_session(browser, fake_globus):
    browser.get(to_globus_and_back(browser))
    assert browser.get("/annotations").status_code == 200
    answer = browser.post("/auth/logout", data={"csrf_token": csrf(browser)})
    assert answer.headers["Location"] == "/"
    assert fake_globus.revoked and fake_globus.tokens == {}
    assert browser.get("/annotations").status_code == 302


def test_logout_needs_the_csrf_token(browser):
    browser.get(to_globus_and_back(browser))
    assert browser.post("/auth/logout").status_code == 403
    assert browser.get("/annotations").status_code == 200
