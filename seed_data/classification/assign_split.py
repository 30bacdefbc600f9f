"""Give the rows of carbon_labeled.csv that have no ``split`` yet a side, never moving a stored one.

Run from the repository root: ``python seed_data/classification/assign_split.py``.

The rule is the one the set was first split with: groups (texts sharing wording) stay on one
side; each new group is filed under its majority label; per label the new groups are shuffled
with a fixed seed and taken into ``train`` while the label's new train texts are under 60 % of
its new texts; the rest go to ``test``. Rows that already have a split are left as they are, so
running it again changes nothing.
"""

from __future__ import annotations

import csv
import random
from collections import Counter, defaultdict
from pathlib import Path

LABELED_FILE = Path(__file__).resolve().parent / "carbon_labeled.csv"
SEED = 20261203
TRAIN_SHARE = 0.6


def assign_new_splits(rows: list[dict[str, str]], seed: int = SEED) -> list[dict[str, str]]:
    """The rows with every empty ``split`` filled in; stored splits are kept."""
    stored = {row["group"]: row["split"] for row in rows if row["split"]}
    new_groups: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        if not row["split"]:
            if row["group"] in stored:  # a new text joins the side its group is already on
                row["split"] = stored[row["group"]]
            else:
                new_groups[row["group"]].append(row)
    by_label: dict[str, list[str]] = defaultdict(list)
    for group, members in sorted(new_groups.items()):
        majority = Counter(row["carbon_type"] for row in members).most_common(1)[0][0]
        by_label[majority].append(group)
    for label, groups in sorted(by_label.items()):
        random.Random(f"{seed}-{label}").shuffle(groups)
        total = sum(len(new_groups[g]) for g in groups)
        in_train = 0
        for group in groups:
            side = "train" if in_train < TRAIN_SHARE * total else "test"
            in_train += len(new_groups[group]) if side == "train" else 0
            for row in new_groups[group]:
                row["split"] = side
    return rows


def main(path: Path = LABELED_FILE) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    assign_new_splits(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    counts = Counter((row["carbon_type"], row["split"]) for row in rows)
    print(", ".join(f"{label} {split} {n}" for (label, split), n in sorted(counts.items())))


if __name__ == "__main__":
    main()
