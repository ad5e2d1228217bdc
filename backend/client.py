"""A small client of the GAS JSON API (/api/v1, docs/api.md), for the command line and scripts.

Standard library only, so it runs anywhere Python does. It talks HTTP like
any other script: `GAS_URL` says where GAS is, `GAS_TOKEN` is a personal API
token from the profile page. The upload streams the file from disk with a
known length (S3's presigned POST does not take chunked bodies).
"""
from __future__ import annotations

import json
import os
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

DEFAULT_URL = "http://127.0.0.1:8050"
CHUNK = 256 * 1024


class ApiError(Exception):
    """GAS (or the store) refused a request; str() is the sentence to show, `status` the HTTP status."""

    def __init__(self, message: str, status: int = 0):
        super().__init__(message)
        self.status = status


@dataclass
class Client:
    base_url: str
    token: str
    timeout: float = 60.0

    @classmethod
    def from_env(cls, environ=None) -> "Client":
        env = os.environ if environ is None else environ
        token = env.get("GAS_TOKEN", "").strip()
        if not token:
            raise ApiError("Set GAS_TOKEN to a personal API token: create one in GAS on your profile page, "
                           "under API tokens, then export GAS_TOKEN=gas_...")
        return cls(env.get("GAS_URL", "").strip() or DEFAULT_URL, token)

    # ---- HTTP --------------------------------------------------------------
    def _url(self, path_or_url: str) -> str:
        return urllib.parse.urljoin(self.base_url.rstrip("/") + "/", path_or_url)

    def _open(self, request: urllib.request.Request, authorized: bool = True):
        if authorized:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            return urllib.request.urlopen(request, timeout=self.timeout)
        except urllib.error.HTTPError as exc:
            raise ApiError(_error_text(exc), exc.code) from None
        except urllib.error.URLError as exc:
            raise ApiError(f"GAS could not be reached at {self.base_url} ({exc.reason}). "
                           "Check GAS_URL and your connection.") from None

    def _json(self, method: str, path: str, body: dict | None = None) -> dict:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self._url(path), data=data, method=method,
                                         headers={"Accept": "application/json",
                                                  **({"Content-Type": "application/json"} if data else {})})
        with self._open(request) as response:
            return json.loads(response.read() or b"{}")

    # ---- the API -------------------------------------------------------------
    def jobs(self) -> list[dict]:
        return self._json("GET", "/api/v1/jobs")["jobs"]

    def job(self, job_id: str) -> dict:
        return self._json("GET", f"/api/v1/jobs/{urllib.parse.quote(job_id, safe='')}")

    def log(self, job_id: str) -> str:
        request = urllib.request.Request(self._url(f"/api/v1/jobs/{urllib.parse.quote(job_id, safe='')}/log"))
        with self._open(request) as response:
            return response.read().decode("utf-8", errors="replace")

    def submit(self, path: Path, mode: str = "all") -> dict:
        """Upload a VCF and create its job: the ticket, the file straight to the store, then submit.
        mode: "all" (every transcript) or "most_severe" (one entry per ALT allele)."""
        path = Path(path)
        if not path.is_file():
            raise ApiError(f"There is no file {path}.")
        ticket = self._json("POST", "/api/v1/jobs", {"file_name": path.name, "size": path.stat().st_size})
        upload = ticket["upload"]
        body = MultipartFile(upload["fields"], upload["file_field"], ticket["file_name"], path)
        request = urllib.request.Request(self._url(upload["url"]), data=iter(body), method="POST",
                                         headers={"Content-Type": body.content_type,
                                                  "Content-Length": str(len(body))})
        # The signed form is the authorization at the store (S3 refuses a second one).
        with self._open(request, authorized=False):
            pass
        return self._json("POST", ticket["submit_url"], {"file_name": ticket["file_name"], "mode": mode})

    def download(self, job: dict, folder: Path) -> list[Path]:
        """Save the job's annotated result (when it can be downloaded) and its log into `folder`."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        saved = []
        files = job.get("files") or {}
        if files.get("result"):
            name = Path(files.get("result_name") or f"{job['job_id']}.annot.vcf").name
            saved.append(self._save(files["result"], folder / name, authorized=False))
        if files.get("log"):
            stem = Path(job.get("input_file_name") or job["job_id"]).name
            saved.append(self._save(files["log"], folder / f"{stem}.count.log", authorized=True))
        return saved

    def _save(self, url: str, target: Path, authorized: bool) -> Path:
        with self._open(urllib.request.Request(self._url(url)), authorized=authorized) as response:
            partial = target.with_name(target.name + ".part")
            with open(partial, "wb") as out:
                while chunk := response.read(CHUNK):
                    out.write(chunk)
            partial.replace(target)
        return target


class MultipartFile:
    """A multipart/form-data body: the form's fields, then one file read from disk in chunks."""

    def __init__(self, fields: dict, file_field: str, file_name: str, path: Path):
        self.boundary = "gas-" + secrets.token_hex(16)
        self.path = path
        head = b"".join(self._part(name, value) for name, value in fields.items())
        quoted = file_name.replace('"', "_")
        head += (f"--{self.boundary}\r\nContent-Disposition: form-data; name=\"{file_field}\"; "
                 f"filename=\"{quoted}\"\r\nContent-Type: application/octet-stream\r\n\r\n").encode()
        self.head, self.tail = head, f"\r\n--{self.boundary}--\r\n".encode()

    def _part(self, name: str, value) -> bytes:
        return (f"--{self.boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").encode()

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    def __len__(self) -> int:
        return len(self.head) + self.path.stat().st_size + len(self.tail)

    def __iter__(self) -> Iterator[bytes]:
        yield self.head
        with open(self.path, "rb") as f:
            while chunk := f.read(CHUNK):
                yield chunk
        yield self.tail


def _error_text(exc: urllib.error.HTTPError) -> str:
    raw = exc.read() or b""
    try:
        message = json.loads(raw).get("error")
    except (ValueError, AttributeError):
        message = None
    if message:
        return message
    if exc.code == 413:
        return "The file is larger than your account may upload; Premium accounts have no limit."
    return f"GAS answered {exc.code} {exc.reason}."


# ---- command line (wired into backend/cli.py) ---------------------------------

def _when(epoch) -> str:
    if not epoch:
        return "—"
    from datetime import datetime, timezone
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def cmd_jobs(client: Client, out) -> int:
    jobs = client.jobs()
    if not jobs:
        print("No jobs yet. Submit one with: python -m backend.cli submit FILE", file=out)
        return 0
    print(f"{'JOB':36}  {'STATUS':9}  {'SUBMITTED':20}  INPUT", file=out)
    for j in jobs:
        print(f"{j['job_id']:36}  {j['status']:9}  {_when(j['submit_time']):20}  {j['input_file_name']}", file=out)
    return 0


def cmd_submit(client: Client, path: str, out, mode: str = "all") -> int:
    job = client.submit(Path(path), mode)
    print(f"Submitted {job['input_file_name']} as job {job['job_id']} ({job['status']}, "
          f"mode {job.get('mode')}).", file=out)
    print(f"Follow it with: python -m backend.cli get {job['job_id']}", file=out)
    return 0


def cmd_get(client: Client, job_id: str, download: str | None, out) -> int:
    job = client.job(job_id)
    files = job.get("files") or {}
    lines = [("Job", job["job_id"]), ("Status", job["status"]), ("Input", job["input_file_name"]),
             ("Submitted", _when(job["submit_time"])), ("Completed", _when(job.get("complete_time"))),
             ("Summary", job.get("summary") or "—"), ("Results", files.get("result_state", "none")),
             ("Page", job.get("page", ""))]
    if job.get("failure_reason"):
        lines.append(("Reason", job["failure_reason"]))
    for label, value in lines:
        print(f"{label + ':':11} {value}", file=out)
    if download:
        saved = client.download(job, Path(download))
        for path in saved:
            print(f"Saved {path}", file=out)
        if not saved:
            print("Nothing to download yet: the result and the log appear when the job finishes.", file=out)
        elif not files.get("result") and job["status"] == "COMPLETED":
            print("The annotated result cannot be downloaded now (see Results above).", file=out)
    return 0
