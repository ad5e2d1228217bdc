"""The JSON routes that assets/upload.js calls, and the health check (scripts use /api/v1: api_v1.py).

Uploading is three steps, the shape of an S3 presigned POST: ask for a signed
form (/api/uploads), send the file straight to the store with it, then create
the job (/api/jobs). The file never passes through a Dash callback.
"""
from __future__ import annotations

from flask import Blueprint, Flask, jsonify, request

from backend import services as usecases
from backend.domain import UploadRejected
from dashapp.context import services
from dashapp.security import require_user

bp = Blueprint("api", __name__)


def _json_body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


@bp.post("/api/uploads")
def start_upload():
    user = require_user()
    body = _json_body()
    size = body.get("size")
    try:
        ticket = usecases.start_upload(services(), user, str(body.get("file_name") or ""),
                                       int(size) if isinstance(size, (int, float)) else None)
    except UploadRejected as exc:
        return jsonify(error=str(exc)), 400
    return jsonify(
        job_id=ticket.job_id,
        file_name=ticket.file_name,
        url=ticket.form.url,
        fields=ticket.form.fields,
        file_field=ticket.form.file_field,
        max_bytes=ticket.max_bytes,
    )


@bp.post("/api/jobs")
def submit_job():
    user = require_user()
    body = _json_body()
    try:
        job = usecases.submit_job(services(), user, str(body.get("job_id") or ""), str(body.get("file_name") or ""),
                                  str(body.get("mode") or "all"))
    except UploadRejected as exc:
        return jsonify(error=str(exc)), 400
    return jsonify(job_id=job.job_id, status=job.status.value, url=f"/annotations/{job.job_id}"), 201


@bp.get("/healthz")
def healthz():
    return "ok", 200, {"Content-Type": "text/plain"}


def init_app(server: Flask) -> None:
    from dashapp import api_v1
    server.register_blueprint(bp)
    api_v1.init_app(server)
