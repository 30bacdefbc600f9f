"""Build the seed files that are derived from the shared source data.

A one-off generator, not part of the application: it reads the copied source data
(CSL abstracts, the NDRC/MIIT green lists, by default from ``<repo>/../shared/data``)
and writes

  seed_data/green_industry_2019/catalogue.csv
  seed_data/orgs/organizations.json, seed_data/orgs/product_firms.json
  seed_data/demo/technologies.jsonl, seed_data/demo/products.jsonl

Every choice is deterministic, so running it twice gives the same files. The
hand-written files (taxonomy/plan.json, green_industry_2019/mapping.csv,
demo/needs.jsonl, demo/paraphrase_pairs.csv) are not touched.

    python -m tools.build_demo [--source SOURCE_DATA_DIR] [--seed-dir SEED_DIR]

Modules: ``common`` (text helpers, list labels, writers), ``taxonomy`` (plan fields),
``catalogue`` (绿色产业指导目录), ``orgs``, ``technologies`` (CSL papers), ``products``
(绿色设计产品名单) and ``cli`` (the command line and the order of the steps;
``__main__`` runs it).
"""
