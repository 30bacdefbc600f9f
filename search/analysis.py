"""Turning documents and queries into the token strings both backends index and match.

Each document gets four token fields: jieba words and Chinese character n-grams, for the title
and for the body. Queries match words (with synonyms) and character bigrams; character unigrams
are used only for single-character runs, because a unigram such as 技 occurs in most documents
and would make every query scan most of the index.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from search.documents import SearchDocument
from search.tokenize import (
    char_ngrams,
    char_ngrams_normalized,
    expand_synonyms,
    normalize,
    tokenize,
    tokenize_normalized,
)

# Title matches count three times a body match, in both backends.
TITLE_BOOST = 3.0
TOKEN_FIELDS = ("title_words", "title_chars", "body_words", "body_chars")
# How a backend cuts normalized text into the character tokens it indexes.
CharGrams = Callable[[str], list[str]]
FIELD_WEIGHTS = {"title_words": TITLE_BOOST, "title_chars": TITLE_BOOST}


@dataclass(frozen=True)
class IndexedText:
    title_words: str
    title_chars: str
    body_words: str
    body_chars: str

    def as_dict(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in TOKEN_FIELDS}


@dataclass(frozen=True)
class QueryTerms:
    words: tuple[str, ...]
    chars: tuple[str, ...]

    @property
    def is_empty(self) -> bool:
        return not self.words and not self.chars

    @property
    def highlight_terms(self) -> tuple[str, ...]:
        """Terms to mark in snippets: the words, or the character bigrams when no word is found."""
        return self.words + self.chars


def index_text(doc: SearchDocument, char_grams: CharGrams = char_ngrams_normalized) -> IndexedText:
    title, body = normalize(doc.title), normalize(doc.body)
    return IndexedText(
        title_words=" ".join(tokenize_normalized(title)),
        title_chars=" ".join(char_grams(title)),
        body_words=" ".join(tokenize_normalized(body)),
        body_chars=" ".join(char_grams(body)),
    )


def with_char_fields(
    title: str,
    body: str,
    title_words: str,
    body_words: str,
    char_grams: CharGrams = char_ngrams_normalized,
) -> IndexedText:
    """``index_text`` of a document given its word fields: the n-gram fields follow from the
    text alone (the words depend on the dictionary of the day, so they are kept as indexed)."""
    return IndexedText(
        title_words=title_words,
        title_chars=" ".join(char_grams(normalize(title))),
        body_words=body_words,
        body_chars=" ".join(char_grams(normalize(body))),
    )


def _query_chars(text: str) -> list[str]:
    grams = char_ngrams(text)
    bigrams = [gram for gram in grams if len(gram) == 2]
    if not bigrams:
        return grams
    covered = {ch for gram in bigrams for ch in gram}
    return bigrams + [gram for gram in grams if len(gram) == 1 and gram not in covered]


def query_terms(text: str) -> QueryTerms:
    """Words of the query plus their synonyms, and character n-grams of the query and synonyms."""
    words = expand_synonyms(tokenize(text))
    synonyms_text = " ".join(word for word in words if word not in text.lower())
    chars = _query_chars(text) + _query_chars(synonyms_text)
    return QueryTerms(words=tuple(words), chars=tuple(dict.fromkeys(chars)))
