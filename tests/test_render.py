"""How answers look on each channel: excerpts, bold terms, splitting under each platform's limit."""

import re

from handlers import texts
from handlers.render import (
    WECHAT_LIMIT,
    bold_terms,
    escape,
    excerpt,
    fit_wechat,
    html_messages,
    render_console,
    render_telegram,
    render_wechat,
    utf8_len,
)
from knowledge.model import Answer, Clause, Hit, Notice

LONG = "。".join(f"第{i}句说明公共厕所的管理要求和保洁标准" for i in range(400)) + "。"
CLAUSE = Clause("某政发〔2023〕1号", ("一、", "1."), "强化公共厕所管理", LONG, ("市城管委",), ("各区政府",))
NOTICE = Notice("某政发〔2023〕1号", "某市人民政府关于印发某市公厕管理办法的通知", "某市人民政府", "2023-03-01")


def answer(terms=("公共厕所",)):
    return Answer("厕所太少", True, "clause", (Hit(CLAUSE, NOTICE, 1.0, terms),))


def test_excerpt_keeps_the_matched_sentences_and_marks_gaps():
    clause = Clause("", (), "", "甲事要做。公共厕所要新建。乙事要做。丙事要做。")
    assert excerpt(clause, ("公共厕所",)) == ["…公共厕所要新建。…"]


def test_bold_terms_never_nests_or_breaks_entities():
    assert bold_terms("社会生活噪声 & <x>", ("噪声", "社会生活噪声")) == "<b>社会生活噪声</b> &amp; &lt;x&gt;"


def test_long_answers_split_into_valid_telegram_messages():
    replies = render_telegram(answer(), full=True)
    assert len(replies) > 1 and replies[-1].buttons and not replies[0].buttons
    for reply in replies:
        assert len(reply.text) <= 4096
        assert reply.text.count("<b>") == reply.text.count("</b>")
        assert not re.search(r"&[a-z]*$", reply.text)


def test_html_messages_cut_a_line_longer_than_the_limit():
    messages = html_messages([("<" * 5000, escape)], limit=4096)
    assert all(len(m) <= 4096 for m in messages) and "".join(messages) == "&lt;" * 5000


def test_wechat_replies_fit_2048_bytes_and_continue():
    reply = render_wechat(answer(), full=True)
    assert utf8_len(reply.text) <= WECHAT_LIMIT and reply.text.endswith(texts.MORE_HINT)
    assert reply.rest and all(utf8_len(part) <= WECHAT_LIMIT for part in reply.rest)
    assert not reply.rest[-1].endswith(texts.MORE_HINT)
    assert fit_wechat("短").rest == ()


def test_who_questions_put_the_units_first():
    asked = Answer("厕所归谁管", True, "clause", (Hit(CLAUSE, NOTICE, 1.0, ("公共厕所",)),), asks_who=True)
    lines = render_console(asked).splitlines()
    assert lines[0] == "【强化公共厕所管理】" and lines[1] == "牵头单位：市城管委" and lines[-1].startswith("出处：")


def test_source_names_the_notice_number_date_and_path():
    assert "出处：《某市公厕管理办法》某政发〔2023〕1号（2023年3月1日） 一、1" in render_console(answer())
