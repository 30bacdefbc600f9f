"""The roadshow pages, one module per part; importing this registers their routes on `bp`.

events.py       the public list and detail; the broker's create, edit, status, agenda, proposals
invitations.py  inviting organizations; invitees answering their personal link
registrations.py  registering, cancelling, confirming an offer; the broker's list and exports
calendars.py    .ics of one roadshow and the feed of upcoming ones
tickets.py      the ticket with its QR code; the broker's check-in page
meetings.py     1:1 meetings: requests, answers, schedules; the broker's grid and bookings
outcomes.py     attendees' feedback per presentation; the funnel
"""

from portal.roadshows.views import (
    calendars,
    events,
    invitations,
    meetings,
    outcomes,
    registrations,
    tickets,
)

__all__ = ["calendars", "events", "invitations", "meetings", "outcomes", "registrations", "tickets"]
