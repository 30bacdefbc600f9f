"""How much wording a need shares with a technology: the measure that tells a paraphrase that
keeps its source's words from a need written in the enterprise's own words."""

from __future__ import annotations

import re

from search.tokenize import tokenize

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")


def char_bigrams(text: str) -> set[str]:
    """Distinct Chinese character bigrams (within runs of Chinese characters)."""
    return {run[i : i + 2] for run in _CJK_RUN.findall(text) for i in range(len(run) - 1)}


def char_bigram_overlap(need: str, technology: str) -> float:
    """Share of the need's distinct character bigrams that also occur in the technology."""
    need_bigrams = char_bigrams(need)
    if not need_bigrams:
        return 0.0
    return len(need_bigrams & char_bigrams(technology)) / len(need_bigrams)


def shared_content_words(need: str, technology: str) -> list[str]:
    """Words of two or more characters (stop words removed by the tokenizer) in both texts."""
    technology_words = set(tokenize(technology))
    return [w for w in dict.fromkeys(tokenize(need)) if len(w) >= 2 and w in technology_words]
