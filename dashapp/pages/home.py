"""Home: what GAS does, and the way in."""
import dash
import dash_bootstrap_components as dbc
from dash import html
from flask_login import current_user

dash.register_page(__name__, path="/", name="Home", title="GAS · Genomics Annotation Service", order=0)

STEPS = [
    ("Upload a VCF", "Plain or gzipped VCF, version 3.3 to 4.4, on GRCh38; GRCh37 and NCBI36 files "
                     "are lifted over. The file goes straight to storage."),
    ("We annotate it", "Each ALT allele gets its genes and transcripts (MANE Select flagged), Sequence "
                       "Ontology consequence and impact, HGVS c. and p., ClinVar significance and cytoband."),
    ("Download the result", "An annotated VCF (VEP-style CSQ), a table with a row per allele and transcript, "
                            "and a log with counts, linked from the job page and emailed to you."),
]


def layout(**_):
    if current_user.is_authenticated:
        actions = [dbc.Button("Request annotation", href="/annotate", external_link=True, size="lg", class_name="me-2"),
                   dbc.Button("My annotations", href="/annotations", external_link=True, size="lg",
                              color="secondary", outline=True)]
    else:
        actions = [dbc.Button("Register", href="/register", external_link=True, size="lg", class_name="me-2"),
                   dbc.Button("Log in", href="/login", external_link=True, size="lg", color="secondary", outline=True)]
    return html.Div([
        html.Div([
            html.H1("Genomics Annotation Service", className="display-6 fw-semibold"),
            html.P("Annotate the variants in your VCF files against GRCh38 gene models, "
                   "and keep every result one click away.", className="lead text-muted"),
            html.Div(actions, className="mt-4"),
        ], className="p-5 mb-4 bg-white border rounded-3 shadow-sm"),
        dbc.Row([dbc.Col(dbc.Card(dbc.CardBody([
            html.Div(str(i), className="step-number mb-2"),
            html.H2(title, className="h5"), html.P(text, className="text-muted mb-0")]), class_name="h-100"),
            md=4, class_name="mb-3") for i, (title, text) in enumerate(STEPS, 1)]),
    ])
