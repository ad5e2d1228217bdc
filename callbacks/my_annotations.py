"""My annotations: refresh the grid while any job is unfinished."""
from __future__ import annotations

from dash import Dash, Input, Output

from backend import services as usecases
from dashapp import ids
from dashapp.context import services
from dashapp.security import require_user
from dashapp.views import all_finished, job_rows


def refresh_jobs(_n_intervals):
    jobs = usecases.list_jobs(services(), require_user())
    return job_rows(jobs), all_finished(jobs)


def register(app: Dash) -> None:
    app.callback(
        Output(ids.JOBS_GRID, "rowData"),
        Output(ids.JOBS_INTERVAL, "disabled"),
        Input(ids.JOBS_INTERVAL, "n_intervals"),
        prevent_initial_call=True,
    )(refresh_jobs)
