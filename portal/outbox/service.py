"""The transactional outbox: session hooks that record changes, and the drain that dispatches them.

Writing: ``install_outbox(app)`` hooks the app's SQLAlchemy session. Every flush that inserts,
updates or deletes a tracked model (``track_model``) adds one ``OutboxEntry`` per changed row
in the same transaction, so services need no change and a change is never lost. A feature that
derives data from rows the database deletes by cascade, unseen by the ORM, declares that cascade
with ``register_cascade(model, fn)``: when a ``model`` row is deleted, ``fn(row_id)`` names the
``(entity_type, entity_id)`` pairs deleted with it, and each is recorded as a delete too.

Consuming: ``register_outbox_handler(name, fn)``; ``fn(events)`` reads the current state of the
records itself (through ``db.session``), so replaying an event is harmless. After a commit that
wrote entries, the drain trigger runs: at the end of the request, or at once when there is no
request (CLI, scripts). The portal's trigger (``set_drain_trigger``, installed by `portal.jobs`)
enqueues a job, so the worker drains and no request waits for indexing or ranking; without one
the outbox is drained in place (a failure is logged, never shown to the user).
``drain_outbox`` is also what ``flask --app wsgi search sync`` and the worker's sweep run. A
row is done, and deleted, when every registered handler has succeeded on it; a failing handler
leaves it for the next drain, the others are not re-run.

The outbox knows no feature: search indexing and match recomputation register themselves from
`portal.search_index` and `portal.matches`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app, g, has_app_context, has_request_context
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from portal.bulk_insert import insert_rows
from portal.extensions import db
from portal.model_mixins import utcnow
from portal.outbox.models import OutboxEntry

log = logging.getLogger(__name__)

OutboxHandler = Callable[[Sequence["OutboxEvent"]], None]
# Given the id of a row being deleted: the (entity_type, entity_id) pairs deleted with it.
Cascade = Callable[[int], Iterable[tuple[str, int]]]

DRAIN_BATCH = 500
PENDING_KEY = "outbox_pending"
WRITTEN_KEY = "outbox_written"
REQUEST_FLAG = "outbox_drain_due"

DrainTrigger = Callable[[Flask], None]

_handlers: dict[str, OutboxHandler] = {}
_trigger: dict[str, DrainTrigger] = {}
_tracked: dict[type, str] = {}
_cascades: dict[type, list[Cascade]] = {}
# Set while a drain runs, so that commits made by handlers do not start a nested drain.
_draining: ContextVar[bool] = ContextVar("outbox_draining", default=False)


@dataclass(frozen=True)
class OutboxEvent:
    id: int
    entity_type: str
    entity_id: int
    change: str  # "insert", "update" or "delete"


@dataclass
class DrainReport:
    done: int = 0
    failed: dict[str, int] = field(default_factory=dict)  # handler -> rows it failed on
    errors: dict[str, str] = field(default_factory=dict)  # handler -> last error
    backlog: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed


def register_outbox_handler(name: str, handler: OutboxHandler) -> None:
    """Add (or replace) a consumer of outbox events; rows wait until every handler succeeded."""
    _handlers[name] = handler


def set_drain_trigger(trigger: DrainTrigger) -> None:
    """Run ``trigger(app)`` instead of draining in place once a commit wrote entries."""
    _trigger["drain"] = trigger


def outbox_handlers() -> dict[str, OutboxHandler]:
    return dict(_handlers)


def track_model(model: type, entity_type: str) -> None:
    """Record inserts, updates and deletes of ``model`` rows as ``entity_type`` events."""
    _tracked[model] = entity_type


def tracked_entity_type(model: type) -> str | None:
    """The entity type ``model`` rows are recorded as, or None when it is not tracked."""
    return _tracked.get(model)


def register_cascade(model: type, cascade: Cascade) -> None:
    """Also record, when a ``model`` row is deleted, the rows ``cascade(row_id)`` names.

    For rows the database deletes with it (``ON DELETE CASCADE``), which the ORM never sees.
    ``cascade`` runs before the flush's deletes, with autoflush off; registering the same
    function twice for a model is harmless.
    """
    cascades = _cascades.setdefault(model, [])
    if cascade not in cascades:
        cascades.append(cascade)


def backlog() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxEntry)) or 0


def oldest_waiting() -> OutboxEntry | None:
    """The entry that has waited longest, or None when the outbox is empty."""
    return db.session.scalar(select(OutboxEntry).order_by(OutboxEntry.id).limit(1))


# --- writing: bulk statements ----------------------------------------------------------------


def record_bulk_changes(entity_type: str, entity_ids: Sequence[int], change: str) -> None:
    """Record changes a service made with Core bulk statements, which the session hooks do not
    see, in the session's transaction; the drain is triggered after its commit as usual."""
    now = utcnow()
    insert_rows(
        OutboxEntry.__table__,
        ("entity_type", "entity_id", "change", "created_at", "done_handlers", "attempts"),
        [(entity_type, entity_id, change, now, "[]", 0) for entity_id in entity_ids],
    )
    if entity_ids:
        db.session.info[WRITTEN_KEY] = True


# --- writing: session hooks ------------------------------------------------------------------


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    pending = session.info.setdefault(PENDING_KEY, [])
    for obj in session.deleted:
        if getattr(obj, "id", None) is None:
            continue
        for model, cascades in _cascades.items():
            if not isinstance(obj, model):
                continue
            # No autoflush: a cascade's query must not re-enter this hook, and must still see
            # the rows the database is about to delete.
            with session.no_autoflush:
                for cascade in cascades:
                    pending.extend((*key, "delete") for key in cascade(obj.id))


def _after_flush(session: Session, _context: Any) -> None:
    rows: list[tuple[str, int, str]] = session.info.pop(PENDING_KEY, [])
    changes = (
        (session.new, "insert"),
        (session.dirty, "update"),
        (session.deleted, "delete"),
    )
    for objects, change in changes:
        for obj in objects:
            entity_type = _tracked.get(type(obj))
            if entity_type is None:
                continue
            if change == "update" and not session.is_modified(obj, include_collections=False):
                continue
            rows.append((entity_type, obj.id, change))
    if not rows:
        return
    session.connection().execute(
        insert(OutboxEntry),
        [
            {"entity_type": t, "entity_id": i, "change": c, "done_handlers": [], "attempts": 0}
            for t, i, c in dict.fromkeys(rows)
        ],
    )
    session.info[WRITTEN_KEY] = True


def _after_commit(session: Session) -> None:
    if not session.info.pop(WRITTEN_KEY, False) or _draining.get() or not has_app_context():
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.config.get("OUTBOX_DRAIN_AFTER_COMMIT", True):
        return
    if has_request_context():
        g.setdefault(REQUEST_FLAG, True)  # triggered when the request ends
    else:
        _start_drain(app)


def _start_drain(app: Flask) -> None:
    _trigger.get("drain", drain_quietly)(app)


def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING_KEY, None)
    session.info.pop(WRITTEN_KEY, None)


def install_outbox(app: Flask) -> None:
    """Hook the app's session (once per process); writing requests trigger a drain at their end."""
    from sqlalchemy import event

    if not event.contains(db.session, "after_flush", _after_flush):
        event.listen(db.session, "before_flush", _before_flush)
        event.listen(db.session, "after_flush", _after_flush)
        event.listen(db.session, "after_commit", _after_commit)
        event.listen(db.session, "after_soft_rollback", lambda s, _t: _after_rollback(s))

    @app.teardown_request
    def drain_after_request(_error: BaseException | None) -> None:
        if g.pop(REQUEST_FLAG, False):
            _start_drain(app)


# --- consuming: the drain ----------------------------------------------------------------------


def _run_batch(
    events: Sequence[OutboxEvent], done: dict[int, set[str]], report: DrainReport
) -> int:
    """Give each handler the events it has not yet done; returns how many entries finished."""
    handlers = outbox_handlers()
    errors: dict[int, str] = {}
    for name, handler in handlers.items():
        todo = [event for event in events if name not in done[event.id]]
        if not todo:
            continue
        try:
            handler(todo)
        except Exception as error:  # a consumer's failure must not stop the others
            db.session.rollback()
            message = f"{type(error).__name__}: {error}"
            log.warning("outbox handler %s failed on %d events: %s", name, len(todo), message)
            report.failed[name] = report.failed.get(name, 0) + len(todo)
            report.errors[name] = message
            errors.update({event.id: f"{name}: {message}"[:2000] for event in todo})
            continue
        for event in todo:
            done[event.id].add(name)
    finished = [event_id for event_id, names in done.items() if names >= set(handlers)]
    if finished:
        db.session.execute(delete(OutboxEntry).where(OutboxEntry.id.in_(finished)))
    for event_id, names in done.items():
        if event_id in finished:
            continue
        values: dict[str, Any] = {"done_handlers": sorted(names)}
        if event_id in errors:
            values.update(attempts=OutboxEntry.attempts + 1, last_error=errors[event_id])
        db.session.execute(update(OutboxEntry).where(OutboxEntry.id == event_id).values(**values))
    db.session.commit()
    return len(finished)


def drain_outbox(
    app: Flask, max_batches: int | None = None, batch_size: int = DRAIN_BATCH
) -> DrainReport:
    """Dispatch waiting entries to the handlers, newest first, until every entry was tried once.

    Runs in an app context of its own, so handlers get a fresh ``db.session`` whatever state the
    caller's session is in. Newest first: a request's own change is indexed even with a backlog.
    Each batch of ``batch_size`` entries is one transaction: the worker keeps them small, so on
    SQLite it never holds the write lock long while pages write.
    """
    report = DrainReport()
    token = _draining.set(True)
    try:
        with app.app_context():
            below: int | None = None
            batches = 0
            while max_batches is None or batches < max_batches:
                query = select(OutboxEntry).order_by(OutboxEntry.id.desc()).limit(batch_size)
                if below is not None:
                    query = query.where(OutboxEntry.id < below)
                entries = list(db.session.scalars(query.with_for_update(skip_locked=True)))
                if not entries:
                    break
                events = [OutboxEvent(e.id, e.entity_type, e.entity_id, e.change) for e in entries]
                done = {entry.id: set(entry.done_handlers) for entry in entries}
                below = events[-1].id
                report.done += _run_batch(events, done, report)
                batches += 1
            report.backlog = backlog()
    finally:
        _draining.reset(token)
    return report


def drain_quietly(app: Flask) -> None:
    """Drain after a commit: any failure is logged and the rows wait for the next drain."""
    try:
        report = drain_outbox(app, max_batches=1)
    except Exception:
        log.exception("draining the outbox failed; `flask --app wsgi search sync` will retry")
        return
    if not report.ok:
        log.warning("outbox: %d entries wait for %s", report.backlog, ", ".join(report.failed))
