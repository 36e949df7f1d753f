"""The answering engine on the bundled gazette: clauses, units, notices, and honest abstention."""

import pytest

from knowledge.answer import answer


def top(kb, question):
    result = kb.ask(question)
    assert result.answered, question
    return result.hits[0]


def test_everyday_words_find_the_official_clause(kb):
    hit = top(kb, "失业金怎么领")
    assert hit.clause.title == "优化失业保险金发放领取程序"
    assert hit.notice.doc_no == "黄政办发〔2022〕58号"
    assert "失业保险金" in hit.matched_terms


def test_a_complaint_finds_the_clause_and_its_units(kb):
    hit = top(kb, "楼下广场舞太吵了")
    assert hit.clause.title == "着力解决噪声污染问题"
    assert "市生态环境局" in hit.clause.lead_units


def test_traditional_characters_and_typos(kb):
    assert top(kb, "請問失業保險金怎麼申請").clause.title == "优化失业保险金发放领取程序"
    assert top(kb, "反炸APP必须装吗").clause.title == "加大对电诈行为反制和打击力度"  # 炸 typed for 诈
    assert top(kb, "yi地就医咋报销").clause.title == "提高异地就医报销便捷性"  # pinyin typed for 异


@pytest.mark.parametrize("question", ["", "   ", "请问", "你好呀，怎么办呢", "😀🎉👍", "？？？！！", "<b></b>"])
def test_filler_emoji_and_empty_questions_are_not_answered(kb, question):
    result = kb.ask(question)
    assert not result.answered and result.kind == "none"


@pytest.mark.parametrize("question", ["公积金怎么提取", "驾照到期了去哪换证", "护照要办多久", "电动车上牌在哪里办"])
def test_off_topic_questions_are_not_answered(kb, question):
    result = kb.ask(question)
    assert not result.answered
    assert result.topics  # the reply offers what the notices do cover


def test_generic_words_alone_are_not_evidence(kb):
    assert not kb.ask("提升服务工作").answered


def test_who_is_responsible(kb):
    result = kb.ask("自来水水质有问题找谁")
    assert result.asks_who and result.hits[0].clause.title == "保障自来水水质安全"
    assert result.hits[0].clause.lead_units == ("市城管委", "市生态环境局")


def test_a_units_duties(kb):
    result = kb.ask("市人社局负责哪些事")
    assert result.kind == "units" and result.unit == "市人社局"
    titles = [h.clause.title for h in result.hits]
    assert "优化失业保险金发放领取程序" in titles
    led = [h for h in result.hits if "市人社局" in h.clause.lead_units]
    assert result.hits[: len(led)] == tuple(led)  # clauses it leads come first


@pytest.mark.parametrize(
    "question", ["58号文", "黄政办发〔2022〕58号", "黄政办发[2022]58号是什么", "公共服务质量提升行动方案讲了什么"]
)
def test_a_notice_by_doc_number_or_title(kb, question):
    result = kb.ask(question)
    assert result.kind == "notice" and result.notice.doc_no == "黄政办发〔2022〕58号"


def test_a_question_inside_a_named_notice(kb):
    result = kb.ask("58号文里失业保险金怎么说")
    assert result.kind == "clause" and result.hits[0].clause.title == "优化失业保险金发放领取程序"
    assert result.notice.doc_no == "黄政办发〔2022〕58号"


@pytest.mark.parametrize(
    "question",
    ['"失业金" AND 怎么领', "失业金 OR 噪声 NOT 厕所", "NEAR(失业 金)", "失业*", "title:失业金",
     "失业金'; DROP TABLE clauses;--", "(((", "\\", "%_%", "失业金" + "*" * 500],
)
def test_query_syntax_never_breaks_the_search(kb, question):
    result = answer(question, kb.index)
    assert result.kind in ("clause", "none", "units", "notice")


def test_a_huge_message_is_answered_from_its_start(kb):
    result = kb.ask("失业金怎么领" + "啊" * 5000)
    assert result.answered and result.hits[0].clause.title == "优化失业保险金发放领取程序"
