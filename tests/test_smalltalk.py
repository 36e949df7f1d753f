"""Small talk is told apart from questions by the engine, and every channel renders it (render_console)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from bot.cli import cli
from handlers import texts
from handlers.render import render_console
from knowledge import model, smalltalk


@pytest.mark.parametrize("message, kind", [
    ("你好", smalltalk.GREETING), ("在吗在吗", smalltalk.GREETING), ("您好，我想咨询一下", smalltalk.GREETING),
    ("谢谢", smalltalk.THANKS), ("好的，谢谢", smalltalk.THANKS), ("谢谢你，帮了大忙了", smalltalk.THANKS),
    ("好，晓得了", smalltalk.THANKS), ("收到", smalltalk.THANKS), ("好的", smalltalk.THANKS),
    ("嗯嗯", smalltalk.THANKS), ("好的，没别的事了，再见", smalltalk.GOODBYE),
    ("你是谁", smalltalk.IDENTITY), ("你好，你是机器人吗", smalltalk.IDENTITY), ("你能干啥", smalltalk.IDENTITY),
    ("再见", smalltalk.GOODBYE), ("好的，没问题了，再见", smalltalk.GOODBYE),
    ("转人工", smalltalk.HUMAN), ("热线", smalltalk.HUMAN), ("人工客服", smalltalk.HUMAN),
    ("你们这帮当官的全是废物，问什么都答不上来", smalltalk.ABUSE),
])
def test_small_talk_is_recognised_and_not_answered(kb, message, kind):
    answer = kb.ask(message)
    assert (answer.answered, answer.kind, answer.reason, answer.small_talk) == (False, model.NONE,
                                                                                model.SMALL_TALK, kind)
    assert texts.NOT_COVERED.split("「")[0] not in render_console(answer)


@pytest.mark.parametrize("message, heading", [
    ("你好，失业金怎么领", "优化失业保险金发放领取程序"),
    ("您好，请问异地就医怎么报销", "提高异地就医报销便捷性"),
    ("夜间政务服务热线", "提升政务服务便利化水平"),
])
def test_a_question_with_a_greeting_or_a_hotline_word_is_still_answered(kb, message, heading):
    answer = kb.ask(message)
    assert answer.answered and answer.hits[0].clause.title == heading


def test_a_greeting_and_an_uncovered_topic_is_a_question_not_covered(kb):
    assert kb.ask("你好，公积金怎么取").reason in (model.NO_MATCH, model.UNKNOWN_TOPIC)


def test_the_greeting_offers_example_questions_the_notices_answer(kb):
    answer = kb.ask("你好")
    assert len(answer.topics) == 3
    shown = render_console(answer)
    for topic in answer.topics:
        example = texts.EXAMPLE_QUESTION.format(topic=topic).lstrip("· ")
        assert example in shown
        assert kb.ask(example).answered, example


def test_who_are_you_names_the_places_and_notices(kb):
    shown = render_console(kb.ask("你是谁"))
    assert "黄石市" in shown and "黄政办发〔2022〕58号" in shown


def test_hotline_abuse_thanks_and_goodbye_get_their_own_replies(kb):
    replies = {render_console(kb.ask(m)) for m in ("转人工", "你这个废物", "谢谢", "再见")}
    assert replies == {texts.HUMAN, texts.ABUSE, texts.YOU_ARE_WELCOME, texts.GOODBYE}
    assert "12345" in texts.HUMAN


def test_a_greeting_from_a_tiny_knowledge_base_takes_its_examples_from_its_headings(tiny_kb):
    answer = tiny_kb.ask("你好")
    assert answer.topics and all(any(t in c.title for n in tiny_kb.notices for c in n.clauses)
                                 for t in answer.topics)


def test_ask_json_gives_the_small_talk_reason(tmp_path):
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "kb.db"), "ask", "--json"], input="你好\n谢谢\n")
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [(a["answered"], a["kind"], a["reason"], a["small_talk"]) for a in lines] == [
        (False, "none", "small_talk", "greeting"), (False, "none", "small_talk", "thanks")]
