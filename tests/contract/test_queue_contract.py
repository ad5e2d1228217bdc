"""The queue and topic contract: visibility timeout, delete, delay, dead letters, fan-out."""
import time


def test_a_received_message_is_hidden_then_comes_back_if_not_deleted(adapters):
    q = adapters.queue(visibility_timeout=1)
    q.send({"job_id": "j1"})
    (first,) = q.receive(1, wait_seconds=2)
    assert first.body == {"job_id": "j1"} and first.receive_count == 1
    assert q.receive(1, wait_seconds=0) == []          # leased: nobody else gets it
    time.sleep(1.3)
    (again,) = q.receive(1, wait_seconds=2)
    assert again.body == {"job_id": "j1"} and again.receive_count == 2


def test_a_deleted_message_never_comes_back(adapters):
    q = adapters.queue(visibility_timeout=1)
    q.send({"n": 1})
    (m,) = q.receive(1, wait_seconds=2)
    q.delete(m)
    time.sleep(1.3)
    assert q.receive(1, wait_seconds=0.5) == []


def test_extend_keeps_a_long_job_leased(adapters):
    q = adapters.queue(visibility_timeout=1)
    q.send({"n": 1})
    (m,) = q.receive(1, wait_seconds=2)
    q.extend(m, 3)
    time.sleep(1.5)
    assert q.receive(1, wait_seconds=0) == []


def test_delay_holds_a_message_back(adapters):
    q = adapters.queue()
    q.send({"later": True}, delay_seconds=2)
    assert q.receive(1, wait_seconds=0.5) == []
    time.sleep(2)
    (m,) = q.receive(1, wait_seconds=2)
    assert m.body == {"later": True}


def test_a_message_received_too_often_goes_to_the_dead_letter_queue(adapters):
    q = adapters.queue(visibility_timeout=1, max_receives=2)
    q.send({"poison": True})
    for _ in range(2):
        assert q.receive(1, wait_seconds=2)
        time.sleep(1.2)
    assert q.receive(1, wait_seconds=1) == []
    assert q.dead_letters() == [{"poison": True}]


def test_depth_counts_waiting_messages_not_leased_ones(adapters):
    q = adapters.queue(visibility_timeout=5)
    for n in range(3):
        q.send({"n": n})
    assert q.depth() == 3
    q.receive(1, wait_seconds=2)
    assert q.depth() == 2


def test_a_topic_fans_out_to_every_subscribed_queue(adapters):
    a, b = adapters.queue(), adapters.queue()
    adapters.topic([a, b]).publish({"job_id": "j9"})
    assert [m.body for m in a.receive(1, wait_seconds=2)] == [{"job_id": "j9"}]
    assert [m.body for m in b.receive(1, wait_seconds=2)] == [{"job_id": "j9"}]
