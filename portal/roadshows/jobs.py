"""The roadshow work the worker does on a schedule: reminders (invitees before the deadline,
registered people before the start) and lapsing waiting-list offers. Both functions are
idempotent, so a retried or doubled run sends nothing twice."""

from __future__ import annotations

import logging

from portal.jobs import crontab, periodic
from portal.model_mixins import utcnow
from portal.roadshows.registrations import expire_offers
from portal.roadshows.reminders import send_due_reminders
from portal.transactions import unit_of_work

log = logging.getLogger(__name__)


# Every quarter hour: the event reminders are due 72 h and 2 h before the start.
@periodic(crontab(minute="*/15"), name="roadshows.reminders", lock="roadshow-reminders")
def send_roadshow_reminders() -> None:
    with unit_of_work():
        sent = send_due_reminders(utcnow())
    log.info("roadshow reminders: %d invitees, %d registered", sent.invitees, sent.registered)


# Every five minutes, so a lapsed offer's seat goes to the next person soon after its deadline.
@periodic(crontab(minute="*/5"), name="roadshows.offers", lock="roadshow-offers")
def lapse_waiting_list_offers() -> None:
    with unit_of_work():
        lapsed = expire_offers(utcnow())
    log.info("waiting-list offers lapsed: %d", lapsed)
