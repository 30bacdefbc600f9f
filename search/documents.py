"""Plain data that crosses the search package's boundary: documents, queries, hits, results."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

DOC_TYPES = ("technology", "need", "organization", "patent")

# Facet fields every backend indexes as exact values; ``trl`` is also filtered by range.
FACET_FIELDS = (
    "area",
    "area_action",
    "kind",
    "trl",
    "transfer_modes",
    "org_kind",
    "district",
    "carbon_type",
    "status",
)

# Fields whose values come from a closed list; a filter value outside it is a client error.
CLOSED_FACET_VALUES: dict[str, frozenset[str]] = {
    "trl": frozenset(str(level) for level in range(1, 10)),
    "transfer_modes": frozenset(
        {"license", "assignment", "joint_development", "equity", "service"}
    ),
    "org_kind": frozenset({"university", "institute", "enterprise", "agency"}),
    "carbon_type": frozenset({"negative", "zero", "low", "none"}),
    "status": frozenset({"draft", "submitted", "published", "archived"}),
    "kind": frozenset({"technology", "product"}),
}

SEARCH_MODES = ("hybrid", "lexical", "vector")
MAX_QUERY_CHARS = 200
MAX_PER_PAGE = 100
# The deepest result a query may page to (page * per_page): Elasticsearch's default
# index.max_result_window, and beyond anything a person reads.
MAX_RESULT_WINDOW = 10_000

FacetValue = str | int | list[str]
SearchMode = Literal["hybrid", "lexical", "vector"]


class SearchError(Exception):
    """Base of the errors the search package raises."""


class InvalidSearchRequest(SearchError, ValueError):
    """The caller asked for something that does not exist (an API answers 400)."""


class UnknownFilter(InvalidSearchRequest):
    """A filter names a field that is not a facet, or a value outside a closed list."""


class IndexOfAnotherDatabase(SearchError):
    """The embedded index was built from another database than the one it is opened for."""


class BackendUnavailable(SearchError):
    """The search server cannot be reached; callers fall back to the embedded backend."""


def _check_doc_type(doc_type: str) -> None:
    if doc_type not in DOC_TYPES:
        raise InvalidSearchRequest(
            f"unknown document type {doc_type!r}; expected one of {DOC_TYPES}"
        )


def facet_values(value: FacetValue) -> list[str]:
    """A facet value as the list of strings the backends store (lists are multi-valued)."""
    if isinstance(value, list):
        return [str(item) for item in value]
    return [str(value)]


@dataclass(frozen=True)
class SearchDocument:
    doc_type: str
    doc_id: int
    title: str
    body: str = ""
    facets: dict[str, FacetValue] = field(default_factory=dict)
    vector: np.ndarray | None = None

    def __post_init__(self) -> None:
        _check_doc_type(self.doc_type)
        unknown = set(self.facets) - set(FACET_FIELDS)
        if unknown:
            raise UnknownFilter(f"unknown facet fields {sorted(unknown)}")

    @property
    def key(self) -> tuple[str, int]:
        return (self.doc_type, self.doc_id)

    @property
    def embedded_text(self) -> str:
        """The text a backend embeds for the document's vector."""
        return f"{self.title}\n{self.body}"


@dataclass(frozen=True)
class SearchQuery:
    """What to look for. Empty ``text`` browses; ``filters`` are OR within a field, AND across."""

    text: str = ""
    doc_types: tuple[str, ...] = ()
    filters: dict[str, list[str | int]] = field(default_factory=dict)
    trl_min: int | None = None
    trl_max: int | None = None
    page: int = 1
    per_page: int = 20
    mode: SearchMode = "hybrid"

    def __post_init__(self) -> None:
        # Long pasted text is cut rather than refused: the start of it says what is wanted.
        object.__setattr__(self, "text", (self.text or "").strip()[:MAX_QUERY_CHARS])
        object.__setattr__(self, "doc_types", tuple(self.doc_types))
        for doc_type in self.doc_types:
            _check_doc_type(doc_type)
        for name, values in self.filters.items():
            if name not in FACET_FIELDS:
                raise UnknownFilter(f"unknown filter field {name!r}; facets are {FACET_FIELDS}")
            allowed = CLOSED_FACET_VALUES.get(name)
            bad = [v for v in values if allowed is not None and str(v) not in allowed]
            if bad:
                raise UnknownFilter(f"unknown values {bad} for filter {name!r}")
        for bound in (self.trl_min, self.trl_max):
            if bound is not None and not 1 <= bound <= 9:
                raise UnknownFilter(f"TRL bound {bound} is outside 1-9")
        if self.mode not in SEARCH_MODES:
            raise InvalidSearchRequest(f"unknown search mode {self.mode!r}")
        if self.page < 1 or not 1 <= self.per_page <= MAX_PER_PAGE:
            raise InvalidSearchRequest(f"page must be >= 1 and per_page 1-{MAX_PER_PAGE}")
        if self.page * self.per_page > MAX_RESULT_WINDOW:
            raise InvalidSearchRequest(f"page * per_page must be at most {MAX_RESULT_WINDOW}")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def string_filters(self) -> dict[str, list[str]]:
        return {name: [str(v) for v in values] for name, values in self.filters.items() if values}


@dataclass(frozen=True)
class SearchHit:
    doc_type: str
    doc_id: int
    title: str
    snippet: str  # HTML-escaped text with <mark> around the matched terms
    score: float


@dataclass(frozen=True)
class SearchResult:
    hits: list[SearchHit]
    total: int
    facets: dict[str, dict[str, int]]  # field -> value -> count; "doc_type" counts per type
    backend: str
    did_you_mean: str | None = None
    # False when a text search matched more documents than it counts (search.backend.FACET_WINDOW):
    # ``total`` and ``facets`` then cover the best-ranked documents only, so show "1000+".
    total_exact: bool = True
