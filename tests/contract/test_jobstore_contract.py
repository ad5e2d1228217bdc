"""The job store contract: conditional transitions and the per-user, newest-first listing."""
import pytest

from backend.domain import Job, JobStatus


def _job(job_id, user="u1", t=1000.0):
    return Job(job_id=job_id, user_id=user, input_file_name="a.vcf", input_key=f"inputs/{user}/{job_id}~a.vcf", submit_time=t)


def test_create_and_get_round_trip(adapters):
    store = adapters.job_store()
    store.create(_job("j1"))
    got = store.get("j1")
    assert got.status == JobStatus.PENDING and got.input_file_name == "a.vcf"
    assert store.get("missing") is None
    with pytest.raises(ValueError):
        store.create(_job("j1"))


def test_transition_is_conditional(adapters):
    store = adapters.job_store()
    store.create(_job("j1"))
    assert store.transition("j1", JobStatus.PENDING, JobStatus.RUNNING) is True
    assert store.transition("j1", JobStatus.PENDING, JobStatus.RUNNING) is False   # second delivery
    assert store.transition("j1", JobStatus.RUNNING, JobStatus.COMPLETED, complete_time=2000.0, summary="ok")
    job = store.get("j1")
    assert job.status == JobStatus.COMPLETED and job.complete_time == 2000.0 and job.summary == "ok"
    assert store.transition("nope", JobStatus.PENDING, JobStatus.RUNNING) is False


def test_update_sets_fields(adapters):
    store = adapters.job_store()
    store.create(_job("j1"))
    store.update("j1", progress_done=5, progress_total=10)
    assert (store.get("j1").progress_done, store.get("j1").progress_total) == (5, 10)


def test_list_for_user_is_newest_first_paginated_and_private(adapters):
    store = adapters.job_store()
    for n in range(5):
        store.create(_job(f"a{n}", "u1", 1000.0 + n))
    store.create(_job("b0", "u2", 5000.0))
    page1, cursor = store.list_for_user("u1", limit=3)
    assert [j.job_id for j in page1] == ["a4", "a3", "a2"] and cursor
    page2, cursor2 = store.list_for_user("u1", limit=3, cursor=cursor)
    assert [j.job_id for j in page2] == ["a1", "a0"] and cursor2 is None


def test_update_if_is_conditional_on_any_field(adapters):
    from backend.domain import ArchiveState
    store = adapters.job_store()
    store.create(_job("j1"))
    assert store.update_if("j1", "archive_state", ArchiveState.HOT, archive_state=ArchiveState.ARCHIVED,
                           results_file_archive_id="arch-1")
    assert not store.update_if("j1", "archive_state", ArchiveState.HOT, archive_state=ArchiveState.ARCHIVED,
                               results_file_archive_id="arch-2")
    job = store.get("j1")
    assert job.archive_state == ArchiveState.ARCHIVED and job.results_file_archive_id == "arch-1"
