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

    invoke.db = db
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
    # text as the notice prints it, units included (a who-question's answer is in them); body without
    assert hit["text"] == hit["body"] + "〔牵头单位：市人社局；责任单位：各县（市、区）人民政府〕"


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
    groups = [cli, cli.commands["kb"], cli.commands["user"]]
    commands = {f"{group.name} {name}": command for group in groups for name, command in group.commands.items()}
    for name, command in {"cli": cli, **commands}.items():
        assert command.help and ("Example:" in command.help or "Examples:" in command.help), name


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


def test_knowledge_and_db_options_work_after_the_command_name_too(tmp_path, tiny_dir):
    db = tmp_path / "after.db"
    result = CliRunner().invoke(cli, ["reload", "--knowledge", str(tiny_dir), "--db", str(db)])
    assert result.exit_code == 0 and "通知 1 件" in result.output
    answer = CliRunner().invoke(cli, ["ask", "图书馆周末开到几点", "--db", str(db), "--knowledge", str(tiny_dir)])
    assert "市文化局" in answer.output


def test_a_database_is_never_silently_rebuilt_from_another_directory(tmp_path, tiny_dir):
    db = tmp_path / "kb2.db"
    assert CliRunner().invoke(cli, ["--knowledge", str(tiny_dir), "--db", str(db), "reload"]).exit_code == 0
    before = db.read_bytes()
    plain = CliRunner().invoke(cli, ["--db", str(db), "ask", "失业金怎么领"])  # the bundled directory by default
    assert plain.exit_code == 1
    assert str(tiny_dir.resolve()) in plain.output and "reload" in plain.output
    assert db.read_bytes() == before
    info = CliRunner().invoke(cli, ["kb", "info", "--db", str(db)])
    assert f"生成自目录：{tiny_dir.resolve()}" in info.output and "通知 1 件" in info.output
    rebuilt = CliRunner().invoke(cli, ["--db", str(db), "reload"])  # reload is how to switch directories
    assert rebuilt.exit_code == 0 and "通知 5 件" in rebuilt.output


def test_doc_without_a_reference_lists_the_notices_and_lookups_that_find_nothing_fail(run):
    listing = run("doc")
    assert listing.exit_code == 0
    assert listing.output.count("· 《") == 5 and "黄政办发〔2022〕58号" in listing.output
    assert run("doc", "58").output.startswith("《黄石市公共服务质量提升行动方案》")
    missing = CliRunner().invoke(cli, ["--db", str(run.db), "doc", "99号"])
    assert missing.exit_code == 1 and "没有找到文件" in missing.output
    nobody = CliRunner().invoke(cli, ["--db", str(run.db), "unit", "市宇航局"])
    assert nobody.exit_code == 1 and "没有找到单位" in nobody.output


def test_ask_n_prints_the_top_candidates_in_full(run):
    result = run("ask", "-n", "3", "养老金怎么领")
    assert result.exit_code == 0
    headers = [line for line in result.output.splitlines() if line.startswith("—— 候选 ")]
    assert 1 <= len(headers) <= 3 and headers[0].startswith(f"—— 候选 1/{len(headers)}")
    full = run("ask", "--full", "失业金怎么领").output
    assert "及时推送信息、告知办理情况。" in full  # the clause's last sentence, which the excerpt leaves out


def test_the_installed_script_names_itself():
    import subprocess
    import sys

    script = [sys.executable, "-c", "import sys; from bot.cli import main; sys.argv[0] = 'x'; main()", "--help"]
    assert "Usage: gazette-bot" in subprocess.run(script, capture_output=True, text=True).stdout
    module = subprocess.run([sys.executable, "-m", "bot", "--help"], capture_output=True, text=True).stdout
    assert "Usage: python -m bot" in module


def test_a_malformed_parse_time_limit_is_named_not_a_traceback(tmp_path, tiny_dir):
    result = CliRunner(env={"BOT_PARSE_SECONDS": "一分钟"}).invoke(
        cli, ["--knowledge", str(tiny_dir), "--db", str(tmp_path / "kb.db"), "reload"])
    assert result.exit_code == 1 and "BOT_PARSE_SECONDS must be a whole number" in result.output
    assert not (tmp_path / "kb.db").exists()
