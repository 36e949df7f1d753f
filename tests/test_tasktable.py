"""Task tables (重点任务分工表) in every form a notice arrives in: each row is a clause with its
columns' units and deadline, the same whichever form (one golden file for all)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from handlers.render import clause_record
from knowledge.model import TABLE_ROW
from knowledge.parse import parse_gazette
from knowledge.sources import read_text
from tests.conftest import ROOT, SAMPLES

GOLDEN = ROOT / "tests" / "golden" / "task-table.jsonl"
SPACES = SAMPLES / "task-table-spaces.txt"
FIELDS = ("path", "number", "title", "text", "lead_units", "responsible_units", "deadline", "kind")


def write_docx(path: Path) -> Path:
    """The spaces sample as Word writes it: paragraphs, then a real table (python-docx)."""
    from docx import Document

    lines = SPACES.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("序号"))
    document = Document()
    for line in lines[:start]:
        document.add_paragraph(line)
    rows = [line.split("    ") for line in lines[start:] if line.strip()]
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, cells in enumerate(rows):
        if len(cells) == 1:  # 「一、稳定经济运行」 spans the whole row
            merged = table.cell(r, 0).merge(table.cell(r, len(rows[0]) - 1))
            merged.text = cells[0]
            continue
        for c, text in enumerate(cells):
            table.cell(r, c).text = text
    document.save(path)
    return path


def rows_of(path: Path) -> list[dict]:
    notices = parse_gazette(read_text(path), path.name)
    records = [{**clause_record(c, n), "text": c.text} for n in notices for c in n.clauses if c.kind == TABLE_ROW]
    return [{k: r[k] for k in FIELDS if k in r} for r in records]  # the golden rows hold the text without units


@pytest.mark.parametrize("form", ["spaces", "tabs", "html", "docx"])
def test_each_table_form_gives_the_golden_rows(form, tmp_path):
    path = {
        "spaces": SPACES, "tabs": SAMPLES / "task-table-tabs.txt", "html": SAMPLES / "task-table.html",
        "docx": write_docx(tmp_path / "task-table.docx"),
    }[form]
    golden = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    assert rows_of(path) == golden


def test_golden_rows_say_what_the_table_says():
    golden = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    assert [g["number"] for g in golden] == ["1", "2", "3"]
    assert golden[0]["lead_units"] == ["县发改局"] and golden[0]["deadline"] == "2024年12月底前"
    assert golden[0]["responsible_units"] == ["县财政局", "县自然资源局", "各乡镇人民政府"]
    assert golden[2]["lead_units"] == ["县人社局"] and golden[2]["responsible_units"] == ["有关部门", "各乡镇人民政府"]


def test_a_row_answers_with_its_units_deadline_and_place_in_the_table(tmp_path):
    from handlers.render import notice_outline, render_console
    from knowledge.base import KnowledgeBase

    directory = tmp_path / "notices"
    directory.mkdir()
    (directory / SPACES.name).write_bytes(SPACES.read_bytes())
    kb = KnowledgeBase(tmp_path / "kb.db", directory)
    shown = render_console(kb.ask("发放消费券"))
    assert "牵头单位：县商务局" in shown and "完成时限：2024年6月底前" in shown
    assert "某县2024年重点工作任务分工表 序号2" in shown
    outline = notice_outline(kb.doc("3号").notice)
    rows = ["  1 推进重大项目建设", "  2 扩大有效消费", "  3 新增城镇就业"]
    assert outline[2:6] == ["某县2024年重点工作任务分工表", *rows]


def test_a_table_in_the_body_with_merged_cells_and_roles_in_one_column(tmp_path):
    from docx import Document

    document = Document()
    for line in ["某市人民政府办公室关于印发某市优化营商环境重点任务清单的通知", "某政办函〔2024〕9号",
                 "各区人民政府，市政府各部门：", "现将重点任务清单印发给你们，请抓好落实。"]:
        document.add_paragraph(line)
    rows = [["序号", "工作任务", "责任单位", "完成时间"],
            ["1", "推行企业开办一日办结", "市市场监管局牵头，市税务局、市人社局配合", "2024年3月"],
            ["2", "推行不动产登记一窗受理", "市自然资源局", "2024年6月"], ["3", "推行水电气联合报装", "", "2024年9月"]]
    table = document.add_table(rows=4, cols=4)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(2, 2).merge(table.cell(3, 2)).text = "市自然资源局"  # one cell over two rows
    document.add_paragraph("某市人民政府办公室")
    document.add_paragraph("2024年1月8日")
    document.save(tmp_path / "body.docx")
    (notice,) = parse_gazette(read_text(tmp_path / "body.docx"))
    assert notice.doc_no == "某政办函〔2024〕9号"
    rows = {c.number: c for c in notice.clauses if c.kind == TABLE_ROW}
    assert rows["1"].lead_units == ("市市场监管局",) and rows["1"].responsible_units == ("市税务局", "市人社局")
    assert rows["3"].responsible_units == ("市自然资源局",) and rows["3"].deadline == "2024年9月"
