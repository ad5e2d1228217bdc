"""Admin: users by tier and queue depths (the fuller usage-stats page builds on this)."""
import dash
import dash_bootstrap_components as dbc
from dash import html

from backend.admin_stats import queue_depths, users_by_tier
from dashapp import ids
from dashapp.context import services
from dashapp.guards import ADMIN, require_admin
from dashapp.views import page_header

# access=ADMIN: the full page load and Dash's page router both refuse non-admins (dashapp/guards.py).
dash.register_page(__name__, path="/admin", name="Admin", title="Admin · GAS", order=8, access=ADMIN)

TIER_LABELS = {"free_user": "Free", "premium_user": "Premium", "admin": "Admins"}


def _counts_table(counts: dict, labels: dict | None = None, table_id: str = "") -> dbc.Table:
    rows = [html.Tr([html.Td((labels or {}).get(k, k)), html.Td(f"{v:,}", className="text-end")])
            for k, v in counts.items()]
    return dbc.Table(html.Tbody(rows), id=table_id, class_name="mb-0", size="sm")


def layout(**_):
    require_admin()
    svc = services()
    return html.Div([
        page_header("Admin", "Users and queues right now."),
        dbc.Row([
            dbc.Col(dbc.Card(dbc.CardBody([html.H2("Users by tier", className="h5"),
                                           _counts_table(users_by_tier(svc.users), TIER_LABELS, ids.ADMIN_USERS)]),
                             class_name="shadow-sm"), md=6, class_name="mb-3"),
            dbc.Col(dbc.Card(dbc.CardBody([html.H2("Messages waiting", className="h5"),
                                           _counts_table(queue_depths(svc.bus), None, ids.ADMIN_QUEUES)]),
                             class_name="shadow-sm"), md=6, class_name="mb-3"),
        ]),
    ])
