"""Components that pages and callbacks both render: badges, times, job details.

User-supplied text (file names, log lines, reasons) only ever goes in as
component children or props, which React escapes.
"""
from __future__ import annotations

from datetime import datetime, timezone

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html

from backend.domain import ANNOTATION_MODES, ArchiveState, Job, JobStatus
from backend.services import JobFiles, result_name, table_name
from dashapp import ids

STATUS_COLORS = {
    JobStatus.PENDING: "secondary",
    JobStatus.RUNNING: "primary",
    JobStatus.COMPLETED: "success",
    JobStatus.FAILED: "danger",
}


def status_badge(status: JobStatus) -> dbc.Badge:
    return dbc.Badge(status.value, color=STATUS_COLORS[status], class_name="status-badge")


def duration(seconds: int) -> str:
    """A length of time in words: "30 minutes", "2 hours", "5 seconds"."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            n = seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def local_time(epoch: float | None, key: str) -> html.Time | str:
    """A time shown in the browser's zone (callbacks/common.py rewrites it); UTC without JS."""
    if epoch is None:
        return "—"
    moment = datetime.fromtimestamp(epoch, tz=timezone.utc)
    return html.Time(moment.strftime("%Y-%m-%d %H:%M:%S UTC"), dateTime=moment.isoformat(),
                     id={"type": ids.LOCAL_TIME, "index": key})


def page_header(title: str, subtitle: str | None = None) -> html.Div:
    return html.Div([html.H1(title, className="h3 mb-1"),
                     html.P(subtitle, className="text-muted mb-0") if subtitle else None],
                    className="mb-4")


def not_found(job_id: str | None) -> html.Div:
    return html.Div([
        page_header("Annotation not found"),
        dbc.Alert(["There is no annotation job ", html.Code(job_id or ""), " in your account. ",
                   html.A("See your annotations", href="/annotations", className="alert-link"), "."],
                  color="warning"),
    ])


def _row(label: str, value, row_id: str | None = None) -> html.Div:
    return dbc.Row([dbc.Col(label, md=3, class_name="text-muted fw-semibold"),
                    dbc.Col(value, md=9, class_name="text-break")],
                   class_name="py-2 border-bottom", id=row_id or f"row-{label.lower().replace(' ', '-')}")


def _progress(job: Job):
    # the words go under the bar: inside it, a short bar clips them ("220,000 / 2,0")
    if job.progress_total > 0:
        pct = min(100, round(100 * job.progress_done / job.progress_total))
        words = f"{job.progress_done:,} / {job.progress_total:,} variants ({pct}%)"
    else:
        pct, words = 100, "starting…"
    return html.Div([dbc.Progress(value=pct, striped=True, animated=True, style={"height": "0.9rem"}),
                     html.Div(words, className="form-text", id="progress-text")])


def _result_value(job: Job, files: JobFiles):
    if files.result_url:
        until = getattr(files, "download_until", None)
        link = html.Span([html.A(result_name(job), href=f"/annotations/{job.job_id}/download/result", id="result-link"),
                          html.Span(" · ", className="text-muted"),
                          html.A(table_name(job), href=f"/annotations/{job.job_id}/download/table", id="table-link"),
                          html.Span(" (a row per allele" + (" and transcript)" if job.annotation_mode == "all" else ")"),
                                    className="text-muted small")])
        if until is None:
            return link
        return html.Div([link, html.Div(["Free accounts can download results until ",
                                         local_time(until, "download-until"), "."],
                                        className="form-text")])
    if getattr(files, "result_state", None) == "restoring" or job.archive_state == ArchiveState.RESTORING:
        return html.Span([dbc.Spinner(size="sm", spinner_class_name="me-2"),
                          "Restoring from the archive; the download link appears here when it is back "
                          "(this can take a few hours)."], className="text-muted", id="result-restoring")
    window = "for a limited time"
    if files.download_until and job.complete_time:
        window = "for " + duration(round(files.download_until - job.complete_time))
    return html.Span([html.A("Upgrade to Premium", href="/subscribe", id="result-upgrade-link"),
                      f" to download: Free accounts can download results {window} after the job completes. "
                      "The input and the log stay available."], className="text-muted", id="result-upgrade")


def _problem_lines(job: Job, files: JobFiles) -> html.Div:
    """The first lines of the input that were not annotated, each with its number and why."""
    items = [html.Li([html.Span(f"line {n}: ", className="fw-semibold"), reason])
             for n, reason in job.problem_lines]
    more = "The log lists every line left out and why." if files.log_available else ""
    return html.Div([html.Ul(items, className="mb-1 ps-3 small", id="problem-lines"),
                     html.Div(more, className="form-text")])


def job_details(job: Job, files: JobFiles) -> dbc.Card:
    rows = [
        _row("Request ID", html.Code(job.job_id)),
        _row("Status", status_badge(job.status)),
        _row("Request time", local_time(job.submit_time, "submit")),
        _row("Input file", html.A(job.input_file_name, href=f"/annotations/{job.job_id}/download/input", id="input-link")),
        _row("Transcripts", ANNOTATION_MODES.get(job.annotation_mode, job.annotation_mode).capitalize()),
    ]
    if job.status == JobStatus.RUNNING:
        rows.append(_row("Progress", _progress(job)))
    if job.summary:
        rows.append(_row("Summary", job.summary))
    if job.problem_lines:
        rows.append(_row("Lines left out", _problem_lines(job, files)))
    if job.status == JobStatus.FAILED:
        rows.append(_row("Reason", dbc.Alert(job.failure_reason or "The annotation failed.",
                                            color="danger", class_name="mb-0 py-2")))
    if job.status == JobStatus.COMPLETED:
        rows += [
            _row("Complete time", local_time(job.complete_time, "complete")),
            _row("Annotated results", _result_value(job, files)),
        ]
    if files.log_available:
        rows.append(_row("Log file", html.A("View log", href=f"/annotations/{job.job_id}/log", id="log-link")))
    if not job.status.finished:
        rows.append(html.P("The results and the log appear here when the annotation finishes; "
                           "this page updates by itself, and you will get an email too.",
                           className="text-muted small mt-3 mb-0"))
    card = dbc.Card(dbc.CardBody(rows, class_name="px-4"), class_name="shadow-sm")
    if job.status == JobStatus.COMPLETED and job.consequence_counts:
        return html.Div([card, consequence_chart(job.consequence_counts)])
    return card


def bar_chart(counts: dict, axis_title: str, graph_id: str, labels: dict | None = None) -> dcc.Graph:
    """Horizontal bars, largest on top: the one way pages chart counts people compare."""
    ranked = sorted(counts.items(), key=lambda kv: kv[1])
    figure = go.Figure(go.Bar(x=[n for _, n in ranked], y=[(labels or {}).get(k, k) for k, _ in ranked],
                              orientation="h", marker_color="#0d6efd", text=[f"{n:,}" for _, n in ranked],
                              textposition="auto"))
    most = max([n for _, n in ranked] or [0])
    # Counts are whole and never negative: start at zero, and no 0.2 ticks on a small scale.
    xaxis = dict(title=axis_title, range=[0, max(most, 1) * 1.08], tickformat=",d", dtick=1 if most <= 5 else None)
    figure.update_layout(margin=dict(l=10, r=20, t=10, b=30), height=60 + 28 * len(ranked),
                         xaxis=xaxis, yaxis=dict(automargin=True), plot_bgcolor="white")
    return dcc.Graph(figure=figure, config={"displayModeBar": False}, id=graph_id)


def consequence_chart(counts: dict) -> dbc.Card:
    """ALT alleles by most severe consequence: what a researcher compares first."""
    return dbc.Card(dbc.CardBody([
        html.H2("Consequences", className="h5"),
        html.P("Each ALT allele counted once, by its most severe consequence (Sequence Ontology).",
               className="text-muted small"),
        bar_chart(counts, "ALT alleles", ids.CONSEQUENCE_CHART),
    ], class_name="px-4"), class_name="shadow-sm mt-4")


def job_settled(job: Job, files: JobFiles) -> bool:
    """Whether the job page can stop refreshing: finished, and no result on its way back from the archive."""
    return job.status.finished and files.result_state != "restoring"


def job_rows(jobs: list[Job]) -> list[dict]:
    """Rows for the jobs grid: plain values; the browser formats and links them."""
    return [{"job_id": j.job_id, "submit_time": j.submit_time, "input_file_name": j.input_file_name,
             "status": j.status.value} for j in jobs]


def all_finished(jobs: list[Job]) -> bool:
    return all(j.status.finished for j in jobs)
