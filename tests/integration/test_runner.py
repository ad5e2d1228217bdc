"""The local runner as `make run` uses it: starts everything, refuses a busy port, stops on hangup."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from tests.conftest import REPO


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True).stdout.strip()[:1] != "Z"


def test_runner_serves_then_a_hangup_stops_every_process(tmp_path):
    port = _free_port()
    env = {**os.environ, "GAS_SECRET_KEY": "runner-test", "GAS_WEB_WORKERS": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "deploy.runner", "--port", str(port), "--data-dir",
                             str(tmp_path / "data"), "--annotators", "1"],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for line in proc.stdout:
            if "GAS is running" in line:
                break
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
            assert r.read() == b"ok"       # the URL is printed only once the app answers
        children = _children(proc.pid)
        assert len(children) == 5          # web, notifier, archiver, restorer, one annotator

        busy = subprocess.run([sys.executable, "-m", "deploy.runner", "--port", str(port), "--data-dir",
                               str(tmp_path / "other")], cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
        assert busy.returncode != 0 and "in use" in busy.stderr

        proc.send_signal(signal.SIGHUP)    # the terminal was closed
        assert proc.wait(timeout=40) == 0
        time.sleep(0.5)
        assert [pid for pid in children if _alive(pid)] == []
    finally:
        if proc.poll() is None:
            proc.kill()
