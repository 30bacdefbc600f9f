"""Write catalogue_stopwords.txt: the words in 6 % or more of the demo catalogue's texts.

python seed_data/matching/build_catalogue_stopwords.py
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))
sys.path.insert(0, str(HERE))

from build_problem_pairs import catalogue  # noqa: E402

from matching.catalogue_stopwords import MIN_DOCUMENT_SHARE, frequent_words  # noqa: E402


def main() -> None:
    texts = list(catalogue().values())
    words = frequent_words(texts, MIN_DOCUMENT_SHARE)
    header = (
        f"# Words in at least {MIN_DOCUMENT_SHARE:.0%} of the {len(texts)} demo catalogue texts "
        "(word, document frequency).\n# Left out of the shared-terms explanation of matches. "
        "Written by build_catalogue_stopwords.py.\n"
    )
    lines = "".join(f"{word} {count}\n" for word, count in words)
    (HERE / "catalogue_stopwords.txt").write_text(header + lines, encoding="utf-8")


if __name__ == "__main__":
    main()
