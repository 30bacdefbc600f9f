"""Legal status: a closed list, and the wordings of each export mapped onto it.

The source wording is always kept beside the normalized status: "未缴年费" and "放弃"
both lapse, but a broker reading a record wants to see which.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.model_mixins import LabelledStrEnum


class LegalStatus(LabelledStrEnum):
    PENDING = "pending", _l("审中")
    GRANTED = "granted", _l("有效（已授权）")
    LAPSED = "lapsed", _l("失效")
    WITHDRAWN = "withdrawn", _l("撤回")
    REJECTED = "rejected", _l("驳回")
    EXPIRED = "expired", _l("期限届满")
    UNKNOWN = "unknown", _l("未知")


# Wordings seen in the real exports (incoPat 当前法律状态 / 专利有效性, Patentics 法律状态,
# PatSnap 简单法律状态, Lens Legal Status), compared after upper-casing and removing spaces.
_WORDINGS: dict[str, LegalStatus] = {
    "实质审查": LegalStatus.PENDING,
    "公开": LegalStatus.PENDING,
    "审中": LegalStatus.PENDING,
    "PENDING": LegalStatus.PENDING,
    "授权": LegalStatus.GRANTED,
    "有效": LegalStatus.GRANTED,
    "ACTIVE": LegalStatus.GRANTED,
    "PATENTED": LegalStatus.GRANTED,
    "GRANTED": LegalStatus.GRANTED,
    "未缴年费": LegalStatus.LAPSED,
    "放弃": LegalStatus.LAPSED,
    "失效": LegalStatus.LAPSED,
    "无效": LegalStatus.LAPSED,
    "全部无效": LegalStatus.LAPSED,
    "INACTIVE": LegalStatus.LAPSED,
    "DISCONTINUED": LegalStatus.LAPSED,
    "撤回": LegalStatus.WITHDRAWN,
    "视为撤回": LegalStatus.WITHDRAWN,
    "WITHDRAWN": LegalStatus.WITHDRAWN,
    "驳回": LegalStatus.REJECTED,
    "REJECTED": LegalStatus.REJECTED,
    "期限届满": LegalStatus.EXPIRED,
    "EXPIRED": LegalStatus.EXPIRED,
    "其他": LegalStatus.UNKNOWN,
    "UNKNOWN": LegalStatus.UNKNOWN,
}


def normalize_legal_status(text: str) -> LegalStatus:
    """'实质审查' -> pending, 'DISCONTINUED' -> lapsed; an unseen wording is unknown.

    A cell may hold a history ("公开; 实质审查; 授权"): the last known wording counts.
    """
    parts = [part.strip().upper().replace(" ", "") for part in text.replace("；", ";").split(";")]
    for part in reversed(parts):
        if part in _WORDINGS:
            return _WORDINGS[part]
        if part.startswith("EXPIRED"):  # Lens: "EXPIRED - LIFETIME", "EXPIRED - FEE RELATED"
            return LegalStatus.EXPIRED
    return LegalStatus.UNKNOWN
