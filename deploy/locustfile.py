"""Load test: real user journeys against a running GAS.

Each simulated researcher registers, logs in, then keeps doing what people do:
open their job list, submit a small VCF (signed upload form → upload → create
job), and look at a job's page. Run it against your own service only:

    make load                       # 10 users for 60 s against http://127.0.0.1:8050
    .venv/bin/locust -f deploy/locustfile.py --host http://127.0.0.1:8050   # with the web UI

The VCF sent is GAS_LOAD_VCF if set, else a small valid one made here.
"""
from __future__ import annotations

import os
import random
import uuid

from locust import HttpUser, between, task

CSRF_COOKIE, CSRF_HEADER = "_csrf_token", "X-CSRFToken"


def _sample_vcf() -> bytes:
    path = os.environ.get("GAS_LOAD_VCF")
    if path:
        with open(path, "rb") as f:
            return f.read()
    rows = [f"chrM\t{pos}\t.\tA\tG\t50\tPASS\t." for pos in sorted(random.sample(range(100, 16000), 40))]
    return ("##fileformat=VCFv4.2\n##reference=GRCh38\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
            + "\n".join(rows) + "\n").encode()


class Researcher(HttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.jobs: list[str] = []
        self.client.get("/login")
        email, password = f"load-{uuid.uuid4().hex[:12]}@example.org", "load-test-password"
        form = {"email": email, "name": "Load Tester", "password": password, "password2": password}
        self.client.post("/auth/register", data={**form, "csrf_token": self._csrf()}, name="/auth/register")
        self.client.post("/auth/login", data={"email": email, "password": password, "csrf_token": self._csrf()},
                         name="/auth/login")

    def _csrf(self) -> str:
        return self.client.cookies.get(CSRF_COOKIE, "")

    @task(5)
    def list_jobs(self) -> None:
        self.client.get("/annotations", name="/annotations")

    @task(2)
    def submit_job(self) -> None:
        headers = {CSRF_HEADER: self._csrf()}
        body = _sample_vcf()
        name = f"load-{uuid.uuid4().hex[:6]}.vcf"
        with self.client.post("/api/uploads", json={"file_name": name, "size": len(body)}, headers=headers,
                              name="/api/uploads", catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"upload form refused: {r.status_code} {r.text[:200]}")
                return
            ticket = r.json()
        files = {ticket["file_field"]: (ticket["file_name"], body, "text/plain")}
        upload = self.client.post(ticket["url"], data=ticket["fields"], files=files, name="upload (signed form)")
        if upload.status_code >= 300:
            return
        created = self.client.post("/api/jobs", json={"job_id": ticket["job_id"], "file_name": ticket["file_name"]},
                                   headers=headers, name="/api/jobs")
        if created.status_code == 201:
            self.jobs.append(ticket["job_id"])

    @task(3)
    def view_job(self) -> None:
        if self.jobs:
            self.client.get(f"/annotations/{random.choice(self.jobs)}", name="/annotations/[job]")
