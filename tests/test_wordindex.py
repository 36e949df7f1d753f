"""The clauses' words are made once, by the build, stored in the knowledge base file and read back."""

import shutil

import sqlite_utils

from knowledge import store, wordindex
from knowledge.base import KnowledgeBase, load_index, stored_words
from knowledge.lexicon import BUNDLED, load_lexicon
from knowledge.search import Index

QUESTIONS = ("图书馆周末开到几点", "夜班公交", "电子社保卡能挂号吗", "市人社局负责哪些事", "图书管开放时间")


def rows(folder):
    return store.read_tables(folder / "kb.db", wordindex.TABLES)


def ranked(index: Index, question: str) -> list[tuple[str, float, tuple[str, ...]]]:
    _, hits = index.search(question)
    return [(h.clause.title, h.score, h.matched_terms) for h in hits]


def test_the_build_stores_the_words_and_start_up_reads_them(tmp_path, tiny_dir):
    kb = KnowledgeBase(tmp_path / "kb.db", tiny_dir)
    db = sqlite_utils.Database(tmp_path / "kb.db")
    assert {"phrases", "clause_words", "postings", "word_meta"} <= set(db.table_names())
    assert db["clause_words"].count == len(kb.index.entries) == 3
    lexicon = load_lexicon()
    assert stored_words(rows(tmp_path), lexicon, 3) is not None
    assert ("图书馆",) == tuple(t for (t,) in db.execute("select term from postings where term = '图书馆'"))


def test_an_index_from_stored_words_ranks_as_one_made_by_tokenising(tmp_path, tiny_dir):
    KnowledgeBase(tmp_path / "kb.db", tiny_dir)
    lexicon = load_lexicon()
    loaded = load_index(tmp_path / "kb.db", lexicon)
    fresh = Index(store.read(tmp_path / "kb.db"), lexicon)
    for question in QUESTIONS:
        assert ranked(loaded, question) == ranked(fresh, question)
    assert ranked(loaded, "夜班公交")[0][0] == "增设公交夜班线路"


def test_words_made_with_another_lexicon_are_made_again(tmp_path, tiny_dir):
    KnowledgeBase(tmp_path / "kb.db", tiny_dir)
    lexicon_dir = tmp_path / "lexicon"
    shutil.copytree(BUNDLED, lexicon_dir)
    with open(lexicon_dir / "userdict.txt", "a", encoding="utf-8") as f:
        f.write("\n自助借还书机 5000\n")
    other = load_lexicon(lexicon_dir)
    assert wordindex.fingerprint(other) != wordindex.fingerprint(load_lexicon())
    assert stored_words(rows(tmp_path), other, 3) is None  # stale: never read as if current
    kb = KnowledgeBase(tmp_path / "kb.db", tiny_dir, lexicon_dir)  # start-up rebuilds with the new words
    assert stored_words(rows(tmp_path), other, 3) is not None
    assert "自助借还书机" in kb.index.df


def test_a_file_of_the_previous_schema_is_rebuilt(tmp_path, tiny_dir):
    KnowledgeBase(tmp_path / "kb.db", tiny_dir)
    db = sqlite_utils.Database(tmp_path / "kb.db")
    db["meta"].upsert({"key": "schema", "value": "2"}, pk="key")
    db["phrases"].drop()
    db.close()
    kb = KnowledgeBase(tmp_path / "kb.db", tiny_dir)
    assert kb.last_report is not None and "phrases" in sqlite_utils.Database(tmp_path / "kb.db").table_names()
    assert ranked(kb.index, "夜班公交")[0][0] == "增设公交夜班线路"


def test_shared_field_words_are_stored_once(tmp_path, tiny_dir):
    KnowledgeBase(tmp_path / "kb.db", tiny_dir)
    db = sqlite_utils.Database(tmp_path / "kb.db")
    notice_words = {row["notice"] for row in db["clause_words"].rows}
    assert len(notice_words) == 1  # three clauses, one notice: its title's words once


def test_a_reload_answers_as_a_fresh_start_up(tmp_path, tiny_dir):
    kb = KnowledgeBase(tmp_path / "kb.db", tiny_dir)
    kb.reload()  # reuses the build's tokenizer for the new index
    fresh = KnowledgeBase(tmp_path / "kb.db", tiny_dir)
    assert fresh.last_report is None  # nothing rebuilt: the stored words are current
    for question in QUESTIONS:
        assert ranked(kb.index, question) == ranked(fresh.index, question)
