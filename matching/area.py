"""Suggest taxonomy areas for a text: the plan's fields and the 绿色产业指导目录 (2019) categories.

Each area is a document (name, key terms, description). A text is compared with every area by
character n-gram TF-IDF cosine and, when an embedder is given, by embedding cosine; each signal is
divided by its best value over the areas, and the two are averaged. Plan areas also gain from
their key terms found verbatim in the text. The plan is Chinese: a plan field's document also
holds its English name, terms and description (translated from its own, in
``seed_data/taxonomy/plan.json``), and its English terms count as whole words, so that an
English patent can find its field. Catalogue rows are scored at the third level and reported at
the second level (二级目录, e.g. "3.1 新能源与清洁能源装备制造"), the level a poster picks from.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from embeddings.protocol import TextEmbedder
from matching.taxonomy import GreenCatalogueRow, PlanArea, green_catalogue_rows, plan_areas
from matching.term_finder import TermFinder
from search.tokenize import normalize

PLAN = "plan"
GREEN_INDUSTRY = "green-industry-2019"
_TERM_BONUS = 0.15  # per key term found verbatim, at most three
_EMBEDDING_SHARE = 0.5


@dataclass(frozen=True)
class AreaCandidate:
    taxonomy: str  # "plan" | "green-industry-2019"
    code: str
    name: str
    score: float


def _plan_document(area: PlanArea) -> str:
    # one document in both languages: on the train texts with a field it ranked better than a
    # document per language scored by the better one (seed_data/classification/README.md)
    english = f"{area.name_en} {'; '.join(area.terms_en)} {area.description_en}".strip()
    return f"{area.name} {' '.join(area.terms)} {area.description} {english}".strip()


_LATIN_WORD = re.compile(r"[a-z0-9]+")


def _singular(word: str) -> str:
    """A crude singular, the same for a term's words and a text's: "batteries" and "battery",
    "ships" and "ship" meet; two words it merges by mistake are rare and short."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _latin_words(folded: str) -> str:
    """The text's Latin words, singular, between spaces (" lithium ion battery ")."""
    return f" {' '.join(_singular(w) for w in _LATIN_WORD.findall(folded))} "


class _EnglishTerms:
    """Counts which of each field's English terms occur in a folded text as whole words, with
    their plurals and with spaces or hyphens alike between words ("lithium-ion batteries")."""

    def __init__(self, terms_per_field: Sequence[Sequence[str]]):
        self._terms = [
            [words for words in dict.fromkeys(_latin_words(t) for t in terms) if words.strip()]
            for terms in terms_per_field
        ]

    def hits(self, folded: str) -> list[int]:
        words = _latin_words(folded)
        if not words.strip():  # a Chinese text: nothing to look for
            return [0] * len(self._terms)
        return [sum(term in words for term in terms) for terms in self._terms]


def _green_document(row: GreenCatalogueRow) -> str:
    return f"{row.level2_name} {row.name} {row.description}"


class _AreaIndex:
    def __init__(self, documents: Sequence[str], embedder: TextEmbedder | None):
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 2), sublinear_tf=True)
        self.tfidf = self.vectorizer.fit_transform([normalize(d) for d in documents])
        self.embedder = embedder
        self.vectors = embedder.embed_documents(list(documents)) if embedder else None

    def similarities(self, text: str, query_vector: np.ndarray | None) -> np.ndarray:
        lexical = (self.tfidf @ self.vectorizer.transform([normalize(text)]).T).toarray().ravel()
        lexical = lexical / lexical.max() if lexical.max() > 0 else lexical
        if self.vectors is None or query_vector is None:
            return lexical
        semantic = self.vectors @ query_vector
        # rescale between the worst and best area: e5 cosines sit in a narrow, high band
        spread = semantic.max() - semantic.min()
        semantic = (semantic - semantic.min()) / spread if spread > 0 else np.zeros_like(semantic)
        return (1 - _EMBEDDING_SHARE) * lexical + _EMBEDDING_SHARE * semantic


class AreaClassifier:
    """Build once (it indexes both taxonomies) and reuse."""

    def __init__(
        self,
        embedder: TextEmbedder | None = None,
        *,
        plan: Sequence[PlanArea] | None = None,
        green_rows: Sequence[GreenCatalogueRow] | None = None,
    ):
        self.embedder = embedder
        areas = plan if plan is not None else plan_areas()
        self.plan_fields = [a for a in areas if a.level == "field"] or list(areas)
        self.green_rows = list(green_rows if green_rows is not None else green_catalogue_rows())
        self._plan_index = (
            _AreaIndex([_plan_document(a) for a in self.plan_fields], embedder)
            if self.plan_fields
            else None
        )
        self._green_index = (
            _AreaIndex([_green_document(r) for r in self.green_rows], embedder)
            if self.green_rows
            else None
        )
        self._plan_terms = [[normalize(t) for t in a.terms] for a in self.plan_fields]
        self._plan_term_finder = TermFinder(t for terms in self._plan_terms for t in terms)
        self._english_terms = _EnglishTerms(
            [[normalize(t) for t in a.terms_en] for a in self.plan_fields]
        )

    def _term_hits(self, folded: str) -> np.ndarray:
        """Key terms of each field in the folded text (Chinese ones found anywhere, English
        ones as whole words), at most three."""
        present = self._plan_term_finder.found_in(folded)
        english = self._english_terms.hits(folded)
        return np.array(
            [
                min(3, len(present.intersection(terms)) + extra)
                for terms, extra in zip(self._plan_terms, english, strict=True)
            ]
        )

    def suggest(
        self, text: str, *, limit: int = 3, exclude_green_codes: Collection[str] = ()
    ) -> list[AreaCandidate]:
        """Top ``limit`` plan fields, then top ``limit`` catalogue categories, best first.

        ``exclude_green_codes`` leaves catalogue rows out (for evaluating on the rows themselves).
        """
        if not text or not text.strip():
            return []
        query = self.embedder.embed_query(text) if self.embedder else None
        return [
            *self.suggest_plan(text, query, limit),
            *self.suggest_green(text, query, limit, exclude_green_codes),
        ]

    def suggest_plan(
        self, text: str, query: np.ndarray | None, limit: int = 3
    ) -> list[AreaCandidate]:
        if self._plan_index is None:
            return []
        scores = self._plan_index.similarities(text, query)
        scores = scores + _TERM_BONUS * self._term_hits(normalize(text))
        scores = scores / max(float(scores.max()), 1e-9)
        order = np.argsort(-scores)[:limit]
        return [
            AreaCandidate(
                PLAN, self.plan_fields[i].code, self.plan_fields[i].name, round(float(scores[i]), 4)
            )
            for i in order
            if scores[i] > 0
        ]

    def plan_fields_of(self, texts: Sequence[str]) -> list[AreaCandidate | None]:
        """The best plan field of each text, scored as ``suggest_plan`` scores without an
        embedder, for many texts at once (a patent import); None where no field's key term
        is in the text: the lexical similarity alone names a field for any text at all."""
        found: list[AreaCandidate | None] = [None] * len(texts)
        if self._plan_index is None:
            return found
        folded = [normalize(text) for text in texts]
        hits = np.array([self._term_hits(text) for text in folded]).reshape(len(texts), -1)
        with_hits = np.flatnonzero(hits.any(axis=1))
        if not len(with_hits):
            return found
        index = self._plan_index
        query = index.vectorizer.transform([folded[i] for i in with_hits])
        lexical = (query @ index.tfidf.T).toarray()
        lexical = lexical / np.maximum(lexical.max(axis=1, keepdims=True), 1e-9)
        scores = lexical + _TERM_BONUS * hits[with_hits]
        scores = scores / np.maximum(scores.max(axis=1, keepdims=True), 1e-9)
        for row, text_index in enumerate(with_hits):
            best = int(np.argmax(scores[row]))
            area = self.plan_fields[best]
            found[text_index] = AreaCandidate(
                PLAN, area.code, area.name, round(float(scores[row, best]), 4)
            )
        return found

    def suggest_green(
        self,
        text: str,
        query: np.ndarray | None,
        limit: int = 3,
        exclude_codes: Collection[str] = (),
    ) -> list[AreaCandidate]:
        if self._green_index is None:
            return []
        scores = self._green_index.similarities(text, query)
        best: dict[str, tuple[float, GreenCatalogueRow]] = {}
        for score, row in zip(scores, self.green_rows, strict=True):
            if row.code in exclude_codes:
                continue
            if row.level2_code not in best or score > best[row.level2_code][0]:
                best[row.level2_code] = (float(score), row)
        ranked = sorted(best.values(), key=lambda item: -item[0])[:limit]
        return [
            AreaCandidate(GREEN_INDUSTRY, row.level2_code, row.level2_name, round(score, 4))
            for score, row in ranked
            if score > 0
        ]
