"""Navigation counts for a selection of patents: years, applicants, codes, status, regions.

Plain results (lists of label/count rows) that pages, charts, the API and the CSV use alike.
Years are application years; the last 18 months are marked incomplete, because patents
publish about 18 months after filing: a falling last bar is not a collapse. Growth rates are
therefore taken over the last five complete years only.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Column,
    ColumnElement,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    case,
    cast,
    delete,
    exists,
    false,
    func,
    insert,
    or_,
    select,
    text,
    true,
)
from sqlalchemy.orm import InstrumentedAttribute, aliased

from portal.extensions import db
from portal.patents.legal_status import LegalStatus
from portal.patents.models import (
    ClassificationScheme,
    Patent,
    PatentApplicant,
    PatentClassification,
    PatentType,
)
from portal.patents.query import PatentFilter, patents_query
from portal.patents.regions import FUJIAN, XIAMEN

PUBLICATION_LAG_DAYS = 548  # about 18 months
GROWTH_YEARS = 5  # compound growth from the first to the last of this many complete years
CHINA = ("CN", "TW", "HK", "MO")
REGION_LABELS = {
    "xiamen": _l("厦门"),
    "fujian": _l("福建其他地区"),
    "china": _l("中国其他地区"),
    "abroad": _l("境外"),
    "unknown": _l("地区不详（导出文件无地址）"),
}
REGIONS = tuple(REGION_LABELS)


@dataclass(frozen=True)
class Count:
    key: str  # what the row counts (a year, a name, a code, a status value)
    count: int
    incomplete: bool = False  # a year still inside the publication lag


@dataclass(frozen=True)
class Edge:
    source: str  # applicant names as written (the most common spelling)
    target: str
    count: int  # patents filed jointly


@dataclass(frozen=True)
class LifeCycleYear:
    """One point of the technology life cycle: filings against distinct applicants."""

    year: int
    filings: int
    applicants: int
    incomplete: bool


@dataclass(frozen=True)
class Growth:
    key: str  # a green topic key; "" for all selected patents
    first: int  # filings in the window's first year
    last: int  # filings in its last year
    rate: float | None  # compound annual growth; None where the first year had none


@dataclass
class Landscape:
    total: int
    by_year: list[Count] = field(default_factory=list)
    by_priority_year: list[Count] = field(default_factory=list)
    top_applicants: list[Count] = field(default_factory=list)
    ipc_groups: list[Count] = field(default_factory=list)
    ipc_subclasses: list[Count] = field(default_factory=list)
    topics: list[Count] = field(default_factory=list)
    legal_status: list[Count] = field(default_factory=list)
    patent_types: list[Count] = field(default_factory=list)
    provinces: list[Count] = field(default_factory=list)
    regions: list[Count] = field(default_factory=list)
    without_year: int = 0
    network_nodes: list[Count] = field(default_factory=list)  # applicants with joint filings
    network_edges: list[Edge] = field(default_factory=list)
    life_cycle: list[LifeCycleYear] = field(default_factory=list)
    growth_years: tuple[int, int] = (0, 0)  # first and last year of the growth window
    growth: list[Growth] = field(default_factory=list)  # all patents first, then by topic

    @property
    def xiamen_share(self) -> float:
        xiamen = next((r.count for r in self.regions if r.key == "xiamen"), 0)
        return xiamen / self.total if self.total else 0.0


def incomplete_from(today: date) -> int:
    """The first application year with months inside the publication lag on `today`."""
    return (today - timedelta(days=PUBLICATION_LAG_DAYS)).year


def _years(rows: list[tuple[int | None, int]], today: date) -> tuple[list[Count], int]:
    """Counts per year from the first to the last, years without filings as 0 (a gap in the
    axis would hide a year with none)."""
    cutoff = incomplete_from(today)
    counts = {y: n for y, n in rows if y is not None}
    missing = sum(n for y, n in rows if y is None)
    if not counts:
        return [], missing
    span = range(min(counts), max(counts) + 1)
    return [Count(str(y), counts.get(y, 0), y >= cutoff) for y in span], missing


def growth_window(today: date, latest: int | None = None) -> tuple[int, int]:
    """The last GROWTH_YEARS complete years (none inside the publication lag) on `today`,
    ending by the `latest` year the selection has filings in: an export made years ago has
    none after it, and its growth would read as a fall to zero."""
    last = incomplete_from(today) - 1
    if latest is not None:
        last = min(last, latest)
    return last - GROWTH_YEARS + 1, last


def compound_growth(first: int, last: int, years: int) -> float | None:
    """Annual growth rate that takes `first` to `last` in `years` - 1 steps."""
    if first <= 0 or years < 2:
        return None
    return (last / first) ** (1 / (years - 1)) - 1


def _growth(key: str, by_year: Counter[int], window: tuple[int, int]) -> Growth:
    first, last = by_year[window[0]], by_year[window[1]]
    return Growth(key, first, last, compound_growth(first, last, window[1] - window[0] + 1))


def _ordered(counter: Counter[str], limit: int | None = None) -> list[Count]:
    return [Count(key, n) for key, n in counter.most_common(limit)]


def region_key(country: str, province: str | None, city: str | None, names: list[str]) -> str:
    """Xiamen / rest of Fujian / rest of China / abroad / unknown, from what the export says.

    Where an export gives no address, an applicant name that says 厦门 or XIAMEN counts for
    Xiamen (Derwent and Lens names do: "XIAMEN CHANGHAI ENVIRONMENT PROTECTION").
    """
    if city == XIAMEN or (
        not province and any("厦门" in n or "XIAMEN" in n.upper() for n in names)
    ):
        return "xiamen"
    if province == FUJIAN:
        return "fujian"
    if country not in CHINA:
        return "abroad"
    return "china" if province else "unknown"


def _of_selected(
    query: Select, patent_id: InstrumentedAttribute[int], selected: ColumnElement[bool] | None
) -> Select:
    """`query` on child rows, kept to the selected patents (the patents table is not read);
    with no filter (None) every row counts. Membership, not a join: SQLite then reads the
    children of the selected patents by patent id instead of scanning them all in name order."""
    if selected is None:
        return query
    return query.where(patent_id.in_(select(_SELECTION.c.id)))


def _code_counts(
    part: InstrumentedAttribute[str], selected: ColumnElement[bool] | None, top: int
) -> list[Count]:
    """Patents per IPC group or subclass (a patent with two codes of one group counts once),
    from the covering index of the stored column; `selected` None: every patent."""
    key = part.label("key")
    query = select(key, func.count(func.distinct(PatentClassification.patent_id)).label("n"))
    query = _of_selected(query, PatentClassification.patent_id, selected)
    scheme: ColumnElement[str] = PatentClassification.scheme
    if selected is not None:
        # An expression, so that SQLite reaches the selected patents' codes by patent id
        # rather than through the (scheme, group) index over every code.
        scheme = func.lower(scheme)
    rows = db.session.execute(
        query.where(scheme == ClassificationScheme.IPC.value)
        .group_by(key)
        .order_by(text("n DESC"), key)
        .limit(top)
    )
    return [Count(k, n) for k, n in rows]


def _network(selected: ColumnElement[bool] | None, top: int) -> tuple[list[Count], list[Edge]]:
    """Co-applicant network: the `top * 2` strongest pairs of organizations filing together,
    and their members with their filings in the selection."""
    first, second = aliased(PatentApplicant), aliased(PatentApplicant)
    joint = func.count(func.distinct(first.patent_id)).label("n")
    pairs = db.session.execute(
        _of_selected(
            select(first.normalized_name, second.normalized_name, joint)
            .join(second, (second.patent_id == first.patent_id)
                  & (first.normalized_name < second.normalized_name)),
            first.patent_id,
            selected,
        )
        .group_by(first.normalized_name, second.normalized_name)
        .order_by(text("n DESC"), first.normalized_name, second.normalized_name)
        .limit(top * 2)
    ).all()  # fmt: skip
    members = {key for a, b, _ in pairs for key in (a, b)}
    if not members:
        return [], []
    filings = {
        key: (name, n)
        for key, name, n in db.session.execute(
            _of_selected(
                select(
                    PatentApplicant.normalized_name,
                    func.min(PatentApplicant.name),
                    func.count(func.distinct(PatentApplicant.patent_id)),
                ),
                PatentApplicant.patent_id,
                selected,
            )
            .where(PatentApplicant.normalized_name.in_(members))
            .group_by(PatentApplicant.normalized_name)
        )
    }
    edges = [Edge(filings[a][0], filings[b][0], n) for a, b, n in pairs]
    nodes = sorted((Count(*filings[k]) for k in members), key=lambda c: (-c.count, c.key))
    return nodes, edges


def _xiamen_named() -> ColumnElement[bool]:
    """Some applicant of the patent is named for Xiamen (exports without addresses)."""
    name = func.upper(PatentApplicant.name)
    return exists().where(
        PatentApplicant.patent_id == Patent.id, or_(name.contains("厦门"), name.contains("XIAMEN"))
    )


# The ids a filtered landscape counts, found once per landscape: each count then reads this
# table instead of evaluating the filters (a text search over every abstract) again. A
# temporary table is the connection's own, so landscapes on other connections do not meet.
_SELECTION = Table(
    "landscape_selection",
    MetaData(),
    Column("id", Integer, primary_key=True),
    prefixes=["TEMPORARY"],
)


def _selection(where: ColumnElement[bool]) -> ColumnElement[bool]:
    """The patents `where` selects, as membership of the filled temporary table."""
    connection = db.session.connection()
    _SELECTION.create(connection, checkfirst=True)
    connection.execute(delete(_SELECTION))
    connection.execute(insert(_SELECTION).from_select(["id"], select(Patent.id).where(where)))
    return Patent.id.in_(select(_SELECTION.c.id))


def landscape(filters: PatentFilter, *, top: int = 15, today: date | None = None) -> Landscape:
    today = today or date.today()
    filtered = patents_query(filters).whereclause
    where = _selection(filtered) if filtered is not None else None
    selected: ColumnElement[bool] = where if where is not None else true()
    # One pass over the selected patents, grouped by every column the patent-level counts
    # need; the counts are tallied from its groups (far fewer than patents).
    named = case((Patent.province.is_(None), _xiamen_named()), else_=false())
    columns = (
        Patent.application_year, Patent.priority_year, Patent.legal_status, Patent.patent_type,
        Patent.country, Patent.province, Patent.city, named,
        # As text: PostgreSQL's json has no equality.
        cast(Patent.green_topics, String),
    )  # fmt: skip
    groups = db.session.execute(select(*columns, func.count()).where(selected).group_by(*columns))
    years: Counter[int | None] = Counter()
    priority_years: Counter[int | None] = Counter()
    status_counts: Counter[LegalStatus] = Counter()
    type_counts: Counter[PatentType] = Counter()
    provinces: Counter[str] = Counter()
    regions: Counter[str] = Counter()
    topics: Counter[str] = Counter()
    topic_years: dict[str, Counter[int]] = {}
    for year, priority, status, kind, country, province, city, xiamen, green, n in groups:
        years[year] += n
        priority_years[priority] += n
        status_counts[status] += n
        type_counts[kind] += n
        if province:
            provinces[province] += n
        regions[region_key(country, province, city, ["厦门"] if xiamen else [])] += n
        for topic in json.loads(green) if green else []:
            topics[topic] += n
            if year is not None:
                topic_years.setdefault(topic, Counter())[year] += n
    result = Landscape(sum(years.values()))
    if not result.total:
        return result
    result.by_year, result.without_year = _years(list(years.items()), today)
    result.by_priority_year, _ = _years(list(priority_years.items()), today)
    result.legal_status = [
        Count(s.value, status_counts[s]) for s in LegalStatus if s in status_counts
    ]
    result.patent_types = [Count(t.value, type_counts[t]) for t in PatentType if t in type_counts]
    result.provinces = _ordered(provinces, top)
    result.regions = [Count(key, regions[key]) for key in REGIONS if regions[key]]

    applicant_rows = db.session.execute(
        _of_selected(
            select(PatentApplicant.normalized_name, func.min(PatentApplicant.name), func.count()),
            PatentApplicant.patent_id,
            where,
        )
        .group_by(PatentApplicant.normalized_name)
        .order_by(func.count().desc(), PatentApplicant.normalized_name)
        .limit(top)
    )
    result.top_applicants = [Count(name, n) for _, name, n in applicant_rows]
    result.ipc_groups = _code_counts(PatentClassification.main_group, where, top)
    result.ipc_subclasses = _code_counts(PatentClassification.subclass, where, top)
    result.network_nodes, result.network_edges = _network(where, top)
    all_years = Counter({y: n for y, n in years.items() if y is not None})
    result.topics = _ordered(topics)
    window = result.growth_years = growth_window(today, max(all_years, default=None))
    result.growth = [_growth("", all_years, window)] + [
        _growth(c.key, topic_years.get(c.key, Counter()), window) for c in result.topics
    ]
    result.life_cycle = _life_cycle(result.by_year, selected)
    return result


def _life_cycle(by_year: list[Count], selected: ColumnElement[bool]) -> list[LifeCycleYear]:
    """Filings and distinct (normalized) applicants per application year."""
    applicants = dict(
        db.session.execute(
            select(
                Patent.application_year, func.count(func.distinct(PatentApplicant.normalized_name))
            )
            .join(PatentApplicant, PatentApplicant.patent_id == Patent.id)
            .where(selected)
            .group_by(Patent.application_year)
        ).all()
    )
    return [
        LifeCycleYear(int(c.key), c.count, applicants.get(int(c.key), 0), c.incomplete)
        for c in by_year
    ]
