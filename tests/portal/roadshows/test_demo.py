"""Demo roadshows: a past one with attendance and a deal, an upcoming one with registrations."""

from __future__ import annotations

from flask.testing import FlaskCliRunner

from portal.accounts.models import Role, User
from portal.extensions import db
from portal.listings.kinds import ListingKind
from portal.listings.models import Need, Technology
from portal.matches.models import Match
from portal.organizations.models import OrgKind
from portal.roadshows import funnel
from portal.roadshows.models import Roadshow, RoadshowStatus
from tests.factories import BATTERY, STORAGE_NEED, make_org, make_published, make_user


def test_demo_roadshows_fill_the_funnel_once(
    runner: FlaskCliRunner, areas: None, people: dict[str, User]
) -> None:
    broker = people["broker"]
    technology = make_published(
        ListingKind.TECHNOLOGY, people["researcher"], broker, area="A01.03", **BATTERY
    )
    need = make_published(ListingKind.NEED, people["enterprise"], broker, **STORAGE_NEED)
    assert isinstance(technology, Technology) and isinstance(need, Need)
    # A matching need of a firm that has no active account: proposed, but nobody to invite.
    unstaffed = make_org("厦门无账号企业", OrgKind.ENTERPRISE)
    gone = make_user("gone@test.xm", Role.ENTERPRISE, unstaffed)
    orphan = make_published(ListingKind.NEED, gone, broker, **STORAGE_NEED)
    gone.active = False
    assert runner.invoke(args=["roadshows", "demo"]).output.strip() == "demo roadshows made: 0"
    for user in people.values():
        user.is_demo = True
    for matched, score in ((need, 0.8), (orphan, 0.9)):
        if not db.session.query(Match).filter_by(technology=technology, need=matched).count():
            db.session.add(Match(technology=technology, need=matched, score=score, explanation={}))
    db.session.commit()
    result = runner.invoke(args=["roadshows", "demo"])
    assert result.exit_code == 0 and "demo roadshows made: 2" in result.output, result.output
    assert runner.invoke(args=["roadshows", "demo"]).output.strip() == "demo roadshows made: 0"
    shows = db.session.query(Roadshow).order_by(Roadshow.starts_at).all()
    assert [show.status for show in shows] == [RoadshowStatus.HELD, RoadshowStatus.OPEN]
    assert all(show.is_demo for show in shows)
    counts = {stage.key: stage.count for stage in funnel.funnel(funnel.FunnelFilter(shows[0].id))}
    assert counts["invited"] == 1  # the enterprise; the firm without accounts is skipped
    assert counts["attended"] >= 2 and counts["meetings"] == 1 and counts["contracted"] == 1
