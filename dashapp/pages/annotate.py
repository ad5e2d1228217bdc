"""Request annotation: choose a VCF and submit.

assets/upload.js does the work in the browser (signed form, direct upload with
progress, job creation); this page only lays out what it drives.
"""
import dash
import dash_bootstrap_components as dbc
from dash import html

from backend import services as usecases
from dashapp import ids
from dashapp.context import services
from dashapp.security import require_user
from dashapp.views import page_header

dash.register_page(__name__, path="/annotate", name="Request annotation", title="Request annotation · GAS", order=1)


_MODE_CHOICES = (
    ("all", "Every transcript: one CSQ entry per ALT allele and transcript (like VEP)"),
    ("most_severe", "Most severe only: one CSQ entry per ALT allele, its most severe consequence"),
)


def _limit_text(limit: int | None) -> list:
    if limit is None:
        return ["Premium account: files of any size."]
    return [f"Free account: files up to {limit / 1024:,.0f} KiB (a gzipped file counts at its uncompressed size). ",
            html.A("Upgrade to Premium", href="/subscribe", id="limit-upgrade-link"), " for larger files."]


def layout(**_):
    user = require_user()
    limit = usecases.upload_limit(services(), user)
    return html.Div([
        page_header("Request annotation", "Choose a VCF file (plain or gzipped) and press Submit."),
        dbc.Card(dbc.CardBody([
            html.Form([
                dbc.Label("Input file", html_for=ids.UPLOAD_FILE),
                # upload.js puts a native <input type=file> in this holder: Dash has no such
                # component (dcc.Upload would send the file through a callback as base64).
                html.Div(id=ids.UPLOAD_FILE_HOLDER, className="mb-2", **{"data-input-id": ids.UPLOAD_FILE}),
                html.P(_limit_text(limit), id=ids.UPLOAD_LIMIT, className="form-text mb-3",
                       **{"data-max-bytes": "" if limit is None else str(limit)}),
                dbc.Label("Transcripts per variant", html_for=ids.UPLOAD_MODE),
                # upload.js reads the checked input when it creates the job
                dbc.RadioItems(id=ids.UPLOAD_MODE, options=[{"label": text, "value": mode}
                                                            for mode, text in _MODE_CHOICES],
                               value="all", class_name="mb-3"),
                dbc.Progress(id=ids.UPLOAD_PROGRESS, value=0, label="", class_name="mb-3 d-none",
                             style={"height": "1.4rem"}),
                dbc.Alert(id=ids.UPLOAD_ALERT, is_open=False, color="danger", fade=False),
                dbc.Button("Submit", id=ids.UPLOAD_SUBMIT, type="submit", color="primary", class_name="px-4"),
            ], id=ids.UPLOAD_FORM),
        ], class_name="p-4"), class_name="shadow-sm"),
    ])

