"""A fake Globus Auth on 127.0.0.1: the endpoints globus-sdk calls for a confidential web app.

It behaves like auth.globus.org where GAS can tell the difference: client
credentials by HTTP Basic, single-use codes bound to their redirect URI,
`invalid_grant` (401) for any other code, bearer tokens checked at userinfo,
revocation that makes a token useless, and an RS512-signed id_token with
the OIDC discovery document and JWKS to check it. Its state is inspectable:
tests assert on `revoked`, `authorize_requests` and `logouts`, not on mocks.

"Logging in" at /v2/oauth2/authorize needs no browser: the fake signs in
`next_identity` at once and redirects back with a code.
"""
from __future__ import annotations

import json
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlencode

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, jsonify, redirect, request
from werkzeug.serving import make_server

DEFAULT_IDENTITY = {
    "sub": "b3c1f0f2-5a0e-4bd3-9c3e-6f1d2a7e9b10",
    "email": "ada@uchicago.edu",
    "name": "Ada Lovelace",
    "preferred_username": "ada@uchicago.edu",
    "organization": "University of Chicago",
    "identity_provider": "41143743-f3c8-4d60-bbdb-eeecaba85bd9",
    "identity_provider_display_name": "University of Chicago",
}


@dataclass
class FakeGlobusAuth:
    client_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    next_identity: dict = field(default_factory=lambda: dict(DEFAULT_IDENTITY))
    codes: dict = field(default_factory=dict)            # code -> {"redirect_uri", "identity", "scope"}
    tokens: dict = field(default_factory=dict)           # access/refresh token -> identity claims
    revoked: list = field(default_factory=list)          # tokens revoked, in order
    authorize_requests: list = field(default_factory=list)
    logouts: list = field(default_factory=list)
    url: str = ""

    def __post_init__(self):
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._kid = secrets.token_hex(8)
        self._lock = threading.Lock()
        self.app = self._build_app()

    # ---- running -------------------------------------------------------
    def start(self) -> "FakeGlobusAuth":
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}/"
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-globus-auth", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(5)

    def reset(self) -> None:
        with self._lock:
            self.next_identity = dict(DEFAULT_IDENTITY)
            for store in (self.codes, self.tokens):
                store.clear()
            for log in (self.revoked, self.authorize_requests, self.logouts):
                log.clear()

    # ---- helpers ---------------------------------------------------------
    def _client_ok(self) -> bool:
        auth = request.authorization
        return bool(auth) and auth.type == "basic" and auth.username == self.client_id \
            and secrets.compare_digest(auth.password or "", self.client_secret)

    def _id_token(self, identity: dict) -> str:
        now = int(time.time())
        claims = {**identity, "iss": self.url.rstrip("/"), "aud": self.client_id,
                  "iat": now, "exp": now + 172800, "last_authentication": now}
        return jwt.encode(claims, self._key, algorithm="RS512", headers={"kid": self._kid})

    def _jwk(self) -> dict:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key()))
        return {**public, "alg": "RS512", "use": "sig", "kid": self._kid}

    # ---- the endpoints ---------------------------------------------------
    def _build_app(self) -> Flask:
        app = Flask("fake_globus_auth")

        def oauth_error(error: str, status: int):
            return jsonify({"error": error}), status

        @app.get("/.well-known/openid-configuration")
        def openid_configuration():
            base = self.url.rstrip("/")
            return jsonify({
                "issuer": base,
                "authorization_endpoint": f"{base}/v2/oauth2/authorize",
                "token_endpoint": f"{base}/v2/oauth2/token",
                "userinfo_endpoint": f"{base}/v2/oauth2/userinfo",
                "revocation_endpoint": f"{base}/v2/oauth2/token/revoke",
                "jwks_uri": f"{base}/jwk.json",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS512"],
                "scopes_supported": ["openid", "email", "profile"],
            })

        @app.get("/jwk.json")
        def jwks():
            return jsonify({"keys": [self._jwk()]})

        @app.get("/v2/oauth2/authorize")
        def authorize():
            args = request.args.to_dict()
            self.authorize_requests.append(args)
            if args.get("client_id") != self.client_id or args.get("response_type") != "code":
                return "Unknown client or response type", 400
            code = secrets.token_urlsafe(24)
            with self._lock:
                self.codes[code] = {"redirect_uri": args["redirect_uri"], "scope": args.get("scope", ""),
                                    "identity": dict(self.next_identity)}
            return redirect(f"{args['redirect_uri']}?{urlencode({'code': code, 'state': args.get('state', '')})}")

        @app.post("/v2/oauth2/token")
        def token():
            if not self._client_ok():
                return oauth_error("invalid_client", 401)
            form = request.form
            if form.get("grant_type") != "authorization_code":
                return oauth_error("unsupported_grant_type", 400)
            with self._lock:
                grant = self.codes.pop(form.get("code", ""), None)   # single use, like Globus
            if grant is None or grant["redirect_uri"] != form.get("redirect_uri"):
                return oauth_error("invalid_grant", 401)
            access = secrets.token_urlsafe(32)
            scopes = grant["scope"].split()
            identity = {k: v for k, v in grant["identity"].items()
                        if "email" in scopes or k != "email"}
            with self._lock:
                self.tokens[access] = identity
            body = {"access_token": access, "scope": " ".join(sorted(scopes)), "expires_in": 172800,
                    "token_type": "Bearer", "resource_server": "auth.globus.org", "state": "_default",
                    "other_tokens": []}
            if "openid" in scopes:
                body["id_token"] = self._id_token(identity)
            return jsonify(body)

        @app.route("/v2/oauth2/userinfo", methods=["GET", "POST"])
        def userinfo():
            header = request.headers.get("Authorization", "")
            token = header[len("Bearer "):] if header.startswith("Bearer ") else ""
            identity = self.tokens.get(token)
            if identity is None:
                return jsonify({"errors": [{"status": "401", "code": "UNAUTHORIZED",
                                            "detail": "Call must be authenticated"}]}), 401
            return jsonify(identity)

        @app.post("/v2/oauth2/token/revoke")
        def revoke():
            if not self._client_ok():
                return oauth_error("invalid_client", 401)
            token = request.form.get("token", "")
            with self._lock:
                self.revoked.append(token)
                self.tokens.pop(token, None)
            return jsonify({"active": False})

        @app.get("/v2/web/logout")
        def web_logout():
            self.logouts.append(request.args.to_dict())
            return f"You have logged out of Globus. Return to {request.args.get('redirect_name', 'the app')}."

        return app
