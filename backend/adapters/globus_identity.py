"""Globus Auth login: the OAuth2 authorization-code flow through globus-sdk.

The web routes own the browser side (redirect out, read the callback, keep
`state` in the session); this module owns the conversation with Globus Auth:
the authorize URL, the code exchange, the identity, and token revocation at
logout.

Where the identity comes from: the userinfo endpoint, called with the
access token that the code exchange just returned. That answer comes straight
from Globus over TLS, so it needs no signature check (OIDC Core 3.1.3.7 allows
the same for an id_token received this way), and it does not depend on our
clock agreeing with Globus's or on the JWKS holding one key: globus-sdk's
id_token check only tries the first published key, which would refuse every
login while Globus rotates keys. The cost is one more request per login.

Nothing here reads the environment: globus-sdk itself honours
GLOBUS_SDK_SERVICE_URL_AUTH (and GLOBUS_SDK_ENVIRONMENT) when no `base_url`
is given, which is how the tests point it at a local fake.
"""
from __future__ import annotations

import hmac
import secrets
import urllib.parse
from dataclasses import dataclass, field

import globus_sdk
from globus_sdk.services.auth.flow_managers import GlobusAuthorizationCodeFlowManager

SCOPES = "openid email profile"
AUTH_RESOURCE_SERVER = "auth.globus.org"

_TRY_AGAIN = "Please log in again."


class LoginRefused(Exception):
    """Globus did not let this sign-in through; str() is a sentence to show the person."""

    @classmethod
    def from_callback(cls, error: str, description: str | None = None) -> "LoginRefused":
        """The callback came back with `?error=...` instead of a code (the person said no, or Globus did)."""
        if error == "access_denied":
            return cls("The Globus sign-in was cancelled, so you are not logged in. "
                       "Log in again and allow GAS to see your name and email to continue.")
        detail = f" ({description})" if description else ""
        return cls(f"Globus could not sign you in{detail}. {_TRY_AGAIN}")


class GlobusUnavailable(LoginRefused):
    """Globus Auth could not be reached or failed on its side; nothing is wrong with the person's account."""


@dataclass(frozen=True)
class Identity:
    """Who Globus says signed in, and the tokens GAS holds for them (revoke them at logout)."""
    sub: str                        # Globus identity id (a UUID): the stable key, emails can change
    email: str
    name: str
    institution: str | None         # the identity's organization, when the identity provider gives one
    tokens: tuple[str, ...] = field(default=(), repr=False)   # access and refresh tokens, for logout()


def new_state() -> str:
    """A fresh unguessable `state` for one login attempt; keep it in the session until the callback."""
    return secrets.token_urlsafe(32)


def state_matches(expected: str | None, got: str | None) -> bool:
    """True only when the callback's `state` is the one this session sent out (constant-time)."""
    if not expected or not got:
        return False
    return hmac.compare_digest(expected.encode(), got.encode())


class GlobusLogin:
    """Sign people in through Globus Auth as the confidential app registered with `client_id`.

    Holds no per-login state, so one instance serves every request and thread.
    Nothing connects until a method that needs Globus is called.
    """

    def __init__(self, client_id: str, client_secret: str, base_url: str | None = None,
                 http_timeout: float = 15.0, max_retries: int = 2):
        # A person is waiting in the browser: fail in seconds, not the SDK's minutes.
        transport = globus_sdk.transport.RequestsTransport(http_timeout=http_timeout)
        self.client = globus_sdk.ConfidentialAppAuthClient(
            client_id, client_secret, base_url=base_url, transport=transport,
            retry_config=globus_sdk.transport.RetryConfig(max_retries=max_retries))

    @property
    def client_id(self) -> str:
        return str(self.client.client_id)

    def _flow(self, redirect_uri: str, state: str = "_default") -> GlobusAuthorizationCodeFlowManager:
        # A flow manager per call, not client.oauth2_start_flow(): that one lives on the
        # shared client, and two concurrent logins would overwrite each other's redirect and state.
        return GlobusAuthorizationCodeFlowManager(self.client, redirect_uri, SCOPES, state=state)

    def authorize_url(self, redirect_uri: str, state: str) -> str:
        """Where to send the browser to log in; Globus comes back to `redirect_uri` with `code` and `state`."""
        return self._flow(redirect_uri, state).get_authorize_url()

    def finish(self, code: str, redirect_uri: str) -> Identity:
        """Exchange the callback's `code` for tokens and read who signed in.

        Check `state_matches` before calling this. Raises LoginRefused when Globus
        refuses the code (expired, used twice, forged) and GlobusUnavailable when
        Globus cannot be reached.
        """
        if not code:
            raise LoginRefused(f"The Globus sign-in did not finish. {_TRY_AGAIN}")
        with _translated_errors("exchanging the sign-in code"):
            tokens = self._flow(redirect_uri).exchange_code_for_tokens(code)
        held = _token_strings(tokens.by_resource_server)
        auth_tokens = tokens.by_resource_server.get(AUTH_RESOURCE_SERVER)
        if not auth_tokens:
            self.logout(held)
            raise LoginRefused("Globus signed you in but did not share your identity with GAS. "
                               "Log in again and allow GAS to see your name and email.")
        userinfo = globus_sdk.AuthClient(
            base_url=self.client.base_url, transport=self.client.transport,
            authorizer=globus_sdk.AccessTokenAuthorizer(auth_tokens["access_token"]))
        with _translated_errors("reading your identity"):
            claims = userinfo.userinfo().data
        email = (claims.get("email") or "").strip()
        if not claims.get("sub") or not email:
            self.logout(held)
            raise LoginRefused("Your Globus identity has no email address, which GAS needs to send you "
                               "results. Add one to your Globus account, or link an identity that has one, "
                               "and log in again.")
        return Identity(sub=claims["sub"], email=email,
                        name=(claims.get("name") or claims.get("preferred_username") or email).strip(),
                        institution=(claims.get("organization") or "").strip() or None,
                        tokens=held)

    def logout(self, tokens) -> list[str]:
        """Revoke every token GAS holds for this person at Globus, so they are useless afterwards.

        Best effort: a token Globus no longer knows, or Globus being down, must not
        stop our own logout; returns the tokens that could not be revoked.
        """
        failed = []
        for token in tokens or ():
            try:
                self.client.oauth2_revoke_token(token)
            except (globus_sdk.GlobusAPIError, globus_sdk.NetworkError):
                failed.append(token)
        return failed

    def logout_url(self, redirect_uri: str, redirect_name: str = "GAS") -> str:
        """Globus's own logout page, which ends the person's Globus web session and links back to us.

        Optional after logout(): without it, the next "Log in with Globus" may go
        straight through on a shared computer because Globus still remembers the person.
        """
        query = urllib.parse.urlencode({"client": self.client_id, "redirect_uri": redirect_uri,
                                        "redirect_name": redirect_name})
        return f"{self.client.base_url.rstrip('/')}/v2/web/logout?{query}"


def _token_strings(by_resource_server: dict) -> tuple[str, ...]:
    found = []
    for info in by_resource_server.values():
        found += [info[k] for k in ("access_token", "refresh_token") if info.get(k)]
    return tuple(found)


class _translated_errors:
    """Turn globus-sdk's errors into LoginRefused / GlobusUnavailable with a sentence a person reads."""

    def __init__(self, doing: str):
        self.doing = doing

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc is None:
            return False
        if isinstance(exc, globus_sdk.NetworkError):
            raise GlobusUnavailable(f"Globus could not be reached while {self.doing}. "
                                    "Try again in a few minutes, or log in with a GAS account.") from exc
        if isinstance(exc, globus_sdk.GlobusAPIError):
            if exc.http_status >= 500:
                raise GlobusUnavailable(f"Globus had a problem while {self.doing}. "
                                        "Try again in a few minutes, or log in with a GAS account.") from exc
            oauth_error = exc.raw_json.get("error") if isinstance(exc.raw_json, dict) else None
            if oauth_error in ("invalid_client", "unauthorized_client"):
                # Our registration is wrong, not the person's login: say so, the operator must act.
                raise LoginRefused("GAS could not sign you in with Globus because its Globus app "
                                   "registration is not accepted. Please tell the GAS administrators; "
                                   "meanwhile, log in with a GAS account.") from exc
            raise LoginRefused("Globus did not accept this sign-in: the link may have expired or been used "
                               f"already. {_TRY_AGAIN}") from exc
        return False
