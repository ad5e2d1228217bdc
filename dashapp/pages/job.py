"""Job details: status, times, files and log of one of the user's jobs."""
import dash
from dash import dcc, html

from backend import services as usecases
from backend.domain import JobNotFound
from dashapp import ids
from dashapp.context import services
from dashapp.security import require_user
from dashapp.views import job_details, job_settled, not_found, page_header

dash.register_page(__name__, path_template="/annotations/<job_id>", name="Annotation",
                   title="Annotation · GAS", order=4)

REFRESH_MS = 2000


def layout(job_id=None, **_):
    user = require_user()
    svc = services()
    try:
        job = usecases.get_job(svc, user, job_id)
    except JobNotFound:
        return not_found(job_id)
    files = usecases.job_files(svc, user, job)
    return html.Div([
        page_header("Annotation job details"),
        html.Div(job_details(job, files), id=ids.JOB_DETAILS),
        dcc.Store(id=ids.JOB_ID_STORE, data=job.job_id),
        dcc.Interval(id=ids.JOB_INTERVAL, interval=REFRESH_MS, disabled=job_settled(job, files)),
        html.A("← All annotations", href="/annotations", className="d-inline-block mt-3"),
    ])
