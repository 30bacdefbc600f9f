"""The query-dependent fusion of the lexical and vector rankings."""

from __future__ import annotations

from search.hybrid import (
    LEXICAL_WEIGHT_LONG,
    LEXICAL_WEIGHT_SHORT,
    LONG_QUERY_WORDS,
    RRF_K,
    SHORT_QUERY_WORDS,
    lexical_weight,
    weighted_rank_fusion,
)


def test_lexical_share_moves_with_query_length_between_the_two_plateaus():
    shares = [lexical_weight(words) for words in range(1, LONG_QUERY_WORDS + 10)]
    steps = [b - a for a, b in zip(shares, shares[1:], strict=False)]
    direction = LEXICAL_WEIGHT_LONG - LEXICAL_WEIGHT_SHORT
    assert all(step * direction >= 0 for step in steps)  # monotone, from one plateau to the other
    assert lexical_weight(1) == lexical_weight(SHORT_QUERY_WORDS) == LEXICAL_WEIGHT_SHORT
    assert lexical_weight(LONG_QUERY_WORDS) == lexical_weight(200) == LEXICAL_WEIGHT_LONG
    assert min(shares) >= 0 and max(shares) <= 1


def test_even_share_is_plain_reciprocal_rank_fusion_and_a_low_share_follows_the_vectors():
    lexical, vector = ["a", "b", "c"], ["b", "d", "e"]
    even = weighted_rank_fusion(lexical, vector, 0.5)
    assert even[0] == ("b", 1 / (RRF_K + 2) + 1 / (RRF_K + 1))
    assert dict(even)["a"] == 1 / (RRF_K + 1)
    assert weighted_rank_fusion(["a", "b"], ["b", "a"], 0.7)[0][0] == "a"
    assert weighted_rank_fusion(["a", "b"], ["b", "a"], 0.3)[0][0] == "b"
