"""The locust file drives real journeys: a short, bounded run against the local service."""
from __future__ import annotations

import csv
import subprocess
import sys

from tests.e2e.conftest import REPO


def test_the_load_test_runs_journeys_without_failures(service_url, tmp_path):
    prefix = tmp_path / "load"
    run = subprocess.run(
        [sys.executable, "-m", "locust", "-f", "deploy/locustfile.py", "--headless", "--host", service_url,
         "-u", "3", "-r", "3", "-t", "12s", "--csv", str(prefix), "--only-summary"],
        cwd=REPO, capture_output=True, text=True, timeout=90)
    assert run.returncode == 0, run.stderr[-3000:]
    with open(f"{prefix}_stats.csv") as f:
        rows = {row["Name"]: row for row in csv.DictReader(f)}
    assert int(rows["Aggregated"]["Failure Count"]) == 0
    for journey in ("/auth/login", "/annotations"):
        assert int(rows[journey]["Request Count"]) >= 1, journey
