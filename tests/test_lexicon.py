"""The lexicon's lists agree with each other, and a service is judged by its official name too."""

import shutil

import pytest

from knowledge.base import KnowledgeBase
from knowledge.lexicon import BUNDLED, LexiconError, load_lexicon
from knowledge.model import UNKNOWN_TOPIC
from tests.conftest import TINY_NOTICE, expansions


def test_the_shipped_lexicon_has_no_conflicts():
    assert load_lexicon().conflicts() == []


def test_a_topic_that_is_also_an_everyday_phrase_is_named_in_the_reload_report(tmp_path, tiny_dir):
    lexicon = tmp_path / "lexicon"
    shutil.copytree(BUNDLED, lexicon)
    with open(lexicon / "topics.txt", "a", encoding="utf-8") as f:
        f.write("\n失业金\n")  # 失业金 is an everyday phrase of synonyms.txt (=> 失业保险金)
    report = KnowledgeBase(tmp_path / "k.db", tiny_dir, lexicon).reload()
    assert any("「失业金」" in w and "topics.txt" in w for w in report.warnings)


HOUSING_FUND = TINY_NOTICE.replace("3.推广电子社保卡。", (
    "3.简化住房公积金提取。职工购房、租房提取住房公积金实现网上办理。（牵头单位：市公积金中心）\n"
    "4.推广电子社保卡。"
))


def test_an_everyday_name_of_a_service_the_notices_cover_is_answered(tmp_path):
    folder = tmp_path / "notices"
    folder.mkdir()
    (folder / "notice.txt").write_text(HOUSING_FUND, encoding="utf-8")
    answer = KnowledgeBase(tmp_path / "k.db", folder).ask("公积金怎么提取")  # 公积金 → 住房公积金
    assert answer.answered and answer.hits[0].clause.title == "简化住房公积金提取"


def test_an_everyday_name_of_a_service_the_notices_lack_is_declined(tiny_kb):
    answer = tiny_kb.ask("电子社保卡能提取公积金吗")  # 电子社保卡 is covered, 公积金 is not
    assert answer.hits and not answer.answered and answer.reason == UNKNOWN_TOPIC


TOILETS = TINY_NOTICE.replace("3.推广电子社保卡。", (
    "3.新建公共厕所。在主要街道新建改建公共厕所8座，实行扬尘污染精细化管理。（牵头单位：市城管局）\n"
    "4.推广电子社保卡。"
))


def kb_with_synonyms(tmp_path, notice: str, synonyms: str) -> KnowledgeBase:
    """A knowledge base of one notice, with the bundled lexicon but these synonym lines only."""
    folder, lexicon = tmp_path / "notices", tmp_path / "lexicon"
    folder.mkdir()
    (folder / "notice.txt").write_text(notice, encoding="utf-8")
    shutil.copytree(BUNDLED, lexicon)
    (lexicon / "synonyms.txt").write_text(synonyms, encoding="utf-8")
    return KnowledgeBase(tmp_path / "k.db", folder, lexicon)


def test_a_short_form_finds_the_full_form_without_a_synonym_line(tmp_path):
    kb = kb_with_synonyms(tmp_path, TOILETS, "")
    for question in ("今年建几座公厕", "扬尘有人管吗"):  # 公厕 ⊂ 公共厕所; 扬/尘 joined as the notices write it
        concepts = expansions(kb.ask(question))
        assert "公共厕所" in concepts.get("公厕", []) or "扬尘污染" in concepts.get("扬尘", []), concepts
        assert kb.ask(question).hits[0].clause.title == "新建公共厕所"


def test_regional_words_are_read_as_mandarin():
    assert load_lexicon().to_mandarin("屋里冇得人接伢，几多钱") == "家里没有人接孩子，多少钱"
    assert load_lexicon().to_mandarin("我想克办事大厅，买了500克肉") == "我想去办事大厅，买了500克肉"
    assert load_lexicon().to_mandarin("好么，要带么材料") == "好么，要带什么材料"


def test_a_bad_dialect_line_is_reported_with_its_place(tmp_path):
    lexicon = tmp_path / "lexicon"
    shutil.copytree(BUNDLED, lexicon)
    with open(lexicon / "dialect.txt", "a", encoding="utf-8") as f:
        f.write("冇得 没有\n")
    with pytest.raises(LexiconError) as error:
        load_lexicon(lexicon)
    assert any("dialect.txt:" in line for line in error.value.reasons)


AFTER_SCHOOL = TINY_NOTICE.replace("3.推广电子社保卡。", (
    "3.推进课后服务。义务教育学校课后服务结束时间不早于当地正常下班时间。（牵头单位：市教育局）\n"
    "4.推广电子社保卡。"
))


def test_a_word_listed_only_inside_longer_phrases_still_finds_their_official_terms(tmp_path):
    kb = kb_with_synonyms(tmp_path, AFTER_SCHOOL, "上补习班太贵 不想报补习班 附近公园 => 课后服务\n")
    answer = kb.ask("孩子放学了只能去补习班吗")  # 补习班 alone is no phrase of the line, only part of two
    assert "课后服务" in expansions(answer)["补习班"] and answer.hits[0].clause.title == "推进课后服务"
    # A common word inside a phrase (附近) says nothing of the line's topic.
    assert "课后服务" not in expansions(kb.ask("附近哪里能借书")).get("附近", [])
