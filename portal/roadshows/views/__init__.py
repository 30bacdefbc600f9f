"""The roadshow pages, one module per part; importing this registers their routes on `bp`.

events.py       the public list and detail; the broker's create, edit, status, agenda, proposals
invitations.py  inviting organizations; invitees answering their personal link
"""

from portal.roadshows.views import events, invitations

__all__ = ["events", "invitations"]
