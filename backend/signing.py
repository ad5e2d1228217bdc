"""Signed, expiring tokens for the local object store's upload and download URLs.

The local equivalent of S3 presigning: the token carries what it allows and
until when, signed with the app's secret, so any web process can check it.
"""
from __future__ import annotations

import time

from itsdangerous import BadSignature, URLSafeSerializer


class TokenInvalid(Exception):
    """The token was forged, altered or has expired."""


class Signer:
    def __init__(self, secret: str, purpose: str):
        self._serializer = URLSafeSerializer(secret, salt=f"gas-{purpose}")

    def sign(self, payload: dict, expires_in: int) -> str:
        return self._serializer.dumps({**payload, "exp": int(time.time()) + int(expires_in)})

    def verify(self, token: str) -> dict:
        try:
            payload = self._serializer.loads(token)
        except BadSignature as exc:
            raise TokenInvalid("This link is not valid.") from exc
        if payload.get("exp", 0) < time.time():
            raise TokenInvalid("This link has expired; open the job page again for a fresh one.")
        return payload
