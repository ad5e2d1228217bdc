"""A job's log, shown as text (escaped, in a <pre>)."""
import dash
import dash_bootstrap_components as dbc
from dash import html

from backend import services as usecases
from backend.domain import JobNotFound
from dashapp import ids
from dashapp.context import services
from dashapp.security import require_user
from dashapp.views import not_found, page_header

# Before the job page in the registry: its template would match this path too.
dash.register_page(__name__, path_template="/annotations/<job_id>/log", name="Log",
                   title="Log · GAS", order=3)


def layout(job_id=None, **_):
    user = require_user()
    try:
        text = usecases.read_log(services(), user, job_id)
    except (JobNotFound, KeyError):
        return not_found(job_id)
    return html.Div([
        page_header("Annotation log", None),
        html.P(["For job ", html.A(job_id, href=f"/annotations/{job_id}", className="font-monospace")],
               className="text-muted"),
        dbc.Card(dbc.CardBody(html.Pre(text, id=ids.LOG_TEXT, className="log-text mb-0")), class_name="shadow-sm"),
    ])
