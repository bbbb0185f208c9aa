"""Run code against an unreachable Celery broker, then restore the real one."""

import contextlib


@contextlib.contextmanager
def unreachable_broker():
    from kombu import pools

    from portal.celery import app

    saved = (
        app.conf.task_always_eager,
        app.conf.broker_url,
        dict(app.conf.broker_transport_options or {}),
    )
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    app.conf.broker_transport_options = {"max_retries": 0}
    _reset(app, pools)
    try:
        yield app
    finally:
        app.conf.task_always_eager, app.conf.broker_url, options = saved
        app.conf.broker_transport_options = options
        _reset(app, pools)


def _reset(app, pools):
    """Forget every pooled connection (the app's and kombu's global pools), and the
    outbox's memory of a failed hand-over (``portal.outbox.BROKER_PAUSE_SECONDS``)."""
    from portal import outbox

    outbox._broker_down_until = 0.0
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    pools.reset()
