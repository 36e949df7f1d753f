"""What an admin's reload report says: new notices on the first reload of a new directory, tasks
without units only where the other tasks name theirs, warnings once per new or changed notice."""

from __future__ import annotations

from knowledge.base import KnowledgeBase

PLAN = """某区人民政府关于印发某区重点工作方案的通知
某政发〔2024〕2号
各街道办事处，区政府各部门：
现将《某区重点工作方案》印发给你们。
一、主要目标
全年新增就业5000人。
二、重点任务
1.扩大就业。组织招聘会。（责任单位：区人社局）
2.建设公园。新建口袋公园10个。
3.改造老旧小区。完成改造20个。（牵头单位：区住建局；责任单位：各街道办事处）
三、保障措施
各部门要加强领导。
某区人民政府
2024年1月5日
"""
NO_UNITS = """某区人民政府关于表彰先进的通知
某政发〔2024〕3号
各街道办事处：
一、表彰对象
1.授予张三先进个人称号。
某区人民政府
2024年1月6日
"""


def make_dir(tmp_path):
    directory = tmp_path / "plans"
    directory.mkdir()
    (directory / "plan.txt").write_text(PLAN, encoding="utf-8")
    (directory / "honours.txt").write_text(NO_UNITS, encoding="utf-8")
    return directory


def test_without_units_lists_only_tasks_beside_tasks_with_units(tmp_path):
    report = KnowledgeBase(tmp_path / "kb.db", make_dir(tmp_path)).reload()
    assert report.without_units == ("某政发〔2024〕2号 二、 > 2.",)


def test_the_bundled_gazette_has_no_task_without_units(kb):
    assert kb.reload().without_units == ()


def test_first_reload_of_a_new_directory_reports_its_notices_as_new(tmp_path, knowledge_dir):
    db = tmp_path / "kb.db"
    KnowledgeBase(db, knowledge_dir)  # the bundled notices, built at start-up
    kb = KnowledgeBase(db, make_dir(tmp_path))  # pointed at a new directory: built at start-up, unseen
    report = kb.reload()
    assert set(report.added) == {"某政发〔2024〕2号", "某政发〔2024〕3号"}
    assert any("表彰先进" in w for w in report.warnings)
    assert kb.reload().added == ()


def test_warnings_are_given_once_per_new_or_changed_notice(tmp_path):
    directory = make_dir(tmp_path)
    kb = KnowledgeBase(tmp_path / "kb.db", directory)
    assert any("表彰先进" in w for w in kb.reload().warnings)
    assert kb.reload().warnings == ()
    (directory / "honours.txt").write_text(NO_UNITS.replace("张三", "李四"), encoding="utf-8")
    again = kb.reload()
    assert again.changed == ("某政发〔2024〕3号",) and len(again.warnings) == 1
