"""The platform's own jobs: draining the outbox, the sweep behind it, match digests, expiry
reminders and the embedding-cache clean-up.

Draining: a commit that wrote outbox entries calls ``enqueue_drain`` (the outbox's drain trigger),
which queues one ``drain_outbox_job`` unless one is already waiting, so a burst of writes costs
one drain. The outbox stays the source of truth: a lost job (worker killed mid-drain, queue
unreachable when the write committed) leaves its entries in the table, and the sweep drains them
within a minute. Handlers read the current state of the records, so draining twice is harmless.

Digests and reminders run hourly: each notice has a dedupe key (one digest per subscription a
day, one reminder per listing and expiry date), so an extra or repeated run sends nothing new,
and a run cut short is completed by the next one.
"""

from __future__ import annotations

import logging

from flask import Flask

from portal.jobs.queue import bound_app, crontab, huey, periodic, task
from portal.outbox.service import drain_outbox
from portal.transactions import unit_of_work

log = logging.getLogger(__name__)

DRAIN_QUEUED_KEY = "outbox-drain-queued"
# Entries per transaction in the worker: ranking a few dozen listings takes seconds, and on
# SQLite pages cannot write while a batch holds the lock.
WORKER_DRAIN_BATCH = 25


class OutboxHandlersFailed(Exception):
    """Some outbox handler failed: its entries wait, and the drain is retried."""


def enqueue_drain(_app: Flask) -> None:
    """After a commit that wrote outbox entries: queue a drain, never failing the write."""
    try:
        if huey.put_if_empty(DRAIN_QUEUED_KEY, "1"):
            drain_outbox_job()
    except Exception as error:  # e.g. Redis unreachable: the change is safe in the outbox
        log.warning("could not queue the outbox drain (%s); the sweep will catch up", error)


@task(retries=4, retry_delay=5, name="outbox.drain")
def drain_outbox_job() -> int:
    """Dispatch every waiting outbox entry; raises (and is retried) when a handler failed."""
    huey.delete(DRAIN_QUEUED_KEY)  # a write from now on queues the next drain
    report = drain_outbox(bound_app(), batch_size=WORKER_DRAIN_BATCH)
    if not report.ok:
        failed = "; ".join(f"{name}: {error}" for name, error in report.errors.items())
        raise OutboxHandlersFailed(f"{report.backlog} entries wait ({failed})")
    return report.done


@periodic(crontab(minute="*"), name="outbox.sweep", lock="outbox-sweep")
def sweep_outbox() -> None:
    """Safety net: drain what a lost or failed drain job left behind."""
    huey.delete(DRAIN_QUEUED_KEY)
    report = drain_outbox(bound_app(), batch_size=WORKER_DRAIN_BATCH)
    if report.done or not report.ok:
        log.info("outbox sweep: %d done, %d waiting", report.done, report.backlog)


@periodic(crontab(minute="5"), name="matches.digests", lock="match-digests")
def send_match_digests() -> None:
    from portal.matches.subscriptions import send_digests

    with unit_of_work():
        report = send_digests()
    log.info("match digests: %d sent, %d nothing new", report.sent, report.nothing_new)


@periodic(crontab(minute="10"), name="listings.expiry_reminders", lock="expiry-reminders")
def send_expiry_reminders() -> None:
    from portal.listings.reminders import send_expiry_reminders as remind

    with unit_of_work():
        sent = remind()
    log.info("expiry reminders: %d sent", sent)


@periodic(crontab(hour="3", minute="30"), name="embeddings.cache_cleanup")
def clean_embedding_cache() -> None:
    """Drop cached vectors of models other than the live one (left after a model change)."""
    from portal.embeddings.service import get_embedder

    embedder = get_embedder(bound_app())
    cache = getattr(embedder, "cache", None)
    if cache is not None:
        removed = cache.discard_other_models(embedder.name)
        log.info("embedding cache: %d vectors of other models removed", removed)
