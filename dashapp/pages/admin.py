"""Admin: users by tier and queue depths (the fuller usage-stats page builds on this)."""
import dash
import dash_bootstrap_components as dbc
from dash import html

from backend.admin_stats import queue_depths, users_by_tier
from dashapp import ids
from dashapp.context import services
from dashapp.guards import ADMIN, require_admin
from dashapp.views import bar_chart, page_header

# access=ADMIN: the full page load and Dash's page router both refuse non-admins (dashapp/guards.py).
dash.register_page(__name__, path="/admin", name="Admin", title="Admin · GAS", order=8, access=ADMIN)

TIER_LABELS = {"free_user": "Free", "premium_user": "Premium", "admin": "Admins"}


def _counts_table(counts: dict, labels: dict | None = None, table_id: str = "") -> dbc.Table:
    rows = [html.Tr([html.Td((labels or {}).get(k, k)), html.Td(f"{v:,}", className="text-end")])
            for k, v in counts.items()]
    return dbc.Table(html.Tbody(rows), id=table_id, class_name="mb-0", size="sm")


def _panel(title: str, counts: dict, labels: dict | None, table_id: str, axis_title: str) -> dbc.Col:
    return dbc.Col(dbc.Card(dbc.CardBody([
        html.H2(title, className="h5"),
        bar_chart(counts, axis_title, f"{table_id}-chart", labels),
        _counts_table(counts, labels, table_id),
    ]), class_name="shadow-sm"), md=6, class_name="mb-3")


def layout(**_):
    require_admin()
    svc = services()
    return html.Div([
        page_header("Admin", "Users and queues right now."),
        dbc.Row([
            _panel("Users by tier", users_by_tier(svc.users), TIER_LABELS, ids.ADMIN_USERS, "users"),
            _panel("Messages waiting", queue_depths(svc.bus), None, ids.ADMIN_QUEUES, "messages"),
        ]),
    ])
