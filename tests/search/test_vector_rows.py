"""Each document keeps its own vector through deletes and reindexing: rows freed by one write
are reused by the next, and never handed to two documents."""

from __future__ import annotations

from search.backend import RankedBackend
from search.documents import SearchDocument, SearchQuery

TOPICS = [
    "钠离子电池储能系统", "光伏组件清洗机器人", "污泥低温干化装备", "退役动力电池梯次利用",
    "二氧化碳捕集与矿化", "海上风电基础防腐", "工业余热有机朗肯循环发电", "生物质气化供热",
    "氢燃料电池电堆", "建筑光伏一体化幕墙", "红树林蓝碳监测", "钢渣固碳建材",
    "数据中心液冷节能", "电解水制氢催化剂", "垃圾焚烧飞灰资源化", "智能微电网调度",
    "地源热泵供暖", "水泥窑协同处置", "锂电池正极材料回收", "电动船舶充换电",
]


def _docs(ids: range, first_topic: int) -> list[SearchDocument]:
    return [
        SearchDocument("technology", doc_id, TOPICS[(first_topic + n) % len(TOPICS)],
                       f"{TOPICS[(first_topic + n) % len(TOPICS)]}的技术方案与示范应用")
        for n, doc_id in enumerate(ids)
    ]


def _found_first(backend: RankedBackend, docs: list[SearchDocument]) -> int:
    found = 0
    for doc in docs:
        query = SearchQuery(text=doc.body, doc_types=("technology",), mode="vector", per_page=3)
        hits = backend.search(query).hits
        found += bool(hits) and hits[0].doc_id == doc.doc_id
    return found


def test_a_larger_reindex_over_freed_rows_keeps_every_vector(backend: RankedBackend) -> None:
    backend.reindex("technology", _docs(range(1, 8), 0))
    backend.delete("technology", 3)
    backend.delete("technology", 7)  # freed rows above and below the highest row in use
    again = _docs(range(1, 21), 5)  # the same ids again, more of them, other texts
    backend.reindex("technology", again)
    assert backend.count("technology") == 20
    assert _found_first(backend, again) == 20
