"""Real notices of other governments, loaded beside the bundled gazette (tests/data/foreign/, copied
from shared/data so that CI has them): each parses, and each question's target task carries its units."""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from knowledge.base import BUNDLED_NOTICES, KnowledgeBase
from knowledge.units import split_units

FOREIGN = Path(__file__).parent / "data" / "foreign"
FOLDERS = ["foreign-notices", "foreign-notices-2"]
NOT_NOTICES = {"questions.jsonl", "SOURCES.txt"}


def questions(folder: str) -> list[dict]:
    lines = (FOREIGN / folder / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def plain(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isalnum())


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """One knowledge base of the gazette and every foreign notice, as an admin would load them."""
    directory = tmp_path_factory.mktemp("foreign") / "notices"
    shutil.copytree(BUNDLED_NOTICES, directory)
    for folder in FOLDERS:
        for path in (FOREIGN / folder).iterdir():
            if path.name not in NOT_NOTICES:
                shutil.copy(path, directory / path.name)
    kb = KnowledgeBase(directory.parent / "kb.db", directory)
    return {n.source: n for n in kb.notices}


def notice_of(loaded, name: str):
    return next(n for source, n in loaded.items() if Path(source).stem == Path(name).stem)


def test_every_foreign_notice_parses_into_clauses(loaded):
    files = [p for folder in FOLDERS for p in (FOREIGN / folder).iterdir() if p.name not in NOT_NOTICES]
    for path in files:
        assert notice_of(loaded, path.name).clauses, path.name


@pytest.mark.parametrize("question", questions("foreign-notices-2"), ids=lambda q: q["keys"][0])
def test_target_task_carries_its_units_lead_first(loaded, question):
    notice = notice_of(loaded, question["file"])
    if question["doc"]:
        assert plain(notice.doc_no) == plain(question["doc"])
    clause = next(c for c in notice.clauses if any(plain(k) in plain(c.title + c.text) for k in question["keys"]))
    expected = question["units"]
    assert set(expected) <= set(clause.units), (clause.path, clause.units)
    if expected and clause.lead_units:
        assert clause.units[0] == expected[0]


@pytest.mark.parametrize("question", questions("foreign-notices"), ids=lambda q: q["q"][:12])
def test_answer_span_sits_in_a_clause_with_its_units(loaded, question):
    """The answer is a clause's text, or (「牵头单位有哪些」) the units one clause carries."""
    notice = notice_of(loaded, question["file"])
    answer = question["answer"]
    units = split_units(answer)
    if len(units) >= 2 and all(re.search(r"[局委办团厅府部行会院]$", u) for u in units):
        assert any(set(units) <= set(c.units) for c in notice.clauses), units
        return
    span = plain(re.sub(r"^\s*\d{1,2}[.．、]", "", answer))[:30]
    assert any(span in plain(c.title + c.text) for c in notice.clauses), answer[:40]


@pytest.mark.parametrize("name, doc_no, title, issuer, date", [
    ("guowuyuanling_693.txt", "国务院令第693号", "中华人民共和国环境保护税法实施条例", "国务院", "2017-12-25"),
    ("yuefuling_197.txt", "粤府令第197号", "广东省碳排放管理试行办法", "广东省人民政府", "2014-03-01"),
    ("lishan_anlizhengfa_2023_2_excerpt.txt", "鞍立政发〔2023〕2号",
     "立山区人民政府关于印发《立山区政府2023年重点工作任务分解和责任分工方案》的通知", "立山区人民政府", "2023-03-28"),
    ("ncp_shijingshan_2020.txt", "石政发〔2020〕3号", None, None, None),
    ("guobanfa_2020_43.txt", "国办发〔2020〕43号",
     "国务院办公厅关于印发全国深化“放管服”改革优化营商环境电视电话会议重点任务分工方案的通知",
     "国务院办公厅", "2020-11-01"),
    ("caidian_caizhengban_2023_1_excerpt.txt", "蔡政办〔2023〕1号",
     "区人民政府办公室关于印发2023年区《政府工作报告》确定的主要目标任务责任分解方案的通知", None, "2023-01-03"),
])
def test_decrees_letterheads_and_run_in_numbers_give_the_right_header(loaded, name, doc_no, title, issuer, date):
    notice = notice_of(loaded, name)
    assert notice.doc_no == doc_no
    assert title is None or notice.title == title
    assert issuer is None or notice.issuer == issuer
    assert date is None or notice.date == date
    assert "2020" != notice.title and len(notice.title) >= 8


def test_leaders_are_stored_apart_from_units_and_exported(loaded):
    from handlers.render import clause_record

    notice = notice_of(loaded, "xianan_2023_zfgzbg_fenjie_excerpt.txt")
    clause = next(c for c in notice.clauses if "粮食产量稳定在23万吨" in c.title + c.text)
    assert clause.leaders == ("丁玲",) and clause.lead_units == ("区农业农村局",)
    assert "丁玲" not in clause.units
    assert clause_record(clause, notice)["leaders"] == ["丁玲"]
