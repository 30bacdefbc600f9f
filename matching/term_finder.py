"""Which of many key terms occur in a text, without testing every term against every text.

Terms are indexed by their first two characters; a text is tested only for the terms whose
first two characters it contains (a set intersection), so the cost follows the text's length
rather than the number of terms. Texts and terms are compared as given: fold both first.
"""

from __future__ import annotations

from collections.abc import Iterable


class TermFinder:
    def __init__(self, terms: Iterable[str]):
        self._short: set[str] = set()  # one-character terms: tested directly
        self._by_prefix: dict[str, list[str]] = {}
        for term in dict.fromkeys(t for t in terms if t):
            if len(term) < 2:
                self._short.add(term)
            else:
                self._by_prefix.setdefault(term[:2], []).append(term)

    def found_in(self, text: str) -> set[str]:
        """The terms that occur in ``text``."""
        bigrams = {text[i : i + 2] for i in range(len(text) - 1)}
        found = {t for t in self._short if t in text}
        for prefix in bigrams & self._by_prefix.keys():
            found.update(t for t in self._by_prefix[prefix] if t in text)
        return found
