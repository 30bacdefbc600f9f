"""Listings with realistic texts for the matchmaking tests."""

from __future__ import annotations

from typing import Any

from portal.auth.models import User
from portal.extensions import db
from portal.listings.kinds import Listing, ListingKind
from portal.listings.service import create_listing, publish_listing, submit_listing

BATTERY = {
    "title": "钠离子电池储能系统",
    "summary": "面向工商业用户侧储能的低成本钠离子电池系统，循环寿命四千次以上，适合削峰填谷。",
    "description": "采用层状氧化物正极和硬碳负极，电芯能量密度 140 Wh/kg，系统可在零下 20 度运行。",
    "keywords": ["钠离子电池", "储能"],
    "trl": 7,
    "price_min": 50,
    "price_max": 120,
    "transfer_modes": ["license", "joint_development"],
}
CCUS = {
    "title": "燃煤电厂烟气二氧化碳捕集技术",
    "summary": "以新型胺吸收剂从燃煤电厂烟气中捕集二氧化碳，捕集率 90% 以上，再生能耗低。",
    "description": "中试装置连续运行 3000 小时，捕集的二氧化碳可用于食品级干冰和驱油。",
    "keywords": ["碳捕集", "CCUS"],
    "trl": 6,
    "price_min": 300,
    "price_max": 800,
    "transfer_modes": ["assignment"],
}
STORAGE_NEED = {
    "title": "工业园区储能需求",
    "summary": "园区希望建设用户侧储能电站，用电池储能削峰填谷，降低峰时电价支出，寿命要长。",
    "description": "需要循环寿命长、安全性好的电池储能系统，规模约 2 MWh，接受许可或合作开发。",
    "min_trl": 6,
    "budget_max": 200,
    "transfer_modes": ["license"],
}


def make_published(kind: ListingKind, owner: User, broker: User, **fields: Any) -> Listing:
    listing = create_listing(kind, dict(fields), owner)
    submit_listing(listing, owner)
    publish_listing(listing, broker)
    db.session.commit()
    return listing
