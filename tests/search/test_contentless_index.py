"""The embedded FTS5 table keeps no copy of the text: updates and deletes must still leave no
trace of the old tokens (FTS5 deletes from a contentless table only given the very tokens)."""

from __future__ import annotations

import sqlite3

from search import embedded as embedded_module
from search.documents import SearchDocument, SearchQuery
from search.embedded import EmbeddedBackend


def _doc(doc_id: int, title: str, body: str) -> SearchDocument:
    return SearchDocument("technology", doc_id, title, body, {"trl": 5})


def _terms_in_index(store: EmbeddedBackend) -> dict[str, int]:
    return dict(store._db.execute("SELECT term, doc FROM fts_vocab").fetchall())


def test_updates_and_deletes_take_every_old_token_out(tmp_path) -> None:
    store = EmbeddedBackend(tmp_path / "s.sqlite3")
    store.bulk_index(
        [_doc(1, "屋顶太阳能发电", "太阳能组件效率高。"), _doc(2, "氢燃料电池", "燃料电池堆。")]
    )
    store.bulk_index([_doc(1, "海上风力发电", "风机叶片。")])  # document 1 rewritten
    terms = _terms_in_index(store)
    assert "太阳能" not in terms and "太阳" not in terms and "组件" not in terms
    assert terms["风力"] == 1 and terms["发电"] == 1 and terms["电池"] == 1
    assert store.search(SearchQuery("太阳能", mode="lexical")).hits == []
    assert [h.doc_id for h in store.search(SearchQuery("风力发电", mode="lexical")).hits] == [1]

    store.delete("technology", 2)
    assert "电池" not in _terms_in_index(store)
    store.recreate("technology")
    assert _terms_in_index(store) == {}
    store.close()


def test_an_index_of_the_old_layout_is_emptied_for_a_rebuild(tmp_path) -> None:
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(
        "CREATE TABLE docs (id INTEGER PRIMARY KEY, doc_type TEXT, doc_id INTEGER, title TEXT,"
        " body TEXT, title_norm TEXT, vec_row INTEGER);"
        "INSERT INTO docs VALUES (1, 'technology', 1, '旧', '旧', '旧', NULL);"
        "CREATE VIRTUAL TABLE fts USING fts5 (title_words, title_chars, body_words, body_chars);"
    )
    old.commit()
    old.close()
    store = EmbeddedBackend(path)
    assert store.count("technology") == 0
    store.bulk_index([_doc(1, "钠离子电池", "储能。")])
    assert store.search(SearchQuery("钠离子电池", mode="lexical")).total == 1
    store.close()


def test_a_lone_character_finds_every_occurrence_without_indexed_unigrams(tmp_path) -> None:
    store = EmbeddedBackend(tmp_path / "s.sqlite3")
    store.bulk_index(
        [
            _doc(1, "电解水制氢", "碱性电解槽。"),  # at the end of a run
            _doc(2, "氢能重卡", "加注站。"),  # at the start
            _doc(3, "液氢储运", "液氢，低温。液氢"),  # inside, three times
            _doc(4, "天然气", "管网 氢 掺混。"),  # a run of one character
            _doc(5, "风电", "叶片。"),
        ]
    )
    terms = _terms_in_index(store)
    assert "氢" in terms and "解" not in terms  # run ends are kept, other unigrams are not
    found = store.search(SearchQuery("氢", mode="lexical"))
    assert sorted(h.doc_id for h in found.hits) == [1, 2, 3, 4]
    store.delete("technology", 3)
    assert "液氢" not in _terms_in_index(store)
    store.close()


def test_fts5_keeps_a_whole_bulk_batch_in_memory_also_in_an_older_index(tmp_path) -> None:
    """A bulk batch becomes one FTS5 segment (not one per MiB of postings), set on every open."""
    path = tmp_path / "s.sqlite3"
    store = EmbeddedBackend(path)
    hash_size = "SELECT v FROM fts_config WHERE k = 'hashsize'"
    assert store._db.execute(hash_size).fetchone() == (embedded_module.FTS5_HASH_SIZE,)
    store.bulk_index([_doc(1, "屋顶太阳能发电", "太阳能组件效率高。")])
    store._db.execute("DELETE FROM fts_config WHERE k = 'hashsize'")  # as made before the setting
    store.close()

    reopened = EmbeddedBackend(path)
    assert reopened._db.execute(hash_size).fetchone() == (embedded_module.FTS5_HASH_SIZE,)
    assert [h.doc_id for h in reopened.search(SearchQuery("太阳能", mode="lexical")).hits] == [1]
    reopened.close()


def test_a_bulk_load_gives_free_pages_back_to_the_file_system(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(embedded_module, "FREE_PAGES_KEPT", 0)
    store = EmbeddedBackend(tmp_path / "s.sqlite3")
    free_pages = "PRAGMA freelist_count"
    many = [_doc(i, f"光伏组件{i}", "屋顶太阳能组件效率高。" * 50) for i in range(1, 200)]
    store.bulk_index(many)
    store.recreate("technology")  # frees the pages every document took
    assert store._db.execute(free_pages).fetchone()[0] > 10
    store.bulk_index(many[:1])
    assert store._db.execute(free_pages).fetchone()[0] == 0
    assert [h.doc_id for h in store.search(SearchQuery("太阳能", mode="lexical")).hits] == [1]
    store.close()
