"""The local object store's signed upload and download URLs, served by the app.

These routes exist only when a bucket is a LocalObjectStore; with S3 the browser
talks to S3 itself using the same form fields and links. The signed policy or
token is the whole authorization, as with S3, so no session is needed here.
"""
from __future__ import annotations

from flask import Blueprint, Flask, abort, jsonify, request, send_file
from itsdangerous import URLSafeSerializer

from backend.adapters.local_objectstore import LocalObjectStore, UploadTooLarge
from backend.signing import TokenInvalid
from dashapp.context import services
from dashapp.multipart import UploadParts
from dashapp.plain import message_page

bp = Blueprint("files", __name__, url_prefix="/files")

FILE_FIELD = "file"
# Room for the multipart headers and the other fields around the file's bytes.
FORM_OVERHEAD = 64 * 1024


def _store(bucket: str) -> LocalObjectStore:
    svc = services()
    for store in (svc.inputs, svc.results):
        if isinstance(store, LocalObjectStore) and store.bucket == bucket:
            return store
    abort(404)


def _claimed_max(policy: str) -> int | None:
    """The size limit the policy claims, read without checking its signature.

    Used only to refuse a body early (before reading it); accept_upload checks the
    signature and enforces the limit itself, so a forged claim gains nothing.
    """
    _, payload = URLSafeSerializer("").loads_unsafe(policy)
    limit = payload.get("max") if isinstance(payload, dict) else None
    return limit if isinstance(limit, int) else None


def _too_large(limit: int):
    return jsonify(error=f"The file is larger than the {limit / 1024:,.0f} KiB allowed for this upload."), 413


@bp.post("/<bucket>/upload")
def upload(bucket: str):
    store = _store(bucket)
    boundary = request.mimetype_params.get("boundary")
    if request.mimetype != "multipart/form-data" or not boundary:
        return jsonify(error="Send the file as multipart/form-data."), 400
    parts = UploadParts(request.stream, boundary.encode("latin-1"))
    fields, file_name = parts.fields_until_file(FILE_FIELD)
    if file_name is None or "policy" not in fields or "key" not in fields:
        return jsonify(error="The upload form is incomplete: it needs key, policy and then the file."), 400
    limit = _claimed_max(fields["policy"])
    if limit is not None and (request.content_length or 0) > limit + FORM_OVERHEAD:
        return _too_large(limit)
    try:
        size = store.accept_upload(fields["policy"], fields["key"], parts)
    except TokenInvalid as exc:
        return jsonify(error=str(exc)), 403
    except UploadTooLarge:
        return _too_large(limit or 0)
    except KeyError:
        return jsonify(error="This upload form names no valid file."), 400
    # S3 answers a presigned POST with 204 by default; so do we.
    return "", 204, {"X-Object-Size": str(size)}


@bp.get("/<bucket>/download/<path:name>")
def download(bucket: str, name: str):
    store = _store(bucket)
    try:
        path, download_name = store.resolve_download(request.args.get("token", ""))
    except TokenInvalid as exc:
        return message_page("This download link cannot be used", str(exc), 403)
    except KeyError:
        return message_page("File not found", "This file is no longer stored here. Open the job page for its current state.", 404)
    return send_file(path, as_attachment=True, download_name=download_name, max_age=0,
                     mimetype=download_type(download_name))


def download_type(name: str) -> str:
    """VCFs, logs and tables are text (a guess from ".vcf" alone says vCard contact card)."""
    lowered = name.lower()
    if lowered.endswith((".gz", ".bgz")):
        return "application/gzip"
    if lowered.endswith((".vcf", ".log", ".tsv", ".txt")):
        return "text/plain"   # Flask adds the charset
    return "application/octet-stream"


def init_app(server: Flask) -> None:
    svc = server.extensions["gas"]
    if any(isinstance(s, LocalObjectStore) for s in (svc.inputs, svc.results)):
        server.register_blueprint(bp)
