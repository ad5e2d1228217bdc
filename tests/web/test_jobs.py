"""Upload, submit, list and view jobs; the signed upload and download URLs."""
from __future__ import annotations

import io
import time
import json

import pytest

from backend.domain import JobStatus
from tests.web.conftest import callback, login, post_json, upload

VCF = b"##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\nchr1\t100\t.\tA\tG\t.\t.\t.\n"


def render(client, path: str) -> str:
    """The page content Dash's router callback returns for `path`, as JSON text."""
    response = callback(client, ".._pages_content.children..._pages_store.data..",
                        [{"id": "_pages_location", "property": "pathname", "value": path},
                         {"id": "_pages_location", "property": "search", "value": ""}])
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def test_annotate_page_has_the_upload_form(logged_in):
    page = render(logged_in, "/annotate")
    assert "upload-form" in page and "upload-file-holder" in page and "150 KiB" in page


def test_upload_submit_and_list(logged_in, svc, user):
    job = upload(logged_in, VCF, "my sample.vcf")
    stored = svc.jobs.get(job["job_id"])
    assert stored.status == JobStatus.PENDING and stored.input_file_name == "my_sample.vcf"
    assert svc.inputs.read_bytes(stored.input_key) == VCF
    assert svc.bus.annotator_queue.depth() == 1

    response = callback(logged_in, "..jobs-grid.rowData...jobs-interval.disabled..",
                        [{"id": "jobs-interval", "property": "n_intervals", "value": 1}])
    rows = response.get_json()["response"]["jobs-grid"]["rowData"]
    assert [r["job_id"] for r in rows] == [job["job_id"]]
    assert response.get_json()["response"]["jobs-interval"]["disabled"] is False   # still PENDING: keep polling
    assert job["job_id"] in render(logged_in, f"/annotations/{job['job_id']}")


def test_details_show_results_only_when_completed(logged_in, svc):
    job_id = upload(logged_in, VCF)["job_id"]
    assert "Annotated results" not in render(logged_in, f"/annotations/{job_id}")
    svc.results.put_bytes(f"results/x/{job_id}~sample.annot.vcf", b"##fileformat=VCFv4.2\n")
    svc.results.put_bytes(f"results/x/{job_id}~sample.vcf.count.log", b"<b>counts</b>\n")
    svc.jobs.transition(job_id, JobStatus.PENDING, JobStatus.COMPLETED, complete_time=time.time(),
                        result_key=f"results/x/{job_id}~sample.annot.vcf", log_key=f"results/x/{job_id}~sample.vcf.count.log")
    page = json.loads(render(logged_in, f"/annotations/{job_id}"))
    text = json.dumps(page)
    assert "Annotated results" in text and "sample.annot.vcf" in text and "View log" in text
    log_page = render(logged_in, f"/annotations/{job_id}/log")
    # The log is a plain string child of the <pre>: React shows it as text, never as markup.
    assert '"children": "<b>counts</b>\\n", "id": "log-text"' in json.dumps(json.loads(log_page))


def test_running_job_shows_progress_and_polling_stops_when_finished(logged_in, svc):
    job_id = upload(logged_in, VCF)["job_id"]
    svc.jobs.transition(job_id, JobStatus.PENDING, JobStatus.RUNNING)
    svc.jobs.update(job_id, progress_done=30, progress_total=120)
    page = render(logged_in, f"/annotations/{job_id}")
    text = json.dumps(json.loads(page))
    assert "30 / 120" in text and "\"value\": 25" in text, text
    grid = "..jobs-grid.rowData...jobs-interval.disabled.."
    tick = [{"id": "jobs-interval", "property": "n_intervals", "value": 1}]
    assert callback(logged_in, grid, tick).get_json()["response"]["jobs-interval"]["disabled"] is False
    svc.jobs.transition(job_id, JobStatus.RUNNING, JobStatus.COMPLETED, complete_time=time.time())
    assert callback(logged_in, grid, tick).get_json()["response"]["jobs-interval"]["disabled"] is True
    details = callback(logged_in, "..job-details.children...job-interval.disabled..",
                       [{"id": "job-interval", "property": "n_intervals", "value": 1}],
                       state=[{"id": "job-id-store", "property": "data", "value": job_id}])
    assert details.get_json()["response"]["job-interval"]["disabled"] is True


def test_failed_job_shows_its_reason(logged_in, svc):
    job_id = upload(logged_in, VCF)["job_id"]
    svc.jobs.transition(job_id, JobStatus.PENDING, JobStatus.FAILED, failure_reason="Line 3 is not VCF.")
    assert "Line 3 is not VCF." in render(logged_in, f"/annotations/{job_id}")


def test_another_users_job_is_not_found(app, logged_in, other_user):
    job_id = upload(logged_in, VCF)["job_id"]
    stranger = app.test_client()
    login(stranger, other_user.email, "another long password")
    mine, theirs = render(stranger, f"/annotations/{job_id}"), render(stranger, "/annotations/no-such-job")
    assert "Annotation not found" in mine and "Annotation not found" in theirs
    assert "Annotation not found" in render(stranger, f"/annotations/{job_id}/log")
    response = callback(stranger, "..job-details.children...job-interval.disabled..",
                        [{"id": "job-interval", "property": "n_intervals", "value": 1}],
                        state=[{"id": "job-id-store", "property": "data", "value": job_id}])
    assert "Annotation not found" in response.get_data(as_text=True)


def test_download_link_works_then_expires(logged_in, svc):
    client = logged_in
    job_id = upload(client, VCF)["job_id"]
    url = svc.inputs.download_url(svc.jobs.get(job_id).input_key, "sample.vcf", 60)
    response = client.get(url)
    assert response.status_code == 200 and response.data == VCF
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Content-Type"].startswith("text/plain")   # not a vCard contact card

    expired = svc.inputs.download_url(svc.jobs.get(job_id).input_key, "sample.vcf", -1)
    response = client.get(expired)
    assert response.status_code == 403 and b"expired" in response.data


def test_forged_download_token_refused(client):
    response = client.get("/files/gas-inputs/download/x.vcf?token=forged")
    assert response.status_code == 403 and b"not valid" in response.data


def _ticket(client, name="a.vcf", size=None):
    return post_json(client, "/api/uploads", {"file_name": name, "size": size}).get_json()


def test_oversize_file_refused_before_upload(logged_in):
    response = post_json(logged_in, "/api/uploads", {"file_name": "big.vcf", "size": 10 * 1024 * 1024})
    assert response.status_code == 400 and "Upgrade to Premium" in response.get_json()["error"]


@pytest.mark.parametrize("size", [151 * 1024, 1024 * 1024])
def test_oversize_body_refused_by_the_upload_route(logged_in, svc, size):
    ticket = _ticket(logged_in)
    response = logged_in.post(ticket["url"], data={**ticket["fields"], "file": (io.BytesIO(b"x" * size), "a.vcf")},
                              content_type="multipart/form-data")
    assert response.status_code == 413
    assert not svc.inputs.exists(ticket["fields"]["key"])


def _vcf_of_size(size: int) -> bytes:
    head = b"##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
    row = b"chrM\t150\t.\tC\tT\t50\tPASS\t.\n"
    body = head + row * ((size - len(head)) // len(row) + 1)
    return body[:size]


def test_a_free_user_can_upload_a_file_just_under_the_limit(logged_in, svc):
    content = _vcf_of_size(svc.settings.free_user_max_upload - 100)
    ticket = _ticket(logged_in, size=len(content))
    response = logged_in.post(ticket["url"], data={**ticket["fields"], "file": (io.BytesIO(content), "a.vcf")},
                              content_type="multipart/form-data")
    assert response.status_code == 204, response.get_data(as_text=True)
    assert svc.inputs.read_bytes(ticket["fields"]["key"]) == content


def test_a_premium_user_can_upload_a_large_file(logged_in, svc, user):
    from backend.domain import Role
    svc.users.set_role(user.id, Role.PREMIUM)
    content = _vcf_of_size(3 * 1024 * 1024 + 17)
    ticket = _ticket(logged_in, size=len(content))
    assert ticket["max_bytes"] is None
    response = logged_in.post(ticket["url"], data={**ticket["fields"], "file": (io.BytesIO(content), "a.vcf")},
                              content_type="multipart/form-data")
    assert response.status_code == 204, response.get_data(as_text=True)
    assert svc.inputs.size(ticket["fields"]["key"]) == len(content)
    assert svc.inputs.read_bytes(ticket["fields"]["key"]) == content


def test_forged_policy_refused(logged_in, svc):
    ticket = _ticket(logged_in)
    fields = {**ticket["fields"], "policy": ticket["fields"]["policy"][:-4] + "AAAA"}
    response = logged_in.post(ticket["url"], data={**fields, "file": (io.BytesIO(VCF), "a.vcf")},
                              content_type="multipart/form-data")
    assert response.status_code == 403 and "not valid" in response.get_json()["error"]


def test_policy_for_another_key_refused(logged_in, svc):
    ticket = _ticket(logged_in)
    fields = {**ticket["fields"], "key": ticket["fields"]["key"].replace("a.vcf", "b.vcf")}
    response = logged_in.post(ticket["url"], data={**fields, "file": (io.BytesIO(VCF), "a.vcf")},
                              content_type="multipart/form-data")
    assert response.status_code == 403 and not svc.inputs.exists(fields["key"])


def test_submit_without_upload_is_refused(logged_in):
    ticket = _ticket(logged_in)
    response = post_json(logged_in, "/api/jobs", {"job_id": ticket["job_id"], "file_name": "a.vcf"})
    assert response.status_code == 400 and "did not receive" in response.get_json()["error"]


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.data == b"ok"


def test_the_job_page_links_stay_good_and_check_the_owner(client, logged_in, svc, other_user):
    job_id = upload(logged_in, VCF)["job_id"]
    response = logged_in.get(f"/annotations/{job_id}/download/input")
    assert response.status_code == 302
    assert logged_in.get(response.headers["Location"]).data == VCF     # a freshly signed URL
    # Not ready yet: back to the job page, which says why.
    assert logged_in.get(f"/annotations/{job_id}/download/result").headers["Location"] == f"/annotations/{job_id}"
    assert logged_in.get(f"/annotations/{job_id}/download/elsewhere").status_code == 404
    from tests.web.conftest import login
    stranger = client.application.test_client()
    login(stranger, other_user.email, "another long password")
    assert stranger.get(f"/annotations/{job_id}/download/input").status_code == 404


def test_results_table_is_the_annotated_vcf_as_tsv_within_the_free_window(logged_in, svc):
    job_id = upload(logged_in, VCF)["job_id"]
    assert logged_in.get(f"/annotations/{job_id}/download/table").headers["Location"] == f"/annotations/{job_id}"
    annotated = (b"##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                 b"chr1\t100\t.\tA\tG\t.\t.\tDP=3;CSQ=G|intron_variant|MODIFIER|GENE1,"
                 b"G|upstream_gene_variant|MODIFIER|GENE2;REGION=intron\n")
    key = f"results/x/{job_id}~sample.annot.vcf"
    svc.results.put_bytes(key, annotated)
    done = time.time()
    svc.jobs.transition(job_id, JobStatus.PENDING, JobStatus.COMPLETED, complete_time=done, result_key=key)
    assert "sample.annot.tsv" in render(logged_in, f"/annotations/{job_id}")
    response = logged_in.get(f"/annotations/{job_id}/download/table")
    assert response.status_code == 200 and response.mimetype == "text/tab-separated-values"
    assert "sample.annot.tsv" in response.headers["Content-Disposition"]
    header, *rows = response.get_data(as_text=True).splitlines()
    assert header.startswith("CHROM\tPOS\tID\tREF\tALT\tAllele\tConsequence\tIMPACT\tSYMBOL")
    assert rows == ["chr1\t100\t.\tA\tG\tG\tintron_variant\tMODIFIER\tGENE1",
                    "chr1\t100\t.\tA\tG\tG\tupstream_gene_variant\tMODIFIER\tGENE2"]
    # past the Free window the table goes with the VCF: back to the job page, which offers the upgrade
    svc.jobs.update(job_id, complete_time=done - svc.settings.free_user_data_retention - 1)
    assert logged_in.get(f"/annotations/{job_id}/download/table").headers["Location"] == f"/annotations/{job_id}"


def test_the_job_page_names_the_lines_left_out(logged_in, svc):
    from backend import processing
    from backend.ports import Message
    bad_lines = (b"chr1\tabc\t.\tA\tG\t.\t.\t.\n"                       # line 4
                 b"chr1\t200\t.\t<b>oops</b>\tG\t.\t.\t.\n"             # line 5: markup stays text
                 b"chr1\t300\t.\tC\tT\t.\t.\t.\n")
    job_id = upload(logged_in, VCF + bad_lines)["job_id"]
    processing.annotate_job(svc, Message({"job_id": job_id}, "m1", "r1"))
    job = svc.jobs.get(job_id)
    assert job.status == JobStatus.COMPLETED, job.failure_reason
    assert job.problem_lines == [[4, "POS 'abc' is not a positive whole number"],
                                 [5, "REF '<b>oops</b>' is not made of the bases A, C, G, T, N"]]
    page = json.dumps(json.loads(render(logged_in, f"/annotations/{job_id}")))
    assert "Lines left out" in page and "line 4: " in page and "POS 'abc' is not a positive whole number" in page
    assert "REF '<b>oops</b>' is not made of" in page   # a string child: React shows it as text
    assert "The log lists every line left out" in page


def test_a_gzip_that_decompresses_past_the_free_limit_is_refused_at_submit(logged_in, svc):
    import gzip
    body = VCF + b"chr1\t300\t.\tC\tT\t.\t.\t.\n" * 20_000            # ~460 KiB of text
    packed = gzip.compress(body)
    assert len(packed) < svc.settings.free_user_max_upload < len(body)
    ticket = post_json(logged_in, "/api/uploads", {"file_name": "big.vcf.gz", "size": len(packed)}).get_json()
    sent = logged_in.post(ticket["url"], data={**ticket["fields"], ticket["file_field"]: (io.BytesIO(packed), "big.vcf.gz")},
                          content_type="multipart/form-data")
    assert sent.status_code == 204
    job = post_json(logged_in, "/api/jobs", {"job_id": ticket["job_id"], "file_name": ticket["file_name"]})
    assert job.status_code == 400
    assert job.get_json()["error"].startswith("big.vcf.gz holds more than 150 KiB of VCF text once decompressed")
    assert svc.jobs.get(ticket["job_id"]) is None
