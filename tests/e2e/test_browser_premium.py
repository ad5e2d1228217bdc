"""Free and Premium in a real browser, against the running service with demo billing.

The service runs with a 5-second retention window and a 3-second thaw, so one
journey shows every state: an oversize upload refused in the browser, a Free
job's results downloadable, then "upgrade to Premium to download" once archived,
a declined test card, the upgrade with 4242 4242 4242 4242, the job "restoring"
and then downloadable again, and cancelling back to Free.
Screenshots go to test-output/screenshots/premium-*.png.
"""
from __future__ import annotations

import re
import time
import uuid

import pytest

from backend.bootstrap import build
from backend.config import load_settings
from backend.domain import ArchiveState
from tests.conftest import SAMPLE_VCFS
from tests.e2e.conftest import running_service
from tests.e2e.test_browser_flow import PASSWORD

pytestmark = pytest.mark.timeout(240)
RETENTION_SECONDS = 5
THAW_SECONDS = 3


@pytest.fixture(scope="module")
def premium_service(tmp_path_factory):
    """deploy.runner with a short retention window and thaw delay; yields (url, data dir)."""
    data_dir = tmp_path_factory.mktemp("gas-e2e-premium")
    env = {"FREE_USER_DATA_RETENTION": str(RETENTION_SECONDS), "GAS_ARCHIVE_THAW_SECONDS": str(THAW_SECONDS)}
    with running_service(data_dir, env) as url:
        yield url, data_dir


def _register_and_log_in(page, url: str, email: str) -> None:
    page.goto(f"{url}/register")
    page.wait_for_selector("#field-name", timeout=60_000)   # the first page load warms up
    page.fill("#field-name", "Barbara McClintock")
    page.fill("#field-email", email)
    page.fill("#field-password", PASSWORD)
    page.fill("#field-password2", PASSWORD)
    page.click("button[type=submit]:has-text('Register')")
    page.wait_for_selector("text=Your account is ready")
    page.fill("#field-email", email)
    page.fill("#field-password", PASSWORD)
    page.click("button[type=submit]:has-text('Log in')")
    page.wait_for_url(re.compile(r".*/annotations$"))


def _archive_state(svc, job_id: str) -> ArchiveState:
    """What the job store says (the browser shows the same words before and after the archiver acts)."""
    return svc.jobs.get(job_id).archive_state


def _wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.3)


def test_free_to_premium_journey(premium_service, page, shoot):
    url, data_dir = premium_service
    _register_and_log_in(page, url, f"bm-{uuid.uuid4().hex[:8]}@example.org")
    sent = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" and "/_dash-" not in r.url else None)

    # An oversize file is refused in the browser: a message with an upgrade link, nothing sent.
    page.goto(f"{url}/annotate")
    page.wait_for_selector("#upload-file")
    assert "150 KiB" in page.inner_text("#upload-limit")
    page.set_input_files("#upload-file", str(SAMPLE_VCFS / "premium_1.vcf"))   # 172 KiB
    page.click("#upload-submit")
    alert = page.wait_for_selector("#upload-alert:has-text('Free accounts can submit files up to 150 KiB')")
    assert page.get_attribute("#upload-alert a#upload-upgrade-link", "href") == "/subscribe"
    assert "premium_1.vcf is 172 KiB" in alert.inner_text()
    assert sent == [] and page.url.endswith("/annotate")
    shoot(page, "premium-01-upload-over-limit")

    # A Free job completes; its results can be downloaded inside the window ...
    page.set_input_files("#upload-file", str(SAMPLE_VCFS / "test.vcf"))
    page.click("#upload-submit")
    page.wait_for_url(re.compile(r".*/annotations/[0-9a-f-]{36}$"))
    job_id = page.url.rsplit("/", 1)[-1]
    page.wait_for_selector("#result-link", timeout=60_000)
    assert "Free accounts can download results until" in page.inner_text("#row-annotated-results")
    shoot(page, "premium-02-free-job-completed")

    # ... and after it the page offers the upgrade instead; the input and the log stay.
    store = build(load_settings(data_dir=data_dir))   # the runner's own job store, read only
    _wait_for(lambda: _archive_state(store, job_id) == ArchiveState.ARCHIVED, 20, "the archiver")
    page.reload()
    page.wait_for_selector("#result-upgrade")
    assert "upgrade to premium to download" in page.inner_text("#result-upgrade").lower()
    assert page.get_attribute("#result-upgrade-link", "href") == "/subscribe"
    assert page.query_selector("#result-link") is None
    assert page.query_selector("#input-link") and page.query_selector("#log-link")
    shoot(page, "premium-03-free-job-archived")

    # Profile: Free, with the way to upgrade.
    page.click("nav >> text=Profile")
    page.wait_for_selector("#tier-badge")
    assert page.inner_text("#tier-badge") == "Free"
    shoot(page, "premium-04-profile-free")
    page.click("#upgrade-button")
    page.wait_for_url(re.compile(r".*/subscribe$"))
    page.wait_for_selector("#card-number")
    assert "$999.99" in page.inner_text("#premium-price")
    assert "4242 4242 4242 4242" in page.inner_text("#demo-notice")
    shoot(page, "premium-05-subscribe")

    # A declined test card: the message on the form, still Free.
    page.fill("#card-number", "4000 0000 0000 0002")
    page.fill("#card-expiry", "12 / 34")
    page.fill("#card-cvc", "123")
    page.click("#subscribe-submit")
    page.wait_for_selector("#subscribe-alert:has-text('Your card was declined.')")
    assert page.url.endswith("/subscribe")
    assert page.is_enabled("#subscribe-submit")
    shoot(page, "premium-06-card-declined")

    # The good test card: confirmation, then Premium on the profile.
    page.fill("#card-number", "4242 4242 4242 4242")
    page.click("#subscribe-submit")
    page.wait_for_url(re.compile(r".*/subscribed$"))
    page.wait_for_selector("#subscribed-premium")
    text = page.inner_text("#subscribed-premium")
    assert "Welcome to Premium" in text and "Your archived results are being restored" in text
    shoot(page, "premium-07-subscribed")

    # The archived result: "restoring" (the thaw takes 3 s), then the download link, without reloading.
    page.goto(f"{url}/annotations/{job_id}")
    page.wait_for_selector("#result-restoring")
    shoot(page, "premium-08-job-restoring")
    page.wait_for_selector("#result-link", timeout=30_000)
    assert "until" not in page.inner_text("#row-annotated-results")   # Premium: no time limit
    with page.expect_download() as info:
        page.click("#result-link")
    assert info.value.suggested_filename.endswith(".annot.vcf")
    shoot(page, "premium-09-job-restored")

    page.click("nav >> text=Profile")
    page.wait_for_selector("#cancel-button")
    assert page.inner_text("#tier-badge") == "Premium"
    shoot(page, "premium-10-profile-premium")

    # Premium already: /subscribe says so; a file over the Free limit is accepted now.
    page.goto(f"{url}/subscribe")
    page.wait_for_selector("#already-premium")
    page.goto(f"{url}/annotate")
    page.wait_for_selector("#upload-file")
    assert "any size" in page.inner_text("#upload-limit")

    # Cancel, with the confirm step: Free again.
    page.goto(f"{url}/profile")
    page.click("#cancel-button")
    page.wait_for_selector("#cancel-confirm")
    shoot(page, "premium-11-cancel-confirm")
    page.click("#cancel-confirm")
    page.wait_for_selector("text=Your subscription is cancelled")
    assert page.inner_text("#tier-badge") == "Free"
    shoot(page, "premium-12-cancelled")
    # The declined card's 402 is logged by Chromium as a failed resource; anything else is a fault.
    assert [e for e in page.errors if "status of 402" not in e] == []
