"""Globus Auth login against the fake on 127.0.0.1: a good login, a forged state, a refused code, logout."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from backend.adapters.globus_identity import (GlobusLogin, GlobusUnavailable, LoginRefused, new_state,
                                              state_matches)
from tests.globus.conftest import REDIRECT_URI


def sign_in_at_globus(authorize_url: str) -> dict:
    """What the browser does: open the authorize URL, get sent back to our callback with code and state."""
    answer = requests.get(authorize_url, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == REDIRECT_URI
    return {k: v[0] for k, v in parse_qs(back.query).items()}


def login(globus: GlobusLogin, state: str | None = None):
    state = state or new_state()
    callback = sign_in_at_globus(globus.authorize_url(REDIRECT_URI, state))
    assert state_matches(state, callback["state"])
    return globus.finish(callback["code"], REDIRECT_URI)


def test_authorize_url_asks_for_openid_email_profile_with_our_state(globus, fake_globus):
    state = new_state()
    url = globus.authorize_url(REDIRECT_URI, state)
    assert url.startswith(fake_globus.url)
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert query["client_id"] == fake_globus.client_id
    assert query["redirect_uri"] == REDIRECT_URI
    assert query["response_type"] == "code"
    assert set(query["scope"].split()) == {"openid", "email", "profile"}
    assert query["state"] == state


def test_good_login_gives_the_identity_and_stores_it_on_a_user(globus, fake_globus, svc):
    identity = login(globus)
    assert (identity.sub, identity.email, identity.name, identity.institution) == (
        fake_globus.next_identity["sub"], "ada@uchicago.edu", "Ada Lovelace", "University of Chicago")
    assert identity.tokens and all(t in fake_globus.tokens for t in identity.tokens)
    assert identity.tokens[0] not in repr(identity)      # tokens stay out of logs

    user = svc.users.upsert_external(identity.sub, identity.email, identity.name, identity.institution)
    stored = svc.users.get(user.id)
    assert (stored.globus_sub, stored.email, stored.name, stored.institution) == (
        identity.sub, "ada@uchicago.edu", "Ada Lovelace", "University of Chicago")
    assert stored.password_hash is None

    again = svc.users.upsert_external(*_fields(login(globus)))
    assert again.id == user.id              # the same Globus identity signs in to the same account


def test_login_does_not_take_over_a_password_account_with_that_email(globus, fake_globus, svc):
    from backend.users import RegistrationError
    local = svc.users.register("ada@uchicago.edu", "Ada L.", "correct horse battery")
    with pytest.raises(RegistrationError, match="log in with your password"):
        svc.users.upsert_external(*_fields(login(globus)))
    assert svc.users.get(local.id).globus_sub is None


def test_identity_without_organization_has_no_institution(globus, fake_globus):
    fake_globus.next_identity.pop("organization")
    assert login(globus).institution is None


def test_the_id_token_from_the_fake_verifies_like_globus_s(globus, fake_globus):
    # Not what GlobusLogin relies on (it reads userinfo), but proof that the fake speaks real OIDC:
    # globus-sdk fetches the discovery document and JWKS from it and checks the RS512 signature.
    from backend.adapters.globus_identity import SCOPES
    from globus_sdk.services.auth.flow_managers import GlobusAuthorizationCodeFlowManager
    flow = GlobusAuthorizationCodeFlowManager(globus.client, REDIRECT_URI, SCOPES)
    callback = sign_in_at_globus(flow.get_authorize_url())
    claims = flow.exchange_code_for_tokens(callback["code"]).decode_id_token()
    assert claims["sub"] == fake_globus.next_identity["sub"] and claims["aud"] == fake_globus.client_id


@pytest.mark.parametrize("got", ["forged-" + "x" * 40, "", None])
def test_a_forged_or_missing_state_does_not_match(globus, got):
    sent = new_state()
    callback = sign_in_at_globus(globus.authorize_url(REDIRECT_URI, sent))
    assert state_matches(sent, callback["state"])
    assert not state_matches(sent, got)
    assert not state_matches(None, callback["state"])     # no login was started in this session
    assert new_state() != new_state()


def test_a_refused_code_raises_login_refused_with_a_sentence(globus):
    with pytest.raises(LoginRefused) as refused:
        globus.finish("not-a-code-globus-gave", REDIRECT_URI)
    message = str(refused.value)
    assert message.startswith("Globus did not accept this sign-in") and message.endswith("Please log in again.")
    assert "invalid_grant" not in message and "401" not in message


def test_a_code_is_good_once_and_only_for_its_redirect(globus):
    callback = sign_in_at_globus(globus.authorize_url(REDIRECT_URI, new_state()))
    with pytest.raises(LoginRefused):
        globus.finish(callback["code"], "http://evil.test/auth/globus/callback")
    callback = sign_in_at_globus(globus.authorize_url(REDIRECT_URI, new_state()))
    globus.finish(callback["code"], REDIRECT_URI)
    with pytest.raises(LoginRefused):
        globus.finish(callback["code"], REDIRECT_URI)


def test_a_wrong_client_secret_is_reported_as_our_problem(fake_globus):
    wrong = GlobusLogin(fake_globus.client_id, "not-the-secret")
    callback = sign_in_at_globus(wrong.authorize_url(REDIRECT_URI, new_state()))
    with pytest.raises(LoginRefused, match="administrators") as refused:
        wrong.finish(callback["code"], REDIRECT_URI)
    assert not isinstance(refused.value, GlobusUnavailable)


def test_globus_unreachable_is_said_plainly(fake_globus):
    import socket
    with socket.socket() as s:          # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/"
    offline = GlobusLogin(fake_globus.client_id, fake_globus.client_secret, base_url=dead, max_retries=0)
    with pytest.raises(GlobusUnavailable, match="could not be reached"):
        offline.finish("some-code", REDIRECT_URI)


def test_identity_without_email_is_refused_and_its_tokens_revoked(globus, fake_globus):
    fake_globus.next_identity.pop("email")
    with pytest.raises(LoginRefused, match="no email address"):
        login(globus)
    assert len(fake_globus.revoked) == 1 and not fake_globus.tokens


def test_the_person_cancelling_at_globus_reads_as_a_sentence():
    assert "cancelled" in str(LoginRefused.from_callback("access_denied"))
    assert str(LoginRefused.from_callback("server_error", "try later")).endswith("Please log in again.")


def test_logout_revokes_the_tokens_at_globus(globus, fake_globus):
    identity = login(globus)
    assert globus.logout(identity.tokens) == []
    assert fake_globus.revoked == list(identity.tokens)
    token = identity.tokens[0]
    assert requests.get(f"{fake_globus.url}v2/oauth2/userinfo", headers={"Authorization": f"Bearer {token}"},
                        timeout=5).status_code == 401       # the token is useless now


def test_logout_is_best_effort_when_globus_is_down(fake_globus):
    offline = GlobusLogin(fake_globus.client_id, fake_globus.client_secret, base_url="http://127.0.0.1:9/",
                          max_retries=0)
    assert offline.logout(("a-token",)) == ["a-token"]
    assert offline.logout(()) == [] and offline.logout(None) == []


def test_logout_url_sends_the_browser_to_globus_and_back(globus, fake_globus):
    url = globus.logout_url("http://gas.test/")
    assert url.startswith(f"{fake_globus.url}v2/web/logout?")
    assert requests.get(url, timeout=5).status_code == 200
    assert fake_globus.logouts == [{"client": fake_globus.client_id, "redirect_uri": "http://gas.test/",
                                    "redirect_name": "GAS"}]


def _fields(identity):
    return identity.sub, identity.email, identity.name, identity.institution
