"""Security headers on every response, and cookies that are Secure over HTTPS.

The Content-Security-Policy allows scripts from this site only, plus the
hashes of the few inline scripts Dash writes into its index page (Dash
computes them: `Dash.csp_hashes()`), so no inline script or `eval` of ours or
an attacker's runs. Additions, only when configured:

- Stripe keys set: Stripe.js (script and frames from js.stripe.com, calls to
  api.stripe.com), as Stripe documents for Elements;
- an object store outside this site (S3): the browser POSTs uploads straight
  to it, so its origin is allowed in connect-src.

Styles keep 'unsafe-inline': the grid and the Bootstrap components set inline
styles, and a style cannot run code.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, request
from flask.sessions import SecureCookieSessionInterface

STRIPE_JS = "https://js.stripe.com"
STRIPE_HOOKS = "https://hooks.stripe.com"
STRIPE_API = "https://api.stripe.com"
CSP_EXTENSION = "gas.csp"


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def upload_origin(services) -> str | None:
    """Where the browser sends uploads, when that is not this site (an S3 endpoint)."""
    try:
        url = services.inputs.upload_form("csp-probe", 1, 60).url   # signed locally, nothing is sent
    except Exception:   # e.g. no AWS credentials yet: allow S3's endpoints rather than break uploads
        return "https://*.amazonaws.com" if services.settings.backend == "aws" else None
    return _origin(url)


def content_security_policy(settings, services, inline_script_hashes: list[str]) -> str:
    script = ["'self'", *inline_script_hashes]
    connect = ["'self'"]
    frame = []
    if settings.stripe_publishable_key or settings.stripe_secret_key:
        script.append(STRIPE_JS)
        frame += [STRIPE_JS, STRIPE_HOOKS]
        connect.append(STRIPE_API)
        local_stripe = _origin(settings.stripe_api_base) if settings.stripe_api_base else None
        if local_stripe:   # tests against localstripe, which also serves its stand-in for Stripe.js
            script.append(local_stripe)
            connect.append(local_stripe)
    uploads = upload_origin(services)
    if uploads:
        connect.append(uploads)
    directives = {
        "default-src": ["'self'"],
        "script-src": script,
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": connect,
        "frame-src": frame or ["'none'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def _policy() -> str:
    app = current_app
    policy = app.extensions.get(CSP_EXTENSION)
    if policy is None:
        svc = app.extensions["gas"]
        dash_app = app.extensions.get("dash")
        hashes = dash_app.csp_hashes() if dash_app is not None else []
        policy = content_security_policy(svc.settings, svc, hashes)
        if dash_app is not None:   # final once the Dash app (and its inline scripts) exists
            app.extensions[CSP_EXTENSION] = policy
    return policy


def _add_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", _policy())
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # Download links carry signed tokens in their query: never send them to another site.
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


class SessionOverHttps(SecureCookieSessionInterface):
    """The session cookie is Secure when configured so, and whenever this request came over HTTPS."""

    def get_cookie_secure(self, app) -> bool:
        return super().get_cookie_secure(app) or request.is_secure


def secure_cookies(settings) -> bool:
    """Whether cookies must be Secure whatever the request says (behind HTTPS, or in production)."""
    return settings.base_url.startswith("https://") or settings.environment == "production"


def init_app(server: Flask, settings) -> None:
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure_cookies(settings),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=secure_cookies(settings),
    )
    server.session_interface = SessionOverHttps()
    server.after_request(_add_headers)
