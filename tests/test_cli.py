"""The command line through click's CliRunner, with real SQLite files in tmp_path."""

import json

import pytest
from click.testing import CliRunner

from bot.cli import cli


@pytest.fixture
def run(tmp_path):
    db = tmp_path / "kb.db"

    def invoke(*args, input=None, knowledge=None):
        options = ["--db", str(db)] + (["--knowledge", str(knowledge)] if knowledge else [])
        return CliRunner().invoke(cli, options + list(args), input=input, catch_exceptions=False)

    return invoke


def test_ask_prints_the_clause_units_and_source(run):
    result = run("ask", "失业金怎么领")
    assert result.exit_code == 0
    assert "【优化失业保险金发放领取程序】" in result.output
    assert "牵头单位：市人社局" in result.output and "黄政办发〔2022〕58号" in result.output


def test_ask_json_answers_every_stdin_line_in_order(run):
    questions = ["失业金怎么领", "", "公积金怎么提取", "楼下广场舞太吵了", "😀"]
    result = run("ask", "--json", input="\n".join(questions) + "\n")
    answers = [json.loads(line) for line in result.output.splitlines()]
    assert [a["query"] for a in answers] == questions
    assert [a["answered"] for a in answers] == [True, False, False, True, False]
    hit = answers[0]["hits"][0]
    assert set(hit) >= {"doc_no", "doc_title", "doc_date", "issuer", "path", "title", "text", "lead_units",
                        "responsible_units", "score", "matched_terms"}
    assert hit["lead_units"] == ["市人社局"] and hit["path"] == "二、 > （四） > 13."


def test_ask_explain_shows_expansions_and_field_scores(run):
    result = run("ask", "--explain", "失业金怎么领")
    assert "概念「失业金」" in result.output and "失业保险金" in result.output and "title" in result.output


def test_unit_and_doc_lookups(run):
    assert "市人社局 牵头" in run("unit", "人社局").output
    outline = run("doc", "58号").output
    assert outline.startswith("《黄石市公共服务质量提升行动方案》") and "优化失业保险金发放领取程序" in outline


def test_kb_export_prints_every_clause(run):
    records = [json.loads(line) for line in run("kb", "export", "--json").output.splitlines()]
    assert len(records) > 100
    item = next(r for r in records if r["title"] == "保证供电稳定性")
    assert item["lead_units"] == ["市经信局", "国网黄石供电公司"] and item["doc_date"] == "2022-11-16"


def test_reload_reports_and_a_broken_file_changes_nothing(run, knowledge_dir, tmp_path):
    first = run("reload", knowledge=knowledge_dir)
    assert "通知 5 件" in first.output and "条款" in first.output
    before = (tmp_path / "kb.db").read_bytes()
    (knowledge_dir / "broken.txt").write_bytes(bytes(range(256)) * 40)
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "kb.db"), "--knowledge", str(knowledge_dir), "reload"])
    assert result.exit_code != 0
    assert "broken.txt" in result.output and "知识库未改动" in result.output
    assert (tmp_path / "kb.db").read_bytes() == before


def test_every_command_has_help_with_an_example():
    for name, command in {**cli.commands, **cli.commands["kb"].commands}.items():
        if name == "kb":
            continue
        assert command.help and "Example:" in command.help, name


def test_answers_do_not_depend_on_hash_randomisation(tmp_path):
    """Set iteration order changes with PYTHONHASHSEED; the answers must not."""
    import os
    import subprocess
    import sys

    questions = "楼下天然气管子锈得不行了\n被公司裁了每个月能领钱吗\n孩子放学太早了 托管学校管不管\n菜市场又脏又乱\n"
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-m", "bot", "--db", str(tmp_path / "kb.db"), "ask", "--json"],
                              input=questions, capture_output=True, text=True, env=env, check=True)
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
