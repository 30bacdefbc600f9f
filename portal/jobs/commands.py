"""`flask --app wsgi jobs worker | status | wait | run-queued`."""

from __future__ import annotations

import logging
import threading
import time

import click
from huey.consumer_options import ConsumerConfig

from portal.jobs.queue import huey, locks_expire
from portal.jobs.service import keep_beating, queue_status, run_queued
from portal.model_mixins import utcnow

jobs_cli = click.Group("jobs", help="Background jobs: run the worker, see the queue.")


@jobs_cli.command("worker")
# Two threads: a long job (a maintenance run, a large import) holds one for minutes while the
# other keeps draining the outbox and writing the heartbeat. Handlers and the embedded index are
# safe across threads (the index writes under a lock; on SQLite writers take turns).
@click.option("--workers", "-w", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option(
    "--worker-type",
    "-k",
    default="thread",
    show_default=True,
    type=click.Choice(["thread", "process", "greenlet"]),
)
@click.option("--no-periodic", is_flag=True, help="Do not run the periodic jobs in this worker.")
def worker_command(workers: int, worker_type: str, no_periodic: bool) -> None:
    """Run Huey's consumer: queued jobs, retries, and the periodic jobs (sweep, digests, ...)."""
    # An idle worker polls at least every second, so a change is indexed about a second later.
    # Locks that cannot expire (SQLite, Redis before 7.4) are cleared when a worker starts, so a
    # killed worker's locks do not block its jobs for ever: run one worker process per queue then.
    config = ConsumerConfig(
        workers=workers,
        worker_type=worker_type,
        periodic=not no_periodic,
        max_delay=1.0,
        flush_locks=not locks_expire(),
    )
    config.validate()
    # Huey logs each job it runs and each retry: in the portal's JSON lines, like the rest.
    consumer_log = logging.getLogger("huey")
    consumer_log.handlers = list(logging.getLogger("portal").handlers)
    consumer_log.setLevel(logging.INFO)
    click.echo(f"worker: {workers} {worker_type} worker(s) on {huey.storage.__class__.__name__}")
    stop_beating = threading.Event()
    threading.Thread(
        target=keep_beating, args=(stop_beating,), name="heartbeat", daemon=True
    ).start()
    try:
        huey.create_consumer(**config.values).run()
    finally:
        stop_beating.set()


@jobs_cli.command("status")
def status_command() -> None:
    """Queue depth, the oldest change waiting in the outbox, the worker, recent failures."""
    status = queue_status()
    if status.reachable:
        click.echo(
            f"queue: {status.storage}: {status.waiting} waiting, {status.scheduled} scheduled"
        )
    else:
        click.echo(f"queue: {status.storage}: UNREACHABLE ({status.error})")
    oldest = ""
    if status.outbox_oldest is not None:
        age = (utcnow() - status.outbox_oldest).total_seconds()
        oldest = f", oldest {status.outbox_oldest:%Y-%m-%d %H:%M:%S} UTC ({age:.0f} s ago)"
    click.echo(f"outbox: {status.outbox_backlog} waiting{oldest}")
    if status.heartbeat_age is None:
        click.echo("worker: no heartbeat (not running?)")
    else:
        state = "alive" if status.worker_alive else "STALE"
        click.echo(f"worker: {state}, last heartbeat {status.heartbeat_age:.0f} s ago")
    click.echo(f"failures in the last day: {status.failures_last_day}")
    for failure in status.failures:
        click.echo(
            f"  {failure.failed_at:%Y-%m-%d %H:%M:%S} {failure.task_name} "
            f"({failure.attempts} attempts): {failure.error[:200]}"
        )
    if not status.reachable:
        raise SystemExit(1)


@jobs_cli.command("wait")
@click.option(
    "--timeout",
    default=1800,
    show_default=True,
    type=click.IntRange(1),
    help="Seconds to wait before giving up (exit status 1).",
)
def wait_command(timeout: int) -> None:
    """Wait, with a progress bar, until the worker has done every change in the outbox and
    every queued job: scripts that need the derived data (matches, the index) run after it."""
    deadline = time.monotonic() + timeout
    status = queue_status()
    total = max(status.outbox_backlog + status.waiting, 1)
    with click.progressbar(length=total, label="derived work done", show_pos=True) as bar:
        while status.outbox_backlog or status.waiting:
            if not status.reachable:
                raise click.ClickException(f"queue unreachable: {status.error}")
            if time.monotonic() > deadline:
                raise click.ClickException(
                    f"still {status.outbox_backlog} changes and {status.waiting} jobs waiting "
                    f"after {timeout} s; is the worker running? (flask --app wsgi jobs status)"
                )
            time.sleep(1.0)
            status = queue_status()
            left = status.outbox_backlog + status.waiting
            bar.update(max(total - left - bar.pos, 0))
        bar.update(total - bar.pos)


@jobs_cli.command("run-queued")
@click.option("--no-retries", is_flag=True, help="Leave retries waiting for their back-off.")
def run_queued_command(no_retries: bool) -> None:
    """Run every waiting job in this process, then exit (no worker needed)."""
    ran = run_queued(include_retries=not no_retries)
    click.echo(f"jobs run: {ran}")
