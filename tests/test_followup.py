"""Follow-ups on the bundled gazette: what continues the clause on screen, and what starts afresh."""

from __future__ import annotations

import pytest

from knowledge import model

FIRST = "公共厕所太脏了"
TOPIC = "强化公共厕所管理"


def after(kb, question: str):
    shown = kb.ask(FIRST)
    assert shown.hits[0].clause.title == TOPIC
    return kb.ask(question, context=shown.hits)


@pytest.mark.parametrize("message", ["要什么材料", "什么时候能建好", "谁负责", "那城区呢", "有什么标准"])
def test_a_message_without_a_topic_of_its_own_continues_the_clause(kb, message):
    answer = after(kb, message)
    assert answer.answered and answer.hits[0].clause.title == TOPIC


def test_who_and_where_put_the_units_first(kb):
    assert after(kb, "归哪个部门管").asks_who


def test_a_specific_topic_starts_afresh(kb):
    assert after(kb, "那垃圾分类呢").hits[0].clause.title == "加强垃圾收运及分类处理"


def test_a_service_the_notices_lack_is_not_covered_even_in_context(kb):
    answer = after(kb, "那公积金呢")
    assert not answer.answered and answer.reason in (model.UNKNOWN_TOPIC, model.NO_MATCH)


def test_without_context_a_topicless_message_is_not_answered(kb):
    assert not kb.ask("找哪个部门").answered


def test_thanks_with_a_follow_up_question_continues_the_topic(kb):
    answer = after(kb, "谢谢，那要带什么材料")
    assert answer.answered and answer.hits[0].clause.title == TOPIC


def test_thanks_alone_is_small_talk_even_in_context(kb):
    assert after(kb, "好的谢谢").reason == model.SMALL_TALK


def test_a_question_landing_on_the_clause_on_screen_keeps_the_other_results(kb):
    # 「糖尿病门诊」 finds one clause only, the one already shown: 下一条 still goes on through the topic.
    shown = kb.ask("异地就医怎么报销")
    assert shown.hits[0].clause.title == "提高异地就医报销便捷性" and len(shown.hits) > 1
    answer = kb.ask("她有糖尿病，门诊的也能结吗", context=shown.hits)
    assert [h.clause for h in answer.hits] == [h.clause for h in shown.hits]
