"""Stable download links for pages: check the owner now, then redirect to a freshly signed URL."""
from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Flask, Response, abort, redirect, stream_with_context

from backend import services as usecases
from backend.domain import JobNotFound
from dashapp.context import services
from dashapp.guards import require_user
from dashapp.plain import message_page

bp = Blueprint("downloads", __name__)


@bp.get("/annotations/<job_id>/download/<which>")
def download(job_id: str, which: str):
    user = require_user()
    if which not in ("input", "result"):
        abort(404)
    try:
        url = usecases.fresh_download_url(services(), user, job_id, which)
    except JobNotFound:
        return message_page("Annotation not found", "There is no annotation with this id in your account.", 404)
    if url is None:   # not ready, archived, or past the Free window: the job page says which
        return redirect(f"/annotations/{job_id}")
    return redirect(url)


@bp.get("/annotations/<job_id>/download/table")
def download_table(job_id: str):
    """The results as a TSV (a row per ALT allele x transcript), made from the annotated VCF
    as it streams from the store, under the same owner and Free-window checks as the VCF."""
    user = require_user()
    try:
        table = usecases.result_table(services(), user, job_id)
    except JobNotFound:
        return message_page("Annotation not found", "There is no annotation with this id in your account.", 404)
    if table is None:
        return redirect(f"/annotations/{job_id}")
    name, lines = table
    body = (line.encode("utf-8", "surrogateescape") for line in lines)
    return Response(stream_with_context(body), mimetype="text/tab-separated-values",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


def init_app(server: Flask) -> None:
    server.register_blueprint(bp)
