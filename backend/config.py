"""Settings: defaults, then the environment, then explicit overrides (tests).

Every knob of the service lives here so that nothing else reads os.environ.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

DEV_SECRET = "dev-only-not-secret"


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


@dataclass(frozen=True)
class Settings:
    backend: str = "local"                       # "local" or "aws"
    data_dir: Path = Path("var")                 # local adapters keep everything under here
    secret_key: str = DEV_SECRET
    environment: str = "development"
    base_url: str = "http://127.0.0.1:8050"      # used in emails
    free_user_max_upload: int = 150 * 1024       # bytes
    free_user_data_retention: int = 30 * 60      # seconds after completion
    upload_url_expiry: int = 15 * 60             # seconds a signed upload form is valid
    download_url_expiry: int = 5 * 60            # seconds a signed download link is valid
    queue_visibility_timeout: int = 120          # seconds before an unacked message comes back
    queue_max_receives: int = 5                  # then it goes to the dead-letter queue
    poll_wait_seconds: float = 2.0
    annotator_processes: int = 2
    archive_thaw_seconds: int = 120              # local cold archive: how long a restore takes
    database_url: str = ""                       # users DB; empty means SQLite under data_dir
    mail_from: str = "GAS <noreply@gas.local>"
    reference_dir: Path | None = None            # anntools data; None means anntools' default
    stripe_secret_key: str = ""                  # empty: demo billing
    stripe_publishable_key: str = ""
    stripe_webhook_secret: str = ""
    stripe_price_id: str = ""                    # the weekly Premium price; created if empty
    stripe_api_base: str = ""                    # for tests against localstripe
    globus_client_id: str = ""                   # with the secret: "Log in with Globus" is offered
    globus_client_secret: str = ""
    aws: dict = field(default_factory=dict)      # names of buckets, table, topics, queues

    @property
    def users_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'users.db').resolve()}"

    def check_production_safe(self) -> None:
        """Refuse to run outside development with the well-known dev secret."""
        if self.environment != "development" and self.secret_key == DEV_SECRET:
            raise RuntimeError(
                "GAS_SECRET_KEY must be set to a long random value when GAS_ENV is not "
                "'development'. Generate one with: python -c 'import secrets; print(secrets.token_hex(32))'"
            )


def load_settings(**overrides) -> Settings:
    env = os.environ
    base = Settings(
        backend=env.get("GAS_BACKEND", "local"),
        data_dir=Path(env.get("GAS_DATA_DIR", "var")),
        secret_key=env.get("GAS_SECRET_KEY", DEV_SECRET),
        environment=env.get("GAS_ENV", "development"),
        base_url=env.get("GAS_BASE_URL", "http://127.0.0.1:8050"),
        free_user_max_upload=_env_int("FREE_USER_MAX_UPLOAD", 150 * 1024),
        free_user_data_retention=_env_int("FREE_USER_DATA_RETENTION", 30 * 60),
        upload_url_expiry=_env_int("GAS_UPLOAD_URL_EXPIRY", 15 * 60),
        download_url_expiry=_env_int("GAS_DOWNLOAD_URL_EXPIRY", 5 * 60),
        queue_visibility_timeout=_env_int("GAS_QUEUE_VISIBILITY_TIMEOUT", 120),
        queue_max_receives=_env_int("GAS_QUEUE_MAX_RECEIVES", 5),
        annotator_processes=_env_int("GAS_ANNOTATORS", 2),
        archive_thaw_seconds=_env_int("GAS_ARCHIVE_THAW_SECONDS", 120),
        database_url=env.get("DATABASE_URL", ""),
        mail_from=env.get("GAS_MAIL_FROM", "GAS <noreply@gas.local>"),
        reference_dir=Path(env["GAS_REFERENCE_DIR"]) if env.get("GAS_REFERENCE_DIR") else None,
        stripe_secret_key=env.get("STRIPE_SECRET_KEY", ""),
        stripe_publishable_key=env.get("STRIPE_PUBLISHABLE_KEY", ""),
        stripe_webhook_secret=env.get("STRIPE_WEBHOOK_SECRET", ""),
        stripe_price_id=env.get("STRIPE_PRICE_ID", ""),
        stripe_api_base=env.get("STRIPE_API_BASE", ""),
        globus_client_id=env.get("GAS_CLIENT_ID", ""),
        globus_client_secret=env.get("GAS_CLIENT_SECRET", ""),
        aws={k[len("GAS_AWS_"):].lower(): v for k, v in env.items() if k.startswith("GAS_AWS_")},
    )
    known = {f.name for f in fields(Settings)}
    unknown = set(overrides) - known
    if unknown:
        raise TypeError(f"unknown settings: {sorted(unknown)}")
    return replace(base, **overrides)


def random_secret() -> str:
    return secrets.token_hex(32)
