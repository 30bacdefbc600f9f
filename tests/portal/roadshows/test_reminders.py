"""Reminders before the event: once per offset, the nearest only when a run comes late."""

from __future__ import annotations

from datetime import datetime, timedelta
from email.message import EmailMessage

from flask.testing import FlaskCliRunner

from portal.accounts.models import User
from portal.extensions import db
from portal.jobs.queue import huey
from portal.model_mixins import utcnow
from portal.notifications.models import Notification
from portal.roadshows import registrations, reminders, service
from portal.roadshows.jobs import lapse_waiting_list_offers, send_roadshow_reminders
from portal.roadshows.models import Roadshow
from portal.roadshows.times import EVENT_ZONE
from tests.portal.roadshows.conftest import calendar_attached


def reminder_keys() -> list[str]:
    rows = db.session.query(Notification).filter_by(kind="roadshow.reminder")
    return sorted(notice.dedupe_key for notice in rows)


def test_registered_people_are_reminded_once_per_offset(
    runner: FlaskCliRunner,
    roadshow: Roadshow,
    people: dict[str, User],
    mails: list[EmailMessage],
) -> None:
    service.move_roadshow(people["broker"], roadshow, "open")
    seat = registrations.register(people["enterprise"], roadshow, utcnow())
    cancelled = registrations.register(people["researcher"], roadshow, utcnow())
    registrations.cancel(people["researcher"], cancelled, utcnow())
    db.session.commit()
    start = roadshow.starts_at
    assert reminders.send_due_reminders(start - timedelta(hours=80)).registered == 0
    assert reminders.send_due_reminders(start - timedelta(hours=70)).registered == 1
    assert not [mail for mail in mails if mail["Subject"].startswith("路演提醒")]
    db.session.commit()  # the mail goes once its notice is committed
    # The mail carries the roadshow's calendar entry, in Shanghai wall time.
    (reminder,) = [mail for mail in mails if mail["Subject"].startswith("路演提醒")]
    assert reminder["To"] == "enterprise@test.xm"
    (event,) = calendar_attached(reminder).walk("VEVENT")
    assert str(event["summary"]) == roadshow.title == "储能技术专场路演"
    assert event.decoded("dtstart") == datetime(2027, 3, 5, 14, 0, tzinfo=EVENT_ZONE)
    assert event.decoded("dtend") == datetime(2027, 3, 5, 17, 0, tzinfo=EVENT_ZONE)
    assert str(event["location"]) == "厦门两岸股权交易中心路演厅"
    assert str(event["url"]) == f"/roadshows/{roadshow.id}"
    assert reminders.send_due_reminders(start - timedelta(hours=60)).registered == 0
    assert reminders.send_due_reminders(start - timedelta(hours=1)).registered == 1
    assert reminders.send_due_reminders(start - timedelta(minutes=30)).registered == 0
    assert reminders.send_due_reminders(start + timedelta(minutes=1)).registered == 0
    db.session.commit()
    assert reminder_keys() == [
        f"roadshow-reminder:{seat.id}:2h",
        f"roadshow-reminder:{seat.id}:72h",
    ]
    body = db.session.query(Notification).filter_by(kind="roadshow.reminder").first().body
    assert "14:00" in body and f"/roadshows/{roadshow.id}/calendar.ics" in body
    result = runner.invoke(args=["roadshows", "remind"])
    assert result.exit_code == 0 and "event reminders sent: 0" in result.output


def test_a_late_run_sends_only_the_nearest_reminder(
    roadshow: Roadshow, people: dict[str, User]
) -> None:
    service.move_roadshow(people["broker"], roadshow, "open")
    seat = registrations.register(people["enterprise"], roadshow, utcnow())
    db.session.commit()
    late = roadshow.starts_at - timedelta(hours=1)
    assert reminders.remind_registered(late, [72, 2]) == 1
    assert reminders.remind_registered(late + timedelta(minutes=5), [72, 2]) == 0
    assert reminder_keys() == [f"roadshow-reminder:{seat.id}:2h"]


def test_the_worker_sends_the_due_reminders_once_on_its_schedule(
    roadshow: Roadshow, people: dict[str, User]
) -> None:
    service.move_roadshow(people["broker"], roadshow, "open")
    seat = registrations.register(people["enterprise"], roadshow, utcnow())
    length = roadshow.ends_at - roadshow.starts_at
    roadshow.starts_at = utcnow() + timedelta(hours=1)
    roadshow.ends_at = roadshow.starts_at + length
    db.session.commit()
    # Both are on the worker's schedule: due at a quarter past, only the offers at 08:05.
    due = {task.name for task in huey.read_periodic(datetime(2027, 3, 1, 8, 15))}
    assert {"roadshows.reminders", "roadshows.offers"} <= due
    assert "roadshows.reminders" not in {
        task.name for task in huey.read_periodic(datetime(2027, 3, 1, 8, 5))
    }
    send_roadshow_reminders.call_local()
    send_roadshow_reminders.call_local()  # a doubled run sends nothing more
    lapse_waiting_list_offers.call_local()
    assert reminder_keys() == [f"roadshow-reminder:{seat.id}:2h"]
