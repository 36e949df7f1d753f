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


REGULATION = """某市城市绿化管理办法
某政发〔2023〕5号
各区人民政府，市政府各部门：
第一章 总则
第一条 为了加强城市绿化管理，改善生态环境，制定本办法。
第二条 本办法适用于本市城市规划区内的绿化规划、建设、保护和管理。
第二章 绿化建设
第三条 新建住宅小区的绿地率不得低于百分之三十。
第四条 城市绿化工程的设计，应当委托持有相应资质证书的设计单位承担。
第三章 附则
第五条 本办法自2023年5月1日起施行。
某市人民政府
2023年3月1日
"""


def test_a_regulations_outline_lists_every_article_and_the_source_names_it(run, tmp_path):
    folder = tmp_path / "regulation"
    folder.mkdir()
    (folder / "greening.txt").write_text(REGULATION, encoding="utf-8")
    outline = run("doc", "5号", knowledge=folder).output
    for article in ("第一条", "第二条", "第三条", "第四条", "第五条"):
        assert f"  {article} " in outline
    assert outline.index("第二章") < outline.index("第三条") < outline.index("第三章")
    answer = json.loads(run("ask", "--json", "新建住宅小区绿地率有什么要求", knowledge=folder).output)
    assert answer["hits"][0]["kind"] == "article" and answer["hits"][0]["number"] == "第三条"
    printed = run("ask", "新建住宅小区绿地率有什么要求", knowledge=folder).output
    assert "出处：《某市城市绿化管理办法》某政发〔2023〕5号（2023年3月1日） 第二章第三条" in printed


def test_ask_json_says_why_an_answer_was_not_given(run):
    lines = run("ask", "--json", input="失业金怎么领\n\n").output.splitlines()
    assert [json.loads(line)["reason"] for line in lines] == ["answered", "empty"]
