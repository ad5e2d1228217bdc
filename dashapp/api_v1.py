"""The JSON API for scripts, under /api/v1 (docs/api.md).

Authenticated by a personal API token only (`Authorization: Bearer gas_...`,
created on /profile/tokens), never by the session cookie: a cross-site page
cannot make a browser send that header, so no CSRF token is needed, and a
request with only a cookie is refused with 401.

Submitting is the browser's three steps, so the Free size limit is enforced
in the same places (the declared size here, then the signed upload form at the
store, which refuses a larger body with 413 locally and 400 on S3):

  POST /api/v1/jobs {file_name, size}      -> 201 {job_id, upload: {url, fields, file_field}, submit_url}
  POST <upload.url> (multipart: fields, then the file)
  POST /api/v1/jobs/<id>/submit {file_name, mode?} -> 201 the job (mode: all | most_severe)
"""
from __future__ import annotations

from flask import Blueprint, Flask, Response, g, jsonify, request
from werkzeug.exceptions import HTTPException

from backend import services as usecases
from backend.domain import Job, JobNotFound, UploadRejected
from backend.tokens import user_for_token
from dashapp.context import services
from dashapp.guards import require_user

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")

NO_TOKEN = ("This API takes a personal API token: send it as 'Authorization: Bearer gas_...'. "
            "Create one on your profile page, under API tokens.")
BAD_TOKEN = "This API token is not valid or has been revoked. Create a new one on your profile page."


def error(message: str, status: int):
    return jsonify(error=message), status


def _not_found(job_id: str):
    return error(f"There is no job {job_id} in your account.", 404)


@bp.before_request
def authenticate():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return error(NO_TOKEN, 401)
    user = user_for_token(services().users, token.strip())
    if user is None:
        return error(BAD_TOKEN, 401)
    g.api_user = user


@bp.errorhandler(HTTPException)
def http_error(exc: HTTPException):
    return error(exc.description or exc.name, exc.code or 500)


def _absolute(url: str) -> str:
    """Local signed URLs are paths on this site; a script needs the whole address."""
    return request.host_url.rstrip("/") + url if url.startswith("/") else url


def _job_json(job: Job) -> dict:
    return {
        "job_id": job.job_id,
        "status": job.status.value,
        "input_file_name": job.input_file_name,
        "submit_time": job.submit_time,
        "complete_time": job.complete_time,
        "archive_state": job.archive_state.value,
        "summary": job.summary,
        "mode": job.annotation_mode,
        "failure_reason": job.failure_reason,
        "progress": {"done": job.progress_done, "total": job.progress_total},
        "url": _absolute(f"/api/v1/jobs/{job.job_id}"),
        "page": _absolute(f"/annotations/{job.job_id}"),
    }


def _body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


@bp.get("/jobs")
def list_jobs():
    return jsonify(jobs=[_job_json(j) for j in usecases.list_jobs(services(), require_user())])


@bp.get("/jobs/<job_id>")
def get_job(job_id: str):
    user, svc = require_user(), services()
    try:
        job = usecases.get_job(svc, user, job_id)
    except JobNotFound:
        return _not_found(job_id)
    files = usecases.job_files(svc, user, job)
    return jsonify({**_job_json(job), "files": {
        "input": _absolute(files.input_url),
        "result": _absolute(files.result_url) if files.result_url else None,
        "result_name": usecases.result_name(job) or None,
        "result_state": files.result_state,     # none, ready, restoring, upgrade
        "download_until": files.download_until,
        "log": _absolute(f"/api/v1/jobs/{job.job_id}/log") if files.log_available else None,
    }})


@bp.get("/jobs/<job_id>/log")
def get_log(job_id: str):
    try:
        text = usecases.read_log(services(), require_user(), job_id)
    except JobNotFound:
        return _not_found(job_id)
    except KeyError:
        return error(f"Job {job_id} has no log yet; it appears when the annotation finishes.", 404)
    return Response(text, mimetype="text/plain")


@bp.post("/jobs")
def start_job():
    user, body = require_user(), _body()
    size = body.get("size")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        return error("Send the file's size in bytes as 'size', with its 'file_name'.", 400)
    try:
        ticket = usecases.start_upload(services(), user, str(body.get("file_name") or ""), size)
    except UploadRejected as exc:
        return error(str(exc), 413)
    return jsonify(
        job_id=ticket.job_id,
        file_name=ticket.file_name,
        max_bytes=ticket.max_bytes,
        upload={"url": _absolute(ticket.form.url), "fields": ticket.form.fields, "file_field": ticket.form.file_field},
        submit_url=_absolute(f"/api/v1/jobs/{ticket.job_id}/submit"),
    ), 201


@bp.post("/jobs/<job_id>/submit")
def submit_job(job_id: str):
    user, body = require_user(), _body()
    try:
        job = usecases.submit_job(services(), user, job_id, str(body.get("file_name") or ""),
                                  str(body.get("mode") or "all"))
    except UploadRejected as exc:
        return error(str(exc), 400)
    return jsonify(_job_json(job)), 201


@bp.route("/<path:_rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown(_rest: str):
    return error("There is no such API route; see docs/api.md for the routes.", 404)


def init_app(server: Flask) -> None:
    server.register_blueprint(bp)
