"""My annotations: a live grid of the user's jobs, newest first."""
import dash
import dash_ag_grid as dag
from dash import dcc, html

from backend import services as usecases
from dashapp import ids
from dashapp.context import services
from dashapp.security import require_user
from dashapp.views import all_finished, job_rows, page_header

dash.register_page(__name__, path="/annotations", name="My annotations", title="My annotations · GAS", order=2)

REFRESH_MS = 3000

COLUMNS = [
    # FileLink, JobLink and StatusBadge are in assets/dashAgGridComponentFunctions.js; they
    # build elements with React, so the values are escaped. File and status come first, so a
    # phone shows them without scrolling sideways.
    {"field": "input_file_name", "headerName": "Input file", "cellRenderer": "FileLink", "flex": 1.4,
     "minWidth": 170},
    {"field": "status", "headerName": "Status", "cellRenderer": "StatusBadge", "flex": 1, "minWidth": 130},
    {"field": "submit_time", "headerName": "Requested", "flex": 1.5, "minWidth": 230, "sort": "desc",
     "valueFormatter": {"function": "gasLocalTime(params.value)"}},
    {"field": "job_id", "headerName": "Request ID", "cellRenderer": "JobLink", "flex": 2.2, "minWidth": 350},
]


def layout(**_):
    jobs = usecases.list_jobs(services(), require_user())
    return html.Div([
        html.Div([
            page_header("My annotations", "Your annotation jobs, newest first. This list updates by itself."),
            html.A("Request annotation", href="/annotate", className="btn btn-primary"),
        ], className="d-flex justify-content-between align-items-start"),
        dag.AgGrid(
            id=ids.JOBS_GRID,
            rowData=job_rows(jobs),
            columnDefs=COLUMNS,
            getRowId="params.data.job_id",
            defaultColDef={"sortable": True, "resizable": True},
            dashGridOptions={"domLayout": "autoHeight", "rowHeight": 44,
                             "localeText": {"noRowsToShow": "No annotations yet. Request one to get started."}},
            className="ag-theme-quartz shadow-sm",
            style={"width": "100%"},
        ),
        dcc.Interval(id=ids.JOBS_INTERVAL, interval=REFRESH_MS, disabled=all_finished(jobs)),
    ])
