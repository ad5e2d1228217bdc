"""Job details: re-render while the job is unfinished or its result is being restored; then stop polling."""
from __future__ import annotations

from dash import Dash, Input, Output, State

from backend import services as usecases
from backend.domain import JobNotFound
from dashapp import ids
from dashapp.context import services
from dashapp.security import require_user
from dashapp.views import job_details, job_settled, not_found


def refresh_job(_n_intervals, job_id):
    user = require_user()
    svc = services()
    try:
        job = usecases.get_job(svc, user, job_id)
    except JobNotFound:
        return not_found(job_id), True
    files = usecases.job_files(svc, user, job)
    return job_details(job, files), job_settled(job, files)


def register(app: Dash) -> None:
    app.callback(
        Output(ids.JOB_DETAILS, "children"),
        Output(ids.JOB_INTERVAL, "disabled"),
        Input(ids.JOB_INTERVAL, "n_intervals"),
        State(ids.JOB_ID_STORE, "data"),
        prevent_initial_call=True,
    )(refresh_job)
