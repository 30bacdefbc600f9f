"""Green topics of a patent from its codes: the WIPO IPC Green Inventory and CPC Y02/Y04S.

The inventory is data (seed_data/patents/green_inventory.json, see its SOURCE.txt); an
entry matches a code as the inventory defines it: a class or subclass covers everything in
it, a main group ("/00") all its subgroups, a subgroup itself and the subgroups below it,
and a range ("5/40-48", "25-65") everything between its ends, the end's subgroups included.
Subgroup numbers are decimals (10/0525 lies between 10/05 and 10/06), so ranges compare them
as such.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

INVENTORY_PATH = (
    Path(__file__).resolve().parents[2] / "seed_data" / "patents" / "green_inventory.json"
)
_ENTRY = re.compile(
    r"^(?P<head>[A-HY]\d{2}[A-Z]?)"
    r"(?:\s+(?P<group>\d{1,4})(?:-(?P<group_end>\d{1,4}))?"
    r"(?:/(?P<sub>\d{2,6})(?:-(?P<sub_end>\d{2,6}))?)?)?$"
)


@dataclass(frozen=True)
class GreenTopic:
    key: str
    category: str
    name_zh: str
    name_en: str

    def name(self, locale: str) -> str:
        return self.name_en if locale.startswith("en") else self.name_zh


@dataclass(frozen=True)
class Entry:
    """One inventory line, parsed: matches codes in the normalized form of numbers.py."""

    head: str  # class ("B61") or subclass ("C10L")
    group: int | None = None
    group_end: int | None = None
    sub: str | None = None
    sub_end: str | None = None

    @classmethod
    def parse(cls, text: str) -> Entry:
        match = _ENTRY.match(text.strip())
        if match is None:
            raise ValueError(f"not an inventory entry: {text!r}")
        as_int = lambda name: int(match[name]) if match[name] else None  # noqa: E731
        return cls(
            match["head"], as_int("group"), as_int("group_end"), match["sub"], match["sub_end"]
        )

    def matches(self, code: str) -> bool:
        subclass, _, rest = code.partition(" ")
        if not subclass.startswith(self.head):
            return False
        if self.group is None:
            return True
        if not rest:
            return False
        group_text, _, sub = rest.partition("/")
        group = int(group_text)
        if self.group_end is not None:  # main-group range "25-65"
            return self.group <= group <= self.group_end
        if group != self.group:
            return False
        if self.sub is None or (self.sub == "00" and self.sub_end is None):
            return True  # the main group and everything under it
        if self.sub_end is None:
            return sub.startswith(self.sub)
        value = float("0." + sub)
        return float("0." + self.sub) <= value <= float("0." + self.sub_end) or sub.startswith(
            self.sub_end
        )


@dataclass(frozen=True)
class Inventory:
    version: str
    topics: dict[str, GreenTopic]
    categories: dict[str, tuple[str, str]]  # key -> (Chinese, English)
    entries: tuple[tuple[str, str, Entry], ...]  # (scheme, topic key, entry)
    # Entries by (scheme, class): a code is only compared with entries of its own class;
    # and each code's topics once computed (exports repeat the same codes a great deal).
    by_class: dict[tuple[str, str], list[tuple[str, Entry]]] = field(default_factory=dict)
    known: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for scheme, key, entry in self.entries:
            self.by_class.setdefault((scheme, entry.head[:3]), []).append((key, entry))

    def code_topics(self, scheme: str, code: str) -> frozenset[str]:
        found = self.known.get((scheme, code))
        if found is None:
            candidates = self.by_class.get((scheme, code[:3]), [])
            found = frozenset(key for key, entry in candidates if entry.matches(code))
            if len(self.known) < 200_000:
                self.known[(scheme, code)] = found
        return found

    def topics_of(self, codes: list[tuple[str, str]]) -> list[str]:
        """Topic keys (inventory order) matched by any of (scheme, normalized code)."""
        found: set[str] = set()
        for scheme, code in codes:
            found |= self.code_topics(scheme, code)
        return [key for key in self.topics if key in found]


def load_inventory(path: Path = INVENTORY_PATH) -> Inventory:
    document = json.loads(path.read_text(encoding="utf-8"))
    topics = {
        t["key"]: GreenTopic(t["key"], t["category"], t["name_zh"], t["name_en"])
        for t in document["topics"]
    }
    entries = tuple(
        (t["scheme"], t["key"], Entry.parse(code))
        for t in document["topics"]
        for code in t["codes"]
    )
    categories = {c["key"]: (c["name_zh"], c["name_en"]) for c in document["categories"]}
    return Inventory(document["version"], topics, categories, entries)


@cache
def inventory() -> Inventory:
    return load_inventory()


def green_topics(codes: list[tuple[str, str]]) -> list[str]:
    """The green topic keys of a patent with these (scheme, code) pairs; empty: not green."""
    return inventory().topics_of(codes)
