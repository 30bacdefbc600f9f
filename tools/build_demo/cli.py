"""The command line: where the sources and the seed folder are, and the order of the steps."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .catalogue import build_catalogue
from .common import write_json, write_jsonl
from .orgs import add_product_industries, build_organizations, build_product_firms
from .products import build_products
from .taxonomy import load_plan_fields
from .technologies import build_technologies

REPO_DIR = Path(__file__).resolve().parents[2]
DEFAULT_SEED_DIR = REPO_DIR / "seed_data"
# The shared data folder sits next to the repository checkout.
DEFAULT_SOURCE_DIR = REPO_DIR.parent / "shared" / "data"
SOURCE_FOLDERS = ("csl-abstracts", "green-industry-catalogue-2019")


@dataclass(frozen=True)
class Counts:
    catalogue_rows: int
    organizations: int
    product_firms: int
    technologies: int
    products: int

    def __str__(self) -> str:
        return (f"catalogue rows {self.catalogue_rows}, organizations {self.organizations}, "
                f"product firms {self.product_firms}, technologies {self.technologies}, "
                f"products {self.products}")


def build(source: Path, seed_dir: Path) -> Counts:
    """Read the sources under source and taxonomy/plan.json under seed_dir; write the
    derived files under seed_dir."""
    catalogue_rows = build_catalogue(source / "green-industry-catalogue-2019",
                                     seed_dir / "green_industry_2019")
    orgs = build_organizations(source)
    fields = load_plan_fields(seed_dir / "taxonomy" / "plan.json")
    technologies = build_technologies(source, fields)
    products, product_rows, all_product_rows = build_products(source)
    add_product_industries(orgs, all_product_rows)
    product_firms = build_product_firms(product_rows, {str(o["name"]) for o in orgs})
    write_json(seed_dir / "orgs" / "organizations.json", orgs)
    write_json(seed_dir / "orgs" / "product_firms.json", product_firms)
    write_jsonl(seed_dir / "demo" / "technologies.jsonl", technologies)
    write_jsonl(seed_dir / "demo" / "products.jsonl", products)
    return Counts(catalogue_rows, len(orgs), len(product_firms), len(technologies),
                  len(products))


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tools.build_demo",
        description="Rebuild the seed files derived from the shared source data.")
    parser.add_argument(
        "--source", type=Path, default=DEFAULT_SOURCE_DIR, metavar="DIR",
        help="the shared data folder, holding csl-abstracts/ and "
             "green-industry-catalogue-2019/ (default: %(default)s)")
    parser.add_argument(
        "--seed-dir", type=Path, default=DEFAULT_SEED_DIR, metavar="DIR",
        help="the seed folder: taxonomy/plan.json is read from it, the derived files are "
             "written into it (default: %(default)s)")
    args = parser.parse_args(argv)
    missing = [name for name in SOURCE_FOLDERS if not (args.source / name).is_dir()]
    if missing:
        parser.error(f"{args.source} has no {' or '.join(missing)}; pass --source DIR")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    print(build(args.source, args.seed_dir))
    return 0
