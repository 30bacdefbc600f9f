"""Highlighted snippets, made the same way for every backend.

The original text is HTML-escaped first and <mark> tags are added after, so a snippet is safe to
render as HTML whatever the document contains.
"""

from __future__ import annotations

import html
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from functools import lru_cache

from search.tokenize import normalize

SNIPPET_CHARS = 160


# Folding character by character keeps offsets exact; a text uses a few thousand distinct
# characters, so each is folded once and the per-character loop stays in C (map).
_fold_character = lru_cache(maxsize=1 << 16)(normalize)


def _folded_with_offsets(text: str) -> tuple[str, Sequence[int]]:
    """``normalize(text)`` and, for each of its characters, the index of the source character."""
    parts = list(map(_fold_character, text))
    folded = "".join(parts)
    if len(folded) == len(text):  # every character folded to exactly one
        return folded, range(len(text))
    offsets: list[int] = []
    for index, part in enumerate(parts):
        offsets.extend([index] * len(part))
    return folded, offsets


def _match_spans(text: str, terms: tuple[str, ...]) -> list[tuple[int, int]]:
    """Non-overlapping spans of ``text`` where a term occurs, longest terms first."""
    folded, offsets = _folded_with_offsets(text)
    taken = [False] * len(text)
    spans: list[tuple[int, int]] = []
    for term in sorted(dict.fromkeys(terms), key=len, reverse=True):  # query order on ties
        if not term:
            continue
        # str.find walks the same non-overlapping occurrences a literal regex would, cheaper.
        at = folded.find(term)
        while at >= 0:
            start, end = offsets[at], offsets[at + len(term) - 1] + 1
            if not any(taken[start:end]):
                taken[start:end] = [True] * (end - start)
                spans.append((start, end))
            at = folded.find(term, at + len(term))
    return sorted(spans)


def _window(text: str, spans: list[tuple[int, int]], width: int) -> tuple[int, int]:
    """The ``width``-character window of ``text`` holding the most matches."""
    if len(text) <= width or not spans:
        return 0, min(len(text), width)
    starts = [s for s, _ in spans]
    ends = [e for _, e in spans]  # spans do not overlap, so their ends are sorted too
    best_start, best_count = 0, -1
    for start in starts:
        window_start = max(0, min(start - width // 4, len(text) - width))
        count = bisect_right(ends, window_start + width) - bisect_left(starts, window_start)
        if count > best_count:
            best_start, best_count = window_start, count
    return best_start, best_start + width


def highlight(text: str, terms: tuple[str, ...], width: int = SNIPPET_CHARS) -> str:
    """An escaped excerpt of ``text`` around the best cluster of ``terms``, each in <mark>."""
    spans = _match_spans(text, terms)
    start, end = _window(text, spans, width)
    pieces: list[str] = ["…" if start > 0 else ""]
    cursor = start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        pieces.append(html.escape(text[cursor:span_start]))
        pieces.append(f"<mark>{html.escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    pieces.append(html.escape(text[cursor:end]))
    pieces.append("…" if end < len(text) else "")
    return "".join(pieces)
