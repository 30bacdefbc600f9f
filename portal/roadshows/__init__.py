"""Roadshows (路演): brokers run themed events where technologies are presented to the
enterprises whose needs they match.

models.py         roadshows, themes, agenda slots, invitations, registrations
times.py          stored UTC <-> Asia/Shanghai
service.py        the roadshow and agenda rules (create, edit, status moves, slots)
proposals.py      technologies to present and organizations to invite, from stored matches
invitations.py    personal invitation links, responses, deadline reminders
reminders.py      send_due_reminders(now): invitees before the deadline, registered before the start
registrations.py  registration, capacity, waiting list and its offers, cancellation
meetings.py       1:1 meetings: requests, answers, the broker's grid and bookings
feedback.py       attendees' feedback; interest opens a Match in the deal pipeline
funnel.py         invited -> ... -> contracted, per roadshow or filtered by theme and period
tickets.py        signed check-in codes, QR images, check-in
calendar.py       iCalendar of a roadshow and of the upcoming ones
exports.py        the registration list as CSV and Excel
demo.py           demo roadshows (past with deals, upcoming with registrations)
forms.py, views/, api.py, commands.py   the pages, /api/v1/roadshows, `flask roadshows ...`

Everything here flushes; pages and commands commit.
"""

from flask import Blueprint, Flask

bp = Blueprint("roadshows", __name__, url_prefix="/roadshows")

# Defaults of the roadshow settings; an installation overrides them in its config.
SETTINGS = {
    # remind pending invitees this many days before the registration deadline
    "ROADSHOW_INVITATION_REMINDER_DAYS": 3,
    "ROADSHOW_EVENT_REMINDER_HOURS": (72, 2),  # remind registered people before the start
    "ROADSHOW_OFFER_HOURS": 48,  # how long a promoted waiting-list person has to confirm
    "ROADSHOW_INVITE_MIN_SCORE": 0.5,  # matches below this score propose no invitee
    "ROADSHOW_SLOT_MINUTES": 20,  # default length of a talk added from the proposals
}


def configure_roadshows(app: Flask) -> None:
    for name, value in SETTINGS.items():
        app.config.setdefault(name, value)


from portal.roadshows import views  # noqa: E402,F401  (routes register on import)
