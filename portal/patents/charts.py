"""Server-side SVG bar charts of landscape counts: geometry here, drawing in a template.

No script runs (the CSP allows none inline, and none is needed): the template draws each
bar as a <rect> with a <title> tooltip, and labels go through Jinja's escaping like any
other text, so an applicant called "<script>" is drawn as those characters.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from portal.patents.landscape import Count, Edge, LifeCycleYear

LABEL_WIDTH = 220
BAR_HEIGHT = 18
GAP = 6
PLOT_WIDTH = 360
COLUMN_WIDTH = 28
COLUMN_PLOT_HEIGHT = 160


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    muted: bool  # drawn lighter: an incomplete year


@dataclass(frozen=True)
class Chart:
    kind: str  # "rows" (horizontal bars, labels left) or "columns" (years)
    width: int
    height: int
    bars: list[Bar]
    label_width: int = LABEL_WIDTH


def _clip(label: str, limit: int = 28) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def row_chart(counts: list[Count], labels: dict[str, str] | None = None) -> Chart:
    """Horizontal bars, one per count, longest first as given."""
    labels = labels or {}
    peak = max((c.count for c in counts), default=0) or 1
    bars = [
        Bar(
            _clip(str(labels.get(c.key, c.key))),
            c.count,
            LABEL_WIDTH,
            i * (BAR_HEIGHT + GAP),
            max(1.0, PLOT_WIDTH * c.count / peak),
            BAR_HEIGHT,
            c.incomplete,
        )
        for i, c in enumerate(counts)
    ]
    height = max(1, len(bars)) * (BAR_HEIGHT + GAP)
    return Chart("rows", LABEL_WIDTH + PLOT_WIDTH + 60, height, bars)


def column_chart(counts: list[Count]) -> Chart:
    """Vertical bars by year; incomplete years muted."""
    peak = max((c.count for c in counts), default=0) or 1
    bars = []
    for i, c in enumerate(counts):
        height = max(1.0, COLUMN_PLOT_HEIGHT * c.count / peak)
        bars.append(
            Bar(
                c.key,
                c.count,
                10 + i * COLUMN_WIDTH,
                20 + COLUMN_PLOT_HEIGHT - height,
                COLUMN_WIDTH - 4,
                height,
                c.incomplete,
            )  # fmt: skip
        )
    width = 20 + max(1, len(bars)) * COLUMN_WIDTH
    return Chart("columns", width, COLUMN_PLOT_HEIGHT + 60, bars)


@dataclass(frozen=True)
class Node:
    label: str
    filings: int
    x: float
    y: float
    radius: float


@dataclass(frozen=True)
class Link:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    count: int
    title: str


@dataclass(frozen=True)
class NetworkChart:
    size: int
    nodes: list[Node]
    links: list[Link]


NETWORK_SIZE = 520


def network_chart(nodes: list[Count], edges: list[Edge]) -> NetworkChart:
    """Applicants on a circle (most filings first), sized by filings; lines by joint filings."""
    centre, ring = NETWORK_SIZE / 2, NETWORK_SIZE / 2 - 110
    peak = max((n.count for n in nodes), default=1) or 1
    strongest = max((e.count for e in edges), default=1) or 1
    placed: dict[str, Node] = {}
    for i, node in enumerate(nodes):
        angle = 2 * math.pi * i / max(1, len(nodes)) - math.pi / 2
        placed[node.key] = Node(
            _clip(node.key, 16),
            node.count,
            centre + ring * math.cos(angle),
            centre + ring * math.sin(angle),
            4 + 12 * math.sqrt(node.count / peak),
        )
    links = [
        Link(a.x, a.y, b.x, b.y, 1 + 5 * e.count / strongest, e.count,
             f"{e.source} — {e.target}: {e.count}")
        for e in edges
        if (a := placed.get(e.source)) and (b := placed.get(e.target))
    ]  # fmt: skip
    return NetworkChart(NETWORK_SIZE, list(placed.values()), links)


@dataclass(frozen=True)
class CyclePoint:
    year: int
    filings: int
    applicants: int
    x: float
    y: float
    muted: bool  # an incomplete year


@dataclass(frozen=True)
class LifeCycleChart:
    width: int
    height: int
    margin: int
    points: list[CyclePoint]
    path: str  # the years joined in order, as SVG polyline points
    max_filings: int
    max_applicants: int


CYCLE_PLOT = 320
CYCLE_MARGIN = 50


def life_cycle_chart(years: list[LifeCycleYear]) -> LifeCycleChart:
    """Filings across, applicants up, one point per year joined in time order: a curve moving
    right and up is a growing field, one turning back left is a maturing or declining one.
    Years without filings sit at the origin; the template names only years with filings."""
    peak_filings = max((y.filings for y in years), default=0) or 1
    peak_applicants = max((y.applicants for y in years), default=0) or 1
    points = [
        CyclePoint(
            y.year, y.filings, y.applicants,
            CYCLE_MARGIN + CYCLE_PLOT * y.filings / peak_filings,
            CYCLE_MARGIN / 2 + CYCLE_PLOT * (1 - y.applicants / peak_applicants),
            y.incomplete,
        )
        for y in years
    ]  # fmt: skip
    path = " ".join(f"{p.x:.1f},{p.y:.1f}" for p in points)
    size = CYCLE_PLOT + CYCLE_MARGIN * 2
    return LifeCycleChart(size, size, CYCLE_MARGIN, points, path, peak_filings, peak_applicants)
