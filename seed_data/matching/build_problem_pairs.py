"""Write problem_pairs.csv from problem_needs.csv and the demo catalogue (seed_data/demo).

    python seed_data/matching/build_problem_pairs.py

Technology ids are the catalogue line numbers: ``t012`` is line 12 of demo/technologies.jsonl,
``p007`` line 7 of demo/products.jsonl. A technology's text is what the portal ranks on (title,
summary, description, advantages, application scenarios, keywords). The split is fixed here once,
by need: the needs sorted by plan field, then id, alternate calibration, test, calibration ...
(so each half holds half the needs of every field, give or take one).
Each graded row carries the need's character-bigram overlap with that technology.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from matching.overlap import char_bigram_overlap, shared_content_words  # noqa: E402

DEMO = HERE.parent / "demo"
HEADER = [
    "need_id",
    "need_text",
    "plan_area",
    "split",
    "technology_id",
    "technology_text",
    "relevance",
    "char_bigram_overlap",
    "shared_words",
]


def catalogue() -> dict[str, str]:
    texts = {}
    for name, prefix in (("technologies", "t"), ("products", "p")):
        lines = (DEMO / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            item = json.loads(line)
            body = "\n".join(
                (item.get(k) or "").strip()
                for k in ("summary", "description", "advantages", "application_scenarios")
                if (item.get(k) or "").strip()
            )
            texts[f"{prefix}{number:03d}"] = " ".join(
                part for part in (item["title"], body, " ".join(item.get("keywords") or [])) if part
            )
    return texts


def splits(needs: list[dict]) -> dict[str, str]:
    ordered = sorted(needs, key=lambda n: (n["plan_area"], n["need_id"]))
    return {n["need_id"]: ("calibration", "test")[i % 2] for i, n in enumerate(ordered)}


def main() -> None:
    texts = catalogue()
    with (HERE / "problem_needs.csv").open(encoding="utf-8", newline="") as handle:
        needs = list(csv.DictReader(handle))
    split_of = splits(needs)
    rows = []
    for need in needs:
        for grade, column in ((2, "grade2"), (1, "grade1")):
            for tech_id in need[column].split():
                if tech_id not in texts:
                    raise SystemExit(f"{need['need_id']}: unknown technology {tech_id}")
                text = texts[tech_id]
                rows.append(
                    [
                        need["need_id"],
                        need["need_text"],
                        need["plan_area"],
                        split_of[need["need_id"]],
                        tech_id,
                        text,
                        grade,
                        f"{char_bigram_overlap(need['need_text'], text):.3f}",
                        " ".join(shared_content_words(need["need_text"], text)),
                    ]
                )
    rows += [["", "", "", "", tech_id, text, "", "", ""] for tech_id, text in texts.items()]
    with (HERE / "problem_pairs.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)


if __name__ == "__main__":
    main()
