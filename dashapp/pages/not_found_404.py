"""Any path that is no page."""
import dash
import dash_bootstrap_components as dbc
from dash import html

dash.register_page(__name__, path="/404", name="Not found", title="Not found · GAS", order=9)


def layout(**_):
    return dbc.Alert(["There is no page here. ", html.A("Go to the home page", href="/", className="alert-link"), "."],
                     color="warning")
