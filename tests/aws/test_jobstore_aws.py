"""DynamoDB specifics the shared contract does not reach: exact floats, cursors, the index."""
from __future__ import annotations

import pytest

from backend.domain import Job


def _job(job_id, user, t):
    return Job(job_id=job_id, user_id=user, input_file_name="a.vcf", input_key=f"inputs/{user}/{job_id}~a.vcf",
               submit_time=t)


def test_times_survive_the_decimal_round_trip_exactly(svc):
    t = 1764777600.123456
    svc.jobs.create(_job("j1", "u1", t))
    svc.jobs.update("j1", complete_time=t + 0.1, progress_done=7)
    job = svc.jobs.get("j1")
    assert job.submit_time == t and job.complete_time == t + 0.1
    assert isinstance(job.progress_done, int) and job.progress_done == 7


def test_a_cursor_only_pages_through_its_own_users_jobs(svc):
    for n in range(3):
        svc.jobs.create(_job(f"a{n}", "u1", 1000.0 + n))
    svc.jobs.create(_job("b0", "u2", 1000.5))
    _, cursor = svc.jobs.list_for_user("u1", limit=1)
    with pytest.raises(ValueError):
        svc.jobs.list_for_user("u2", limit=1, cursor=cursor)
    with pytest.raises(ValueError):
        svc.jobs.list_for_user("u1", limit=1, cursor="not-a-cursor")


def test_a_full_last_page_has_no_cursor(svc):
    for n in range(4):
        svc.jobs.create(_job(f"a{n}", "u1", 1000.0 + n))
    page, cursor = svc.jobs.list_for_user("u1", limit=2)
    page2, cursor2 = svc.jobs.list_for_user("u1", limit=2, cursor=cursor)
    assert [j.job_id for j in page + page2] == ["a3", "a2", "a1", "a0"] and cursor2 is None


def test_update_of_a_missing_job_is_a_key_error(svc):
    with pytest.raises(KeyError):
        svc.jobs.update("nope", progress_done=1)
    with pytest.raises(AttributeError):
        svc.jobs.create(_job("j1", "u1", 1.0)) or svc.jobs.update("j1", colour="blue")
