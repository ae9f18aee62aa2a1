"""A beat tick that falls in a broker outage is sent when the broker is back, not dropped."""

import time
from datetime import timedelta

import redis
from celery import Celery

from dlcurriculum.beat import CatchUpScheduler


def _app(broker_url: str) -> Celery:
    app = Celery("beat-probe", broker=broker_url)
    app.conf.update(
        beat_schedule={"hourly-job": {"task": "probe.hourly", "schedule": timedelta(hours=1)}},
        # As in the project's settings: one quick retry, which reconnects.
        task_publish_retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2},
        broker_connection_timeout=1,
        broker_transport_options={"socket_connect_timeout": 1, "socket_timeout": 1},
        timezone="UTC",
    )
    return app


def _queued(redis_proxy) -> int:
    real = redis_proxy.target
    return redis.Redis(host=real[0], port=real[1], db=redis_proxy.db).llen("celery")


def _tick_for(scheduler, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        scheduler.tick()
        time.sleep(0.1)


def test_a_tick_missed_during_a_broker_outage_is_sent_when_the_broker_is_back(redis_proxy, tmp_path, record_figures):
    app = _app(redis_proxy.url)
    scheduler = CatchUpScheduler(app=app, schedule_filename=str(tmp_path / "schedule"), max_interval=1)
    entry = scheduler.schedule["hourly-job"]
    entry.last_run_at = entry.last_run_at - timedelta(hours=2)  # the hourly tick is due now
    scheduler.schedule["hourly-job"] = entry

    assert scheduler.producer is not None  # connected at start, as a running beat is
    redis_proxy.partition()
    _tick_for(scheduler, 3)
    assert _queued(redis_proxy) == 0
    redis_proxy.heal()
    back = time.monotonic()
    deadline = back + 30
    while time.monotonic() < deadline and _queued(redis_proxy) == 0:
        scheduler.tick()
        time.sleep(0.2)
    delay = time.monotonic() - back
    sent = _queued(redis_proxy)
    _tick_for(scheduler, 3)
    scheduler.close()
    record_figures(scenario="hourly beat tick during broker outage", sent=sent, delay_after_broker_back_s=delay)
    assert sent == 1
    assert delay < 15
    assert _queued(redis_proxy) == 1  # sent once, not again at every tick


def test_the_last_run_is_kept_across_a_beat_restart(redis_proxy, tmp_path):
    path = str(tmp_path / "schedule")
    scheduler = CatchUpScheduler(app=_app(redis_proxy.url), schedule_filename=path, max_interval=1)
    last_run = scheduler.schedule["hourly-job"].last_run_at - timedelta(minutes=10)
    scheduler.schedule["hourly-job"].last_run_at = last_run
    scheduler.sync()
    scheduler.close()
    again = CatchUpScheduler(app=_app(redis_proxy.url), schedule_filename=path, max_interval=1)
    assert again.schedule["hourly-job"].last_run_at == last_run
