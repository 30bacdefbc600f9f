"""The one tokenizer for indexing and queries, in every backend and in matching.

Text is folded (NFKC: full-width letters, digits and punctuation become half-width), lower-cased,
segmented with jieba's dictionary plus a domain user dictionary, and stripped of stop words and
of anything that is not a run of letters, a number or Chinese characters. ``char_ngrams`` adds
Chinese character unigrams and bigrams, which survive paraphrase far better than words do
(see DESIGN §5).

The domain dictionary is: ``seed_data/search/terms.txt``, every term of
``seed_data/search/synonyms.txt`` and the names and key terms of ``seed_data/taxonomy/plan.json``
when that file exists. ``load_user_terms`` adds more at run time.

Segmenter (measured on the 1,000 CSL dev abstracts, 229,500 characters, 2-core machine):
jieba 0.42 segments 229,000 chars/s (296,000 without HMM), rjieba (the jieba-rs binding, same
dictionary and HMM) 5,000,000 chars/s. With the same user dictionary the two give identical
Chinese words; they differ only in how they cut mixed ASCII (``2076.2kg``, ``hplc-esi-ms``), which
``tokenize`` evens out by splitting every word into runs of letters, numbers and Chinese
characters: after that 999 of 1,000 abstracts give the same token list under both. At about 250
characters a document jieba alone would cap indexing near 900 documents/s, so rjieba is used.
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import cache
from itertools import filterfalse
from operator import add
from pathlib import Path

import rjieba

SEED_DIR = Path(__file__).resolve().parent.parent / "seed_data"
SEARCH_SEED_DIR = SEED_DIR / "search"
TAXONOMY_FILE = SEED_DIR / "taxonomy" / "plan.json"

# A high frequency keeps a user term whole even where the dictionary would split it.
_USER_TERM_FREQ = 2_000_000

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Each segmenter word is split into runs of one script (letters, a number, Chinese characters).
_SCRIPT_RUN = re.compile(rf"[a-z]+|[0-9]+(?:\.[0-9]+)?|[{_CJK}]+")
_CJK_RUN = re.compile(rf"[{_CJK}]+")

_init_lock = threading.Lock()
_segmenter: rjieba.Jieba | None = None


def normalize(text: str) -> str:
    """Fold full-width forms to half-width and lower-case: ＣＣＵＳ, CCUS and ccus are one."""
    # Most text is already NFKC; the quick check is ~100 times cheaper than normalizing.
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text.lower()


def _read_lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


@cache
def stop_words() -> frozenset[str]:
    return frozenset(normalize(word) for word in _read_lines(SEARCH_SEED_DIR / "stopwords.txt"))


@cache
def synonym_groups() -> tuple[tuple[str, ...], ...]:
    """Synonym groups from seed_data/search/synonyms.txt, each term normalized."""
    groups = []
    for line in _read_lines(SEARCH_SEED_DIR / "synonyms.txt"):
        terms = tuple(dict.fromkeys(normalize(t.strip()) for t in line.split(",") if t.strip()))
        if len(terms) > 1:
            groups.append(terms)
    return tuple(groups)


@cache
def _synonyms_by_term() -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for group in synonym_groups():
        for term in group:
            index.setdefault(term, []).extend(t for t in group if t != term)
    return {term: tuple(dict.fromkeys(others)) for term, others in index.items()}


def taxonomy_terms(path: Path = TAXONOMY_FILE) -> list[str]:
    """Names and key terms of the taxonomy areas, or nothing when the taxonomy is not there."""
    if not path.exists():
        return []
    terms: list[str] = []
    for area in json.loads(path.read_text(encoding="utf-8")):
        terms.append(str(area.get("name", "")))
        terms.extend(str(term) for term in area.get("terms", []))
    return [term for term in terms if term.strip()]


def domain_terms() -> list[str]:
    """Every term the user dictionary is built from (curated list, synonyms, taxonomy)."""
    terms = _read_lines(SEARCH_SEED_DIR / "terms.txt")
    terms.extend(term for group in synonym_groups() for term in group)
    terms.extend(taxonomy_terms())
    return list(dict.fromkeys(normalize(term) for term in terms))


def _add_terms(segmenter: rjieba.Jieba, terms: Iterable[str]) -> None:
    for term in terms:
        word = normalize(term).strip()
        # The dictionary cannot hold words with spaces; such terms are matched by their parts.
        if word and not any(ch.isspace() for ch in word):
            segmenter.add_word(word, _USER_TERM_FREQ, None)


def _get_segmenter() -> rjieba.Jieba:
    """The process-wide segmenter, built on first use (loading the dictionary takes a while)."""
    global _segmenter
    if _segmenter is None:
        with _init_lock:
            if _segmenter is None:
                segmenter = rjieba.Jieba()
                _add_terms(segmenter, domain_terms())
                _segmenter = segmenter
    return _segmenter


def load_user_terms(terms: Iterable[str]) -> None:
    """Add domain terms to the segmenter's dictionary for the rest of the process."""
    segmenter = _get_segmenter()
    with _init_lock:
        _add_terms(segmenter, terms)


def tokenize(text: str) -> list[str]:
    """Words of ``text`` in order: normalized, segmented, without stop words and punctuation."""
    return tokenize_normalized(normalize(text)) if text else []


def tokenize_normalized(folded: str) -> list[str]:
    """``tokenize`` for text that has been through ``normalize`` already (saves a second pass)."""
    if not folded:
        return []
    words = _get_segmenter().cut(folded, True)
    # One regex pass over the words joined by a separator no run can contain gives the same runs
    # as splitting each word on its own, at a fraction of the calls.
    return list(filterfalse(stop_words().__contains__, _SCRIPT_RUN.findall("\x00".join(words))))


def char_ngrams(text: str) -> list[str]:
    """Chinese character unigrams and bigrams of each run of Chinese characters in ``text``.

    Unigrams that are stop words (的, 和, ...) are dropped; bigrams are kept, since a bigram that
    contains a particle still tells where two content characters meet.
    """
    return char_ngrams_normalized(normalize(text))


def char_ngrams_normalized(folded: str) -> list[str]:
    """``char_ngrams`` for text that has been through ``normalize`` already."""
    stop = stop_words().__contains__
    grams: list[str] = []
    # map/filterfalse keep the per-character loop in C: this runs on every indexed character.
    for run in _CJK_RUN.findall(folded):
        grams.extend(filterfalse(stop, run))
        grams.extend(map(add, run[:-1], run[1:]))
    return grams


def char_bigrams_and_run_ends(folded: str) -> list[str]:
    """Each run's character bigrams and its last character, for text through ``normalize``.

    Every character of a run starts exactly one of these tokens, so a prefix query for one
    character finds each of its occurrences once, as a unigram would; the unigrams, about 40%
    of the tokens ``char_ngrams`` indexes, are left out. Stop-word run ends are dropped.
    """
    stop = stop_words().__contains__
    grams: list[str] = []
    for run in _CJK_RUN.findall(folded):
        grams.extend(map(add, run[:-1], run[1:]))
        if not stop(run[-1]):
            grams.append(run[-1])
    return grams


def expand_synonyms(tokens: Iterable[str]) -> list[str]:
    """``tokens`` followed by the synonyms of each (once each), for query expansion."""
    tokens = list(tokens)
    synonyms = _synonyms_by_term()
    extra = [syn for token in tokens for syn in synonyms.get(token, ())]
    return list(dict.fromkeys([*tokens, *extra]))
