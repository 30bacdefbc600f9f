"""Similar patents of a technology or a need: the vector side of each backend, on the pages."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from portal.accounts.models import User
from portal.extensions import db
from portal.listings.kinds import ListingKind
from portal.patents.service import import_patents
from portal.patents.similar import similar_patents
from tests.factories import BATTERY, AuthActions, make_listing

PATENTS = (
    "公开（公告）号,标题,摘要,申请人,IPC\n"
    "CN110000001A,一种钠离子电池正极材料及其制备方法,钠离子电池层状氧化物正极材料，"
    "提高储能电池循环寿命和能量密度,厦门大学;宁德时代新能源科技股份有限公司,H01M 4/36\n"
    "CN110000002A,海上风力发电机组叶片及其除冰装置,风电机组叶片前缘除冰，"
    "提高海上风力发电机组冬季发电量,明阳智慧能源集团股份公司,F03D 80/40\n"
    "CN110000003A,一种印染废水深度处理工艺,印染废水经混凝、臭氧氧化和膜过滤后回用,"
    "厦门水务集团有限公司,C02F 9/00\n"
)
WIND_NEED = {
    "title": "海上风电机组叶片除冰需求",
    "summary": "海上风力发电机组叶片冬季结冰导致发电量下降，寻求风电叶片除冰技术。",
}


def test_listings_show_the_patents_nearest_their_text(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    search_on: str,
    people_for_search: dict[str, User],
) -> None:
    import_patents("similar.csv", PATENTS.encode())
    db.session.commit()  # the outbox indexes the imported patents
    researcher, broker = people_for_search["researcher"], people_for_search["broker"]
    battery = make_listing(ListingKind.TECHNOLOGY, researcher, published_by=broker, **BATTERY)
    wind = make_listing(
        ListingKind.NEED, people_for_search["enterprise"], published_by=broker, **WIND_NEED
    )

    unrelated = make_listing(
        ListingKind.NEED, people_for_search["enterprise"], published_by=broker,
        title="跨境电商直播带货培训", summary="面向小微商户的短视频运营与直播话术课程。",
    )  # fmt: skip

    def numbers(listing: object) -> list[str]:
        return [patent.publication_number for patent in similar_patents(listing, limit=3)]

    assert numbers(battery)[0] == "CN110000001A"
    assert numbers(wind)[0] == "CN110000002A"

    auth.login(broker.email)
    page = client.get(f"/catalogue/{battery.id}").get_data(as_text=True)
    assert "相似专利" in page
    assert '<a href="/patents/CN110000001A">CN110000001A</a>' in page
    assert "一种钠离子电池正极材料及其制备方法" in page and "厦门大学" in page
    assert "绿色专利" not in page  # H01M 4/36 is in no green topic of the inventory
    page = client.get(f"/needs/{wind.id}").get_data(as_text=True)
    assert '<a href="/patents/CN110000002A">CN110000002A</a>' in page
    assert "绿色专利" in page  # F03D 80/40: the inventory's wind topic
    page = client.get(f"/needs/{unrelated.id}").get_data(as_text=True)
    assert "专利库中没有与此相近的专利。" in page and "/patents/CN" not in page
    auth.logout()

    # Members may not open patent pages: their listing pages do not list patents.
    auth.login(researcher.email)
    assert "相似专利" not in client.get(f"/catalogue/{battery.id}").get_data(as_text=True)
