"""Dash callbacks, one module per page. Each calls only the service layer."""
from __future__ import annotations

from dash import Dash


def register_all(app: Dash) -> None:
    from callbacks import common, job, my_annotations, tokens
    for module in (common, my_annotations, job, tokens):
        module.register(app)
