"""The calls the web routes should make, run end to end in a bare Flask app against the fake.

This is not dashapp: it proves the recipe handed to the web routes (docs/globus.md
and dashapp/auth.py's future /auth/globus/* routes) works as written: state kept
in the session and checked, the user stored, tokens revoked at logout.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from flask import Flask, redirect, request, session

from backend.adapters.globus_identity import GlobusLogin, LoginRefused, new_state, state_matches
from tests.globus.conftest import REDIRECT_URI


@pytest.fixture
def web(svc, globus: GlobusLogin):
    app = Flask("recipe")
    app.secret_key = "test"
    seen = {}

    @app.get("/auth/globus/login")
    def globus_login():
        session["globus_state"] = state = new_state()
        return redirect(globus.authorize_url(REDIRECT_URI, state))

    @app.get("/auth/globus/callback")
    def globus_callback():
        if "error" in request.args:
            return str(LoginRefused.from_callback(request.args["error"], request.args.get("error_description"))), 400
        if not state_matches(session.pop("globus_state", None), request.args.get("state")):
            return "That Globus sign-in was not started from this browser. Please log in again.", 400
        try:
            identity = globus.finish(request.args.get("code", ""), REDIRECT_URI)
        except LoginRefused as refused:
            return str(refused), 400
        user = svc.users.upsert_external(identity.sub, identity.email, identity.name, identity.institution)
        session["user"], session["globus_tokens"] = user.id, list(identity.tokens)
        seen["tokens"] = identity.tokens
        return redirect("/annotations")

    @app.post("/auth/logout")
    def logout():
        globus.logout(session.pop("globus_tokens", ()))
        session.clear()
        return redirect("/")

    client = app.test_client()
    client.seen = seen
    return client


def follow_to_globus_and_back(client) -> str:
    """Browser: our /login redirects to Globus, Globus redirects back; return the callback path+query."""
    out = client.get("/auth/globus/login")
    back = requests.get(out.headers["Location"], allow_redirects=False, timeout=5).headers["Location"]
    parts = urlsplit(back)
    return f"{parts.path}?{parts.query}"


def test_login_then_logout_through_the_routes(web, fake_globus, svc):
    answer = web.get(follow_to_globus_and_back(web))
    assert answer.status_code == 302 and answer.headers["Location"] == "/annotations"
    with web.session_transaction() as s:
        user = svc.users.get(s["user"])
        assert "globus_state" not in s          # a state is good for one callback only
    assert user.globus_sub == fake_globus.next_identity["sub"] and user.institution == "University of Chicago"

    web.post("/auth/logout")
    assert fake_globus.revoked == list(web.seen["tokens"])


def test_a_callback_with_a_forged_state_is_refused_and_the_code_not_spent(web, fake_globus):
    callback = follow_to_globus_and_back(web)
    forged = callback.replace("state=", "state=forged")
    answer = web.get(forged)
    assert answer.status_code == 400 and b"not started from this browser" in answer.data
    assert len(fake_globus.codes) == 1        # the code was never sent to Globus


def test_a_callback_in_another_browser_is_refused(web, fake_globus):
    callback = follow_to_globus_and_back(web)
    stranger = web.application.test_client()   # no state in its session
    assert stranger.get(callback).status_code == 400


def test_cancelling_at_globus_reads_as_a_sentence(web):
    answer = web.get("/auth/globus/callback?error=access_denied&state=x")
    assert answer.status_code == 400 and b"cancelled" in answer.data
