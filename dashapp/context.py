"""How a request reaches the process's Services (built once by create_app)."""
from __future__ import annotations

from flask import current_app

from backend.bootstrap import Services

EXTENSION = "gas"


def services() -> Services:
    return current_app.extensions[EXTENSION]
