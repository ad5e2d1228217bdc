"""Callbacks that any page uses."""
from __future__ import annotations

from dash import ALL, Dash, Input, Output

from dashapp import ids


def register(app: Dash) -> None:
    # Times are sent as ISO instants and shown in the browser's own time zone.
    app.clientside_callback(
        "function (instants) { return instants.map(window.gasFormatTime); }",
        Output({"type": ids.LOCAL_TIME, "index": ALL}, "children"),
        Input({"type": ids.LOCAL_TIME, "index": ALL}, "dateTime"),
    )
