"""Run the whole service on one machine: the web app under gunicorn plus the workers.

`python -m deploy.runner` (what `make run` calls). Ctrl-C, closing the terminal,
or SIGTERM stops every process it started. A worker that exits unexpectedly is
started again. The children run in their own session, so a terminal's hangup
reaches only this runner (gunicorn would take SIGHUP as "reload"), and each is
told by the kernel to stop if the runner itself dies.
"""
from __future__ import annotations

import argparse
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from backend.cli import init
from backend.config import load_settings, random_secret

ROOT = Path(__file__).resolve().parent.parent
RESTART_LIMIT = 20
STARTUP_TIMEOUT = 60
PR_SET_PDEATHSIG = 1


def _secret(data_dir: Path) -> str:
    """A per-installation secret kept under the data dir, so signed links survive restarts."""
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(random_secret())
        path.chmod(0o600)
    return path.read_text().strip()


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def _die_with_parent() -> None:
    """In the child, before exec: the kernel sends SIGTERM when the runner goes away."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=os.environ.get("GAS_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("GAS_PORT", 8050)))
    parser.add_argument("--data-dir", default=os.environ.get("GAS_DATA_DIR", str(ROOT / "var")))
    parser.add_argument("--annotators", type=int, default=None, help="annotator processes (default GAS_ANNOTATORS or 2)")
    parser.add_argument("--web-workers", type=int, default=None)
    args = parser.parse_args(argv)

    if not _port_free(args.host, args.port):
        sys.exit(f"Port {args.port} on {args.host} is in use (another GAS?). Stop it, or choose another port: "
                 f"GAS_PORT=8051 make run")

    data_dir = Path(args.data_dir).resolve()
    url = f"http://{args.host}:{args.port}"
    env = dict(os.environ, GAS_DATA_DIR=str(data_dir), GAS_BIND=f"{args.host}:{args.port}",
               GAS_BASE_URL=os.environ.get("GAS_BASE_URL", url), PYTHONUNBUFFERED="1")
    env.setdefault("GAS_SECRET_KEY", _secret(data_dir))
    if args.web_workers:
        env["GAS_WEB_WORKERS"] = str(args.web_workers)
    os.environ.update(env)
    settings = load_settings()
    init(settings)
    annotators = args.annotators if args.annotators is not None else settings.annotator_processes

    py = sys.executable
    commands = {"web": [py, "-m", "gunicorn", "-c", str(ROOT / "deploy/gunicorn.conf.py"), "dashapp.wsgi:app"],
                "notifier": [py, "-m", "workers.main", "notifier"],
                "archiver": [py, "-m", "workers.main", "archiver"],
                "restorer": [py, "-m", "workers.main", "restorer"]}
    for i in range(annotators):
        commands[f"annotator-{i + 1}"] = [py, "-m", "workers.main", "annotator"]

    def start(name: str) -> subprocess.Popen:
        return subprocess.Popen(commands[name], cwd=ROOT, env=env, start_new_session=True, preexec_fn=_die_with_parent)

    stopping = False
    exit_code = 0

    def stop(signum, frame):
        nonlocal stopping
        stopping = True
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, stop)

    procs = {name: start(name) for name in commands}
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not stopping and not _healthy(url):
        if procs["web"].poll() is not None or time.monotonic() > deadline:
            print("The web app did not start (see the messages above); stopping GAS.", flush=True)
            stopping, exit_code = True, 1
            break
        time.sleep(0.3)
    if not stopping:
        print(f"\nGAS is running: open {url}\n  processes: {', '.join(procs)}\n  data: {data_dir}\n"
              f"  Ctrl-C stops everything.\n", flush=True)

    restarts = 0
    while not stopping:
        time.sleep(0.5)
        for name, proc in list(procs.items()):
            if proc.poll() is not None and not stopping:
                if name == "web" or restarts >= RESTART_LIMIT:
                    print(f"{name} exited with {proc.returncode}; stopping GAS.", flush=True)
                    stopping, exit_code = True, 1
                    break
                restarts += 1
                print(f"{name} exited with {proc.returncode}; starting it again.", flush=True)
                procs[name] = start(name)

    for proc in procs.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 25
    for proc in procs.values():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
    print("GAS stopped.", flush=True)
    sys.exit(exit_code)


if __name__ == "__main__":
    main()
