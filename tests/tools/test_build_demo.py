"""tools/build_demo on a few hand-written source rows, in the formats of the real sources."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tools.build_demo import cli, products
from tools.build_demo.catalogue import number_catalogue

REPO = Path(__file__).resolve().parents[2]
DERIVED = ("green_industry_2019/catalogue.csv", "orgs/organizations.json",
           "orgs/product_firms.json", "demo/technologies.jsonl", "demo/products.jsonl")

CATALOGUE_HEADER = ["一级目录", "二级目录", "目录", "说明", "国标"]
CATALOGUE_ROWS = [
    ["1. 节能环保产业", "1.1高效节能装备制造", "1.1.1节能锅炉制造", "包括节能锅炉，以及煤气化装备",
     "GB 1&GB 2"],
    ["1. 节能环保产业", "1.1高效节能装备制造", "1.1.2节能窑炉制造", "包括节能窑炉, 工业炉", "《）"],
    ["1. 节能环保产业", "1.2先进环保装备制造", "1.2.1水污染治理装备制造", "包括水处理装备", ""],
    ["2. 清洁生产产业", "2.1产品设计和生产环节的减量化", "2.1.1绿色设计", "包括绿色设计", ""],
]
FACTORIES = [
    ["序号", "地区", "工厂名称", "行业", "第三方评价机构", "批次"],
    ["1", "北京", "北京某电子有限公司", "电子", "评价机构A", "1"],
    ["2", "厦门", "厦门甲机械有限公司", "机械", "评价机构B", "1"],
    ["3", "福建", "厦门乙空调有限公司", "", "", "2021"],
]
SUPPLY_CHAIN = [
    ["序号", "地区", "企业名称", "第三方评价机构", "批次"],
    ["1", "厦门", "厦门甲机械有限公司", "评价机构C", "3"],
    ["2", "上海", "上海某有限公司", "评价机构D", "1"],
]
PARKS = [
    ["序号", "地区", "园区", "第三方评价机构", "批次"],
    ["1", "天津", "天津经济技术开发区", "评价机构E", "1"],
    ["2", "厦门", "厦门火炬高技术产业开发区", "评价机构F", "4"],
]
PRODUCTS = [
    ["序号", "企业名称", "产品名称", "产品型号", "推荐单位", "地区", "批次", "种类", "绿色设计亮点",
     "适用评价标准"],
    ["1", "厦门乙空调有限公司", "节能空调", "KF-1", "厦门市工业和信息化局", "厦门", "2",
     "三、房间空气调节器（3种）", "能效达到1级。噪声低。nan", "《评价技术规范 空调》nan"],
    ["2", "厦门乙空调有限公司", "节能空调", "KF-2", "厦门市工业和信息化局", "厦门", "2",
     "三、房间空气调节器（3种）", "重复的产品名称。", "标准"],
    ["1", "福州丙纸业有限公司", "再生纸", "-", "福建省工业和信息化厅", "福建", "1",
     "一、再生纸（2种）", "使用废纸为原料。", "《再生纸评价规范》"],
    ["1", "江苏丁电池有限公司", "锂电池", "LB-2", "江苏省工业和信息化厅", "江苏", "3",
     "五、锂离子电池（1种）", "循环寿命长。", "《锂离子电池评价规范》"],
    # Over the block's declared count (1种): a row the PDF parsing put in the wrong block.
    ["2", "江苏丁电池有限公司", "锂电池Pro", "LB-3", "江苏省工业和信息化厅", "江苏", "3",
     "五、锂离子电池（1种）", "错位的行。", "标准"],
    ["1", "广东戊日化有限公司", "洗涤剂", "-", "广东省经济和信息化委员会", "广东", "1",
     "一、家用洗涤剂（58种）", "不含磷。", "《家用洗涤剂评价规范》"],
    # A section header line of the PDF, not a product (else taken as an energy row).
    ["适用评价标准：《规范》", "", "光伏组件", "", "", "na", "3", "六、光伏组件（5种）", "错位。",
     "标准"],
]
PLAN = [
    {"code": "A01", "level": "action", "terms": []},
    {"code": "A01.03", "level": "field", "terms": ["储能", "钠离子电池", "模型"],
     "related_terms": ["固态电解质"]},
    {"code": "A02.02", "level": "field", "terms": ["固废", "资源化"]},
]
# (abstract, title, keywords, discipline); every paper's texts agree across the four files
# unless noted.
PAPERS = [
    ("以某材料制备了固态电解质.结果表明离子电导率提高了2.5倍.该材料可用于储能器件.",
     "钠离子电池固态电解质的制备与表征", "钠离子电池_固态电解质", "材料科学与工程"),
    ("综述了建筑垃圾中固废的处理方法.指出了发展方向.", "建筑垃圾处理研究进展",
     "建筑垃圾_处理", "土木工程"),
    ("提出了一种调度算法.", "云计算调度算法", "调度_算法", "计算机科学与技术"),
    ("不一致的摘要.", "标题在分类文件里不同", "关键词", "环境科学与工程"),
    ("建成了固废资源化示范工程.运行成本降低了30%.", "固废资源化利用技术",
     "固废_资源化", "环境科学与工程"),
]


def write_csv(path: Path, rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)


def write_tsv(path: Path, rows: list[tuple[str, ...]]) -> None:
    path.write_text("".join("\t".join(row) + "\n" for row in rows), encoding="utf-8")


@pytest.fixture
def source(tmp_path: Path) -> Path:
    root = tmp_path / "shared" / "data"
    lists = root / "green-industry-catalogue-2019"
    write_csv(lists / "绿色产业指导目录.csv", [CATALOGUE_HEADER, *CATALOGUE_ROWS])
    write_csv(lists / "绿色工厂名单.csv", FACTORIES)
    write_csv(lists / "绿色供应链管理示范企业名单.csv", SUPPLY_CHAIN)
    write_csv(lists / "绿色工业园区名单.csv", PARKS)
    write_csv(lists / "绿色设计产品名单.csv", PRODUCTS)
    csl = root / "csl-abstracts"
    csl.mkdir()
    write_tsv(csl / "ts_dev.tsv", [("to title", a, t) for a, t, _, _ in PAPERS])
    write_tsv(csl / "kg_dev.tsv", [("to keywords", a, k) for a, _, k, _ in PAPERS])
    write_tsv(csl / "cls_dcp_dev.tsv", [("to discipline", a, d) for a, _, _, d in PAPERS])
    ctg = [("to category", t, "工学") for _, t, _, _ in PAPERS]
    ctg[3] = ("to category", "另一个标题", "工学")
    write_tsv(csl / "cls_ctg_dev.tsv", ctg)
    return root


@pytest.fixture
def seed_dir(tmp_path: Path) -> Path:
    seed = tmp_path / "seed_data"
    (seed / "taxonomy").mkdir(parents=True)
    (seed / "taxonomy" / "plan.json").write_text(json.dumps(PLAN, ensure_ascii=False),
                                                 encoding="utf-8")
    return seed


@pytest.fixture
def built(source: Path, seed_dir: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert cli.main(["--source", str(source), "--seed-dir", str(seed_dir)]) == 0
    assert capsys.readouterr().out == (
        "catalogue rows 4, organizations 20, product firms 2, technologies 3, products 3\n")
    return seed_dir


def read_jsonl(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def test_writes_only_the_derived_files(built: Path) -> None:
    written = sorted(str(p.relative_to(built)) for p in built.rglob("*") if p.is_file())
    assert written == sorted([*DERIVED, "taxonomy/plan.json"])


def test_catalogue_csv_is_numbered_and_byte_exact(built: Path) -> None:
    data = (built / "green_industry_2019" / "catalogue.csv").read_bytes()
    assert data.decode("utf-8") == (
        "code,一级目录,二级目录,目录,说明,国标\r\n"
        "1.1.1,1. 节能环保产业,1.1高效节能装备制造,1.1.1节能锅炉制造,包括节能锅炉，以及煤气化装备,"
        "GB 1&GB 2\r\n"
        '1.1.2,1. 节能环保产业,1.1高效节能装备制造,1.1.2节能窑炉制造,"包括节能窑炉, 工业炉",\r\n'
        "1.2.1,1. 节能环保产业,1.2先进环保装备制造,1.2.1水污染治理装备制造,包括水处理装备,\r\n"
        "2.1.1,2. 清洁生产产业,2.1产品设计和生产环节的减量化,2.1.1绿色设计,包括绿色设计,\r\n"
    )


def test_catalogue_numbering_mismatch_is_an_error() -> None:
    rows = [dict(zip(CATALOGUE_HEADER, row, strict=True)) for row in CATALOGUE_ROWS]
    rows[2]["目录"] = "1.3.1水污染治理装备制造"  # the second 二级 of 1: 1.2.1 by file order
    with pytest.raises(ValueError, match=r"1\.3\.1水污染治理装备制造.*order says 1\.2\.1"):
        list(number_catalogue(rows))


def test_organizations(built: Path) -> None:
    text = (built / "orgs" / "organizations.json").read_text(encoding="utf-8")
    orgs = json.loads(text)
    assert text == json.dumps(orgs, ensure_ascii=False, indent=2) + "\n"
    assert all(list(o) == ["name", "kind", "district", "industry", "description", "website",
                           "credit_code", "source"] for o in orgs)
    names = [o["name"] for o in orgs]
    assert len(names) == len(set(names)) == 20
    assert names[0] == "厦门大学" and orgs[0]["kind"] == "university"
    # The 17 organizations the plan names, then listed Xiamen firms by name, then parks.
    assert names[17:] == ["厦门乙空调有限公司", "厦门甲机械有限公司", "厦门火炬高技术产业开发区"]
    yi, jia, park = orgs[17:]
    assert jia == {
        "name": "厦门甲机械有限公司", "kind": "enterprise", "district": None, "industry": "机械",
        "description": "列入工业和信息化部绿色工厂名单（第1批），第三方评价机构为评价机构B；"
                       "列入工业和信息化部绿色供应链管理示范企业名单（第3批），第三方评价机构为评价机构C。",
        "website": None, "credit_code": None,
        "source": "工业和信息化部绿色工厂名单（第1批）；"
                  "工业和信息化部绿色供应链管理示范企业名单（第3批）",
    }
    # No 行业 on the factory list: the industry comes from its first 绿色设计产品 category.
    assert yi["industry"] == "房间空气调节器"
    assert yi["description"] == ("列入工业和信息化部绿色工厂名单（2021年度）。"
                                 "有产品（节能空调）列入工业和信息化部绿色设计产品名单（第2批）。")
    assert yi["source"] == ("工业和信息化部绿色工厂名单（2021年度）；"
                            "工业和信息化部绿色设计产品名单（第2批）")
    assert park["kind"] == "agency" and park["industry"] == "工业园区"
    assert park["source"].startswith("工业和信息化部绿色工业园区名单（第4批）；《厦门市科技支撑")


def test_product_firms(built: Path) -> None:
    firms = json.loads((built / "orgs" / "product_firms.json").read_text(encoding="utf-8"))
    assert [f["name"] for f in firms] == ["江苏丁电池有限公司", "福州丙纸业有限公司"]
    assert firms[0]["industry"] == "锂离子电池"
    assert firms[0]["description"] == (
        "有产品列入工业和信息化部绿色设计产品名单（第3批），推荐单位为江苏省工业和信息化厅，地区：江苏。")


def test_technologies(built: Path) -> None:
    items = read_jsonl(built / "demo" / "technologies.jsonl")
    # Line 3 is not a green discipline, line 4's texts disagree between the files.
    assert [t["source"] for t in items] == ["CSL dev line 1", "CSL dev line 2", "CSL dev line 5"]
    first, review, demo = items
    assert first == {
        "demo": True, "kind": "technology", "title": "钠离子电池固态电解质的制备与表征",
        "summary": "以某材料制备了固态电解质.",
        "description": PAPERS[0][0],
        "keywords": ["钠离子电池", "固态电解质"], "owner": "厦门大学", "area": "A01.03",
        "trl": 4, "ip_status": "patent_pending", "transfer_modes": ["joint_development", "service"],
        "price_min": 20, "price_max": 60, "advantages": "结果表明离子电导率提高了2.5倍.",
        "application_scenarios": "该材料可用于储能器件.", "maturity_evidence": "",
        "source": "CSL dev line 1", "discipline": "材料科学与工程",
    }
    # One plan term, in the abstract only, is too weak: the discipline's default field.
    assert review["area"] == "A03.02"
    assert (review["trl"], review["ip_status"], review["price_min"]) == (2, "know_how", None)
    assert demo["area"] == "A02.02" and demo["owner"] == "厦门大学"
    assert (demo["trl"], demo["transfer_modes"]) == (7, ["license", "assignment", "equity"])
    assert (demo["price_min"], demo["price_max"]) == (110, 330)
    assert demo["maturity_evidence"] == "建成了固废资源化示范工程."


def test_products(built: Path) -> None:
    items = read_jsonl(built / "demo" / "products.jsonl")
    # Xiamen first, then Fujian, then energy categories elsewhere; duplicates, rows over a
    # block's declared count, header lines and other categories elsewhere are left out.
    assert [(p["owner"], p["title"]) for p in items] == [
        ("厦门乙空调有限公司", "节能空调"), ("福州丙纸业有限公司", "再生纸"),
        ("江苏丁电池有限公司", "锂电池")]
    assert items[0] == {
        "demo": True, "kind": "product", "title": "节能空调",
        "summary": "节能空调（型号 KF-1），房间空气调节器类绿色设计产品，"
                   "列入工业和信息化部绿色设计产品名单（第2批）。",
        "description": "能效达到1级。噪声低。", "keywords": ["房间空气调节器", "型号 KF-1"],
        "owner": "厦门乙空调有限公司", "area": "A01.06", "trl": 9, "ip_status": None,
        "transfer_modes": ["service"], "price_min": None, "price_max": None, "advantages": "",
        "application_scenarios": "",
        "maturity_evidence": "《评价技术规范 空调》。能效达到1级。噪声低。",
        "source": "工业和信息化部绿色设计产品名单（第2批）序号1",
    }
    assert items[1]["keywords"] == ["再生纸"] and items[1]["area"] == "A02.02"
    assert items[2]["area"] == "A01.03"


def test_energy_rows_elsewhere_stop_at_the_target(monkeypatch: pytest.MonkeyPatch) -> None:
    header, *rows = PRODUCTS
    dicts = products.trusted_product_rows([dict(zip(header, r, strict=True)) for r in rows])
    monkeypatch.setattr(products, "PRODUCT_TARGET", 2)
    chosen = products.select_product_rows(dicts)
    assert [r["产品名称"] for r in chosen] == ["节能空调", "再生纸"]


def test_running_twice_gives_the_same_files(built: Path, source: Path) -> None:
    first = {name: (built / name).read_bytes() for name in DERIVED}
    cli.build(source, built)
    assert {name: (built / name).read_bytes() for name in DERIVED} == first


def test_source_defaults_to_the_shared_folder_next_to_the_repository() -> None:
    assert REPO.parent / "shared" / "data" == cli.DEFAULT_SOURCE_DIR
    assert cli.DEFAULT_SEED_DIR == REPO / "seed_data"


def test_a_source_without_the_data_folders_is_refused(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--source", str(tmp_path), "--seed-dir", str(tmp_path / "seed")])
    assert exit_info.value.code == 2
    assert "has no csl-abstracts or green-industry-catalogue-2019" in capsys.readouterr().err
    assert not (tmp_path / "seed").exists()


@pytest.mark.skipif(not (cli.DEFAULT_SOURCE_DIR / "csl-abstracts").is_dir(),
                    reason="the shared source data is not next to the repository")
def test_the_real_sources_reproduce_the_committed_seed_files(tmp_path: Path) -> None:
    seed = tmp_path / "seed_data"
    (seed / "taxonomy").mkdir(parents=True)
    (seed / "taxonomy" / "plan.json").write_bytes(
        (cli.DEFAULT_SEED_DIR / "taxonomy" / "plan.json").read_bytes())
    cli.build(cli.DEFAULT_SOURCE_DIR, seed)
    for name in DERIVED:
        assert (seed / name).read_bytes() == (cli.DEFAULT_SEED_DIR / name).read_bytes(), name
