"""The whole job flow with GAS_BACKEND=aws, through boto3 over HTTP to moto on 127.0.0.1.

Upload by presigned POST (sent with `requests`, as a browser would), submit,
annotate with the real anntools, notify through SES, list, download by
presigned GET. moto checks neither presigned signatures nor the POST policy,
so the policy and the expiry are checked here, in what our code produces.
"""
from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

import pytest
import requests

from anntools.config import index_path, reference_dir
from backend import processing, services
from backend.adapters.aws_objectstore import decode_policy
from backend.domain import JobStatus, Role
from tests.aws.conftest import moto_backend
from tests.conftest import SAMPLE_VCFS

needs_reference = pytest.mark.skipif(
    not index_path(reference_dir()).is_file(),
    reason="anntools reference data is not installed; run `make reference` (make test does)",
)


def _upload(ticket, data: bytes) -> requests.Response:
    form = ticket.form
    return requests.post(form.url, data=form.fields, files={form.file_field: (ticket.file_name, data)}, timeout=30)


def test_the_upload_form_pins_the_key_the_size_and_encryption(svc, user):
    ticket = services.start_upload(svc, user, "my sample.vcf")
    policy = decode_policy(ticket.form)
    key = ticket.form.fields["key"]
    assert key == f"inputs/{user.id}/{ticket.job_id}~my_sample.vcf"
    assert {"key": key} in policy["conditions"]
    assert {"bucket": svc.inputs.bucket} in policy["conditions"]
    assert ["content-length-range", 0, svc.settings.free_user_max_upload] in policy["conditions"]
    assert {"x-amz-server-side-encryption": "AES256"} in policy["conditions"]
    expires = time.mktime(time.strptime(policy["expiration"], "%Y-%m-%dT%H:%M:%SZ")) - time.timezone
    assert abs(expires - (time.time() + svc.settings.upload_url_expiry)) < 60


def test_premium_upload_forms_carry_no_size_limit(svc, user):
    svc.users.set_role(user.id, Role.PREMIUM)
    premium = svc.users.get(user.id)
    policy = decode_policy(services.start_upload(svc, premium, "big.vcf").form)
    assert not [c for c in policy["conditions"] if isinstance(c, list) and c[0] == "content-length-range"]


def test_download_links_are_short_lived_and_name_the_file(svc):
    svc.results.put_bytes("results/u1/j1~x.annot.vcf", b"##fileformat=VCFv4.2\n")
    url = svc.results.download_url("results/u1/j1~x.annot.vcf", "x.annot.vcf", 300)
    query = parse_qs(urlparse(url).query)
    assert query["X-Amz-Expires"] == ["300"]
    assert query["response-content-disposition"][0].startswith('attachment; filename="x.annot.vcf"')
    got = requests.get(url, timeout=30)
    assert got.status_code == 200 and got.content == b"##fileformat=VCFv4.2\n"
    assert 'filename="x.annot.vcf"' in got.headers["Content-Disposition"]
    with pytest.raises(ValueError):
        svc.results.download_url("results/u1/j1~x.annot.vcf", "x.annot.vcf", 8 * 24 * 3600)


def test_objects_are_stored_encrypted(svc, s3):
    svc.inputs.put_bytes("inputs/u1/j1~a.vcf", b"x")
    head = s3.head_object(Bucket=svc.inputs.bucket, Key="inputs/u1/j1~a.vcf")
    assert head["ServerSideEncryption"] == "AES256"
    block = s3.get_public_access_block(Bucket=svc.inputs.bucket)["PublicAccessBlockConfiguration"]
    assert all(block.values())


@needs_reference
def test_a_job_runs_end_to_end_on_aws(svc, user):
    data = (SAMPLE_VCFS / "free_1.vcf").read_bytes()
    ticket = services.start_upload(svc, user, "free_1.vcf", size=len(data))
    assert _upload(ticket, data).status_code in (200, 201, 204)

    job = services.submit_job(svc, user, ticket.job_id, ticket.file_name)
    assert job.status == JobStatus.PENDING

    annotator = svc.bus.annotator_queue
    (request,) = annotator.receive(1, wait_seconds=5)
    processing.annotate_job(svc, request)
    annotator.delete(request)
    processing.annotate_job(svc, request)                # a second delivery changes nothing
    done = services.get_job(svc, user, job.job_id)
    assert done.status == JobStatus.COMPLETED, done.failure_reason
    assert done.result_key.endswith("~free_1.annot.vcf") and done.log_key.endswith("~free_1.vcf.count.log")
    assert "Annotated" in services.read_log(svc, user, job.job_id)

    notifier = svc.bus.notifier_queue
    (result,) = notifier.receive(1, wait_seconds=5)
    assert result.body == {"job_id": job.job_id, "user_id": user.id, "status": "COMPLETED"}
    processing.notify_job_finished(svc, result)
    notifier.delete(result)
    mail = [m for m in moto_backend("ses").sent_messages if user.email in m.destinations["ToAddresses"]]
    assert len(mail) == 1 and f"http://gas.test/annotations/{job.job_id}" in mail[0].body

    assert [j.job_id for j in services.list_jobs(svc, user)] == [job.job_id]
    files = services.job_files(svc, user, done)
    got = requests.get(files.result_url, timeout=30)
    assert got.status_code == 200 and got.content.startswith(b"##fileformat=VCF")
    assert 'filename="free_1.annot.vcf"' in got.headers["Content-Disposition"]
    assert requests.get(files.input_url, timeout=30).content == data
