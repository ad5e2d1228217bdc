"""The command-line client (backend/client.py via backend/cli.py) against the app served over real HTTP on 127.0.0.1."""
from __future__ import annotations

import threading
import time

import pytest
from werkzeug.serving import make_server

from backend.cli import main
from backend.domain import JobStatus
from backend.tokens import create_token
from dashapp import create_app
from tests.web.test_jobs import VCF


@pytest.fixture
def live(svc):
    server = make_server("127.0.0.1", 0, create_app(services=svc), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture
def gas(live, svc, user, monkeypatch, capsys):
    monkeypatch.setenv("GAS_URL", live)
    monkeypatch.setenv("GAS_TOKEN", create_token(svc.users, user.id, "cli"))

    def run(*argv) -> tuple[int, str, str]:
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err
    return run


def finish(svc, job_id: str) -> None:
    job = svc.jobs.get(job_id)
    prefix = f"results/{job.user_id}/{job_id}~"
    svc.results.put_bytes(prefix + "sample.annot.vcf", b"##fileformat=VCFv4.2\n##annotated\n")
    svc.results.put_bytes(prefix + "sample.vcf.count.log", b"1 variant\n")
    svc.jobs.transition(job_id, JobStatus.PENDING, JobStatus.COMPLETED, complete_time=time.time(),
                        result_key=prefix + "sample.annot.vcf", log_key=prefix + "sample.vcf.count.log",
                        summary="1 variant")


def test_submit_list_get_and_download(gas, svc, tmp_path):
    vcf = tmp_path / "sample.vcf"
    vcf.write_bytes(VCF)
    code, out, err = gas("submit", str(vcf), "--mode", "most_severe")
    assert code == 0, err
    assert "(PENDING, mode most_severe)" in out
    [job] = svc.jobs.list_for_user(svc.jobs.get(out.split(" as job ")[1].split()[0]).user_id)[0]
    assert svc.inputs.read_bytes(job.input_key) == VCF and job.status == JobStatus.PENDING
    assert job.annotation_mode == "most_severe"

    code, out, _ = gas("jobs")
    assert code == 0 and job.job_id in out and "PENDING" in out and "sample.vcf" in out

    code, out, _ = gas("get", job.job_id, "--download", str(tmp_path / "out"))
    assert code == 0 and "Nothing to download yet" in out

    finish(svc, job.job_id)
    code, out, _ = gas("get", job.job_id, "--download", str(tmp_path / "out"))
    assert code == 0 and "COMPLETED" in out and "1 variant" in out
    assert (tmp_path / "out" / "sample.annot.vcf").read_bytes() == b"##fileformat=VCFv4.2\n##annotated\n"
    assert (tmp_path / "out" / "sample.vcf.count.log").read_bytes() == b"1 variant\n"


def test_errors_are_sentences_and_exit_1(gas, svc, tmp_path, settings, monkeypatch):
    code, _, err = gas("get", "00000000-0000-0000-0000-000000000000")
    assert code == 1 and "There is no job 00000000-0000-0000-0000-000000000000 in your account." in err

    big = tmp_path / "big.vcf"
    big.write_bytes(b"#" * (settings.free_user_max_upload + 1))
    code, _, err = gas("submit", str(big))
    assert code == 1 and "Premium" in err

    code, _, err = gas("submit", str(tmp_path / "missing.vcf"))
    assert code == 1 and "There is no file" in err

    monkeypatch.setenv("GAS_TOKEN", "gas_revoked-or-wrong")
    code, _, err = gas("jobs")
    assert code == 1 and "not valid or has been revoked" in err

    monkeypatch.delenv("GAS_TOKEN")
    code, _, err = gas("jobs")
    assert code == 1 and "Set GAS_TOKEN" in err


def test_an_unreachable_gas_is_explained(gas, monkeypatch):
    monkeypatch.setenv("GAS_URL", "http://127.0.0.1:9")
    code, _, err = gas("jobs")
    assert code == 1 and "could not be reached" in err
