import numpy as np

from matching.feedback_fit import Judgement, fit_from_judgements
from matching.matcher import MatchWeights

LIVE = MatchWeights(semantic=0.2, lexical=0.6, taxonomy=0.1, fit=0.1)


def _judgements(count: int, seed: int = 0) -> list[Judgement]:
    """Relevance follows the semantic part; the lexical part is noise."""
    rng = np.random.default_rng(seed)
    items = []
    for i in range(count):
        semantic, lexical = rng.random(), rng.random()
        parts = {"semantic": semantic, "lexical": lexical, "taxonomy": 0.0, "fit": 0.5}
        items.append(Judgement(f"n{i // 5:03d}", parts, bool(semantic > 0.6)))
    return items


def test_refit_follows_the_part_that_predicts_relevance_and_passes_the_held_out_check():
    fit = fit_from_judgements(_judgements(300), LIVE)
    assert fit.adopted and fit.fitted_auc > fit.live_auc
    assert fit.weights.semantic > fit.weights.lexical
    total = fit.weights.semantic + fit.weights.lexical + fit.weights.taxonomy + fit.weights.fit
    assert abs(total - 1.0) < 0.01
    assert fit.trained_on + fit.held_out == 300 and fit.held_out > 0


def test_too_few_or_one_sided_judgements_keep_the_live_weights():
    few = fit_from_judgements(_judgements(10), LIVE)
    assert not few.adopted and few.weights == LIVE and "only 10" in few.reason
    one_sided = [Judgement(j.need_id, j.parts, True) for j in _judgements(60)]
    assert fit_from_judgements(one_sided, LIVE).weights == LIVE
