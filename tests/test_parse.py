"""The parser on the bundled gazette (golden) and on small samples of other styles."""

import json
import re

import pytest

from knowledge.parse import parse_gazette
from tests.conftest import ROOT, SAMPLES

ARTEFACTS = re.compile(  # an annotation left in the text, or a paragraph still cut by a page break
    r"[〔\[（(【]\s*(?:牵头|责任)(?:单位|部门)|(?:牵头|责任)(?:单位|部门)[：:]|\n\n|认证认\s|提\s+升"
)


def items(notice):
    """Numbered task items by number: {13: Clause, …}."""
    return {int(c.path[-1].rstrip(".")): c for c in notice.clauses if c.path and c.path[-1].endswith(".")}


def test_five_notices_with_doc_numbers_and_dates(gazette):
    dates = {n: gazette[n].date for n in gazette}
    assert dates == {22: "2022-11-21", 57: "2022-11-16", 58: "2022-11-16", 59: "2022-11-25", 60: "2022-11-28"}
    assert gazette[58].doc_no == "黄政办发〔2022〕58号"
    assert gazette[58].title == "市人民政府办公室关于印发黄石市公共服务质量提升行动方案的通知"
    assert gazette[58].short_title == "黄石市公共服务质量提升行动方案"
    assert gazette[22].issuer == "黄石市人民政府"


def test_57_items_1_to_11_with_units(gazette):
    numbered = items(gazette[57])
    assert sorted(numbered) == list(range(1, 12))
    assert all(c.responsible_units for c in numbered.values())
    assert numbered[1].title == "制造业质量提升行动"
    assert numbered[1].responsible_units[-1] == "各县（市、区）人民政府"  # annotation broken over a page


def test_58_items_1_to_39_with_lead_and_responsible_units(gazette):
    numbered = items(gazette[58])
    assert sorted(numbered) == list(range(1, 40))
    assert all(c.lead_units and c.responsible_units for c in numbered.values())
    assert numbered[13].path == ("二、", "（四）", "13.")
    assert numbered[13].title == "优化失业保险金发放领取程序"
    assert numbered[13].lead_units == ("市人社局",)
    assert numbered[13].responsible_units == ("各县（市、区）人民政府",)
    assert numbered[17].lead_units == ("市经信局", "国网黄石供电公司")
    assert numbered[27].lead_units == ("市应急管理局",)  # annotation alone after a page break


def test_60_items_1_to_22_with_responsible_departments(gazette):
    numbered = items(gazette[60])
    assert sorted(numbered) == list(range(1, 23))
    assert all(c.responsible_units[0].startswith("各县") for c in numbered.values())
    assert numbered[10].responsible_units == ("各县（市、区）人民政府", "市残联", "市教育局", "市人社局")


def test_no_clause_keeps_an_annotation_or_page_break_artefact(gazette):
    for notice in gazette.values():
        for clause in notice.clauses:
            if clause.path != ("附件",):
                assert not ARTEFACTS.search(clause.text), (notice.doc_no, clause.path, clause.text[-40:])
    text = " ".join(c.text for c in gazette[57].clauses)
    assert "认证认可" in text and "质量保持稳定" in text
    assert "问题。问题。" not in text


def test_sections_without_numbered_items_are_clauses(gazette):
    by_title = {c.title: c for c in gazette[59].clauses}
    assert "解读范围" in by_title and "下列政策文件应及时进行解读" in by_title["解读范围"].text
    assert "市政府规章" in by_title["解读范围"].text  # a short enumeration stays in its clause
    assert "强化政策文件解读工作的保障和监督" in by_title


def test_name_list_and_monitoring_table_are_searchable_clauses(gazette):
    names = next(c for c in gazette[22].clauses if c.path == ("附件",))
    assert "何小鹏：广州小鹏汽车科技有限公司董事长、CEO" in names.text
    table = next(c for c in gazette[58].clauses if c.path == ("附件",))
    assert table.title == "公共服务质量监测表"
    assert "失业保险金申领便捷性" in table.text and "<input" not in table.text
    assert gazette[58].attachments == ("公共服务质量监测表",)


def test_golden_export_matches(kb):
    """tests/golden/huangshi-clauses.jsonl: regenerate with `python -m bot kb export --json` and review."""
    from handlers.render import clause_record

    exported = [clause_record(c, n) for n in kb.index.notices for c in n.clauses]
    golden = [json.loads(line) for line in (ROOT / "tests/golden/huangshi-clauses.jsonl").open(encoding="utf-8")]
    assert exported == golden


FLATTENED = (
    "某市人民政府关于支持企业发展的若干措施 各区人民政府，市政府各部门： 为支持企业发展，制定以下措施。"
    " 一、加大金融支持 1.完善信贷服务。组织银行对接企业。(责任单位：市财政局、人行某市中心支行)"
    " 2.降低融资成本。对重点企业给予贴息。（牵头单位：市金融局；责任单位：各区政府） 二、稳定就业"
    " 3.实施援企稳岗。对不裁员企业返还失业保险费。 责任单位:市人社局、市财政局 某市人民政府 2020年2月4日"
)


def test_flattened_notice_without_doc_number():
    (notice,) = parse_gazette(FLATTENED)
    assert notice.doc_no == ""
    assert notice.title == "某市人民政府关于支持企业发展的若干措施"
    assert notice.date == "2020-02-04" and notice.issuer == "某市人民政府"
    numbered = items(notice)
    assert sorted(numbered) == [1, 2, 3]
    assert numbered[1].path == ("一、", "1.") and numbered[1].title == "完善信贷服务"
    assert numbered[1].responsible_units == ("市财政局", "人行某市中心支行")
    assert numbered[2].lead_units == ("市金融局",)
    assert numbered[3].responsible_units == ("市人社局", "市财政局")
    assert numbered[3].text == "对不裁员企业返还失业保险费。"


def test_wrapped_title_and_first_is_lead_below():
    text = (
        "国务院关于促进某某区\n高水平发展的若干意见\n国发〔2019〕3号\n各省人民政府，各部委：\n为此提出以下意见：\n"
        "一、主要任务\n1.拓展市场。推广试点。（税务总局、财政部负责，排在第一位的部门为牵头部门，下同）\n"
        "2.释放产能。允许委托加工。（海关总署、商务部负责）\n国务院\n2019年1月12日\n"
    )
    (notice,) = parse_gazette(text)
    assert notice.title == "国务院关于促进某某区高水平发展的若干意见"
    assert notice.doc_no == "国发〔2019〕3号" and notice.issuer == "国务院"
    assert items(notice)[2].lead_units == ("海关总署",)


@pytest.mark.parametrize("name", ["ncp_suining_2020.txt", "ncp_xiangtan_2020.txt", "gov_guofa_2019_3.txt"])
def test_foreign_notices_parse_into_clauses_with_units(name):
    path = ROOT / "tests/data/foreign/foreign-notices" / name  # a copy of shared/data, so CI has it
    (notice,) = parse_gazette(path.read_text(encoding="utf-8"))
    with_units = [c for c in notice.clauses if c.units]
    assert notice.title and len(with_units) >= 10


def test_text_after_an_annotation_stays_clause_text():
    text = ("某市人民政府关于某事的通知\n某政发〔2023〕1号\n各区人民政府：\n一、任务\n"
            "1.做好招聘。组织上岗。（责任单位：市教育局）\n该项工作于2023年底前完成。\n")
    clause = items(parse_gazette(text)[0])[1]
    assert clause.responsible_units == ("市教育局",)
    assert clause.text == "组织上岗。\n该项工作于2023年底前完成。"


def test_three_line_title_and_doc_number_in_parentheses():
    text = ("上一件通知的最后一句。\n黄石市人民政府\n关于印发某某市促进\n残疾人就业实施办法（试行）的通知\n"
            "黄政办发（2023）5号\n各区人民政府：\n一、任务\n1.做好。（责任单位：市甲局）\n黄石市人民政府\n2023年3月1日\n")
    (notice,) = parse_gazette(text)
    assert notice.doc_no == "黄政办发（2023）5号"
    assert notice.title == "黄石市人民政府关于印发某某市促进残疾人就业实施办法（试行）的通知"


def test_a_notice_of_paragraphs_reads_its_annotations():
    text = "某市人民政府关于某事的通知\n某政发〔2023〕2号\n各区人民政府：\n请做好供水保障。（责任单位：市水务局）\n"
    (clause,) = parse_gazette(text)[0].clauses
    assert clause.responsible_units == ("市水务局",) and clause.text == "请做好供水保障。"


def test_table_rows_ending_in_numbers_are_not_taken_for_contents_lines():
    text = ("某市人民政府关于某事的通知\n某政发〔2023〕3号\n各区人民政府：\n一、任务\n"
            "1.建公厕。（责任单位：市城管局）\n某市人民政府\n2023年3月1日\n附件\n公厕建设表\n序号\t项目\t单位\t座数\n1\t新建公厕\t市城管局\t12\n")
    table = next(c for c in parse_gazette(text)[0].clauses if c.path == ("附件",))
    assert "1 新建公厕 市城管局 12" in table.text


def test_a_notice_without_doc_number_inside_a_gazette():
    text = ("某市人民政府关于甲事的通知\n某政发〔2023〕1号\n各区人民政府：\n一、任务\n"
            "1.做好甲事。（责任单位：市甲局）\n某市人民政府\n2023年3月1日\n某市人民政府办公室关于乙事的通知\n各区人民政府：\n"
            "一、任务\n1.做好乙事。（责任单位：市乙局）\n某市人民政府办公室\n2023年3月2日\n")
    first, second = parse_gazette(text)
    assert first.doc_no == "某政发〔2023〕1号" and items(first)[1].responsible_units == ("市甲局",)
    assert second.doc_no == "" and second.title == "某市人民政府办公室关于乙事的通知"
    assert items(second)[1].responsible_units == ("市乙局",) and second.date == "2023-03-02"


def test_regulations_numbered_by_chapter_and_article():
    text = "\n".join([
        "某市人民政府关于印发某市养犬管理办法的通知", "某政规〔2023〕1号", "各区人民政府：",
        "现将《某市养犬管理办法》印发给你们。", "某市人民政府", "2023年5月1日", "某市养犬管理办法",
        "第一章 总则", "第一条 为了规范养犬行为，制定本办法。", "第二条 公安机关负责养犬登记。（责任单位：市公安局）",
        "第二章 管理", "第三条 养犬人应当遵守下列规定：", "（一）携犬出户时束犬链；", "（二）及时清除犬只粪便。",
    ])
    (notice,) = parse_gazette(text)
    by_path = {c.path: c for c in notice.clauses}
    assert ("第一章", "第一条") in by_path and by_path[("第一章", "第二条")].responsible_units == ("市公安局",)
    third = by_path[("第二章", "第三条")]
    assert third.section == "管理" and "及时清除犬只粪便" in third.text


def test_every_annotation_style_in_one_notice():
    (notice,) = parse_gazette((SAMPLES / "annotation-styles.txt").read_text(encoding="utf-8"))
    by = {(c.path, c.title): c for c in notice.clauses}
    first = by[(("一、", "1."), "返还失业保险费")]
    assert first.lead_units == ("市人社局",) and first.responsible_units == ("市财政局", "市税务局")
    assert by[(("一、", "2."), "发放稳岗补贴")].responsible_units == ("市财政局", "各区人民政府")
    # 1. restarts under 二、: a second item 1 with its own path
    youth = by[(("二、", "1."), "扩大高校毕业生招聘")]
    assert youth.lead_units == ("市国资委",) and youth.responsible_units == ("市教育局", "市人社局")
    assert by[(("二、", "2."), "帮扶残疾人就业")].lead_units == ("市残联",)
    # two unnumbered sentences in （三）, each with its own annotation, are two clauses
    section = [c for c in notice.clauses if c.path == ("二、", "（三）")]
    assert [c.lead_units for c in section] == [("市民政局",), ()]
    assert section[0].responsible_units == ("有关部门",) and section[1].responsible_units == ("市民政局", "市财政局")
    assert "临时救助" in section[1].text and "临时救助" not in section[0].text
    mechanism = by[(("三、", "11."), "健全工作机制")]
    assert mechanism.number == "11" and mechanism.leaders == ("张三",) and mechanism.lead_units == ("市人社局",)
    assert mechanism.responsible_units == ("市发改委", "市财政局", "市统计局", "相关乡镇办")
    review = by[(("三、", "12."), "加强督查考核")]
    assert review.lead_units == ("市政府督查室",) and review.responsible_units == ("各区人民政府",)
    assert review.text == "将就业工作纳入年度考核。"


def units_by_path(text: str) -> dict:
    (notice,) = parse_gazette(text)
    return {c.path: (c.number, c.lead_units, c.responsible_units) for c in notice.clauses if c.kind != "paragraph"}


def test_tasks_numbered_to_twenty_one_with_no_lower_level_and_the_same_on_one_line():
    text = (SAMPLES / "tasks-without-lower-level.txt").read_text(encoding="utf-8")
    found = units_by_path(text)
    assert len(found) == 21 and found[("二十一、",)] == ("二十一", ("市医保局",), ("各区人民政府",))
    assert found[("十、",)][1] == ("市自然资源局",)
    assert units_by_path(" ".join(text.split("\n"))) == found  # OCR'd to one line without breaks


def test_half_width_punctuation_and_lists_numbered_1_and_circled():
    text = (SAMPLES / "half-width-numbering.txt").read_text(encoding="utf-8")
    (notice,) = parse_gazette(text)
    by_path = {c.path: c for c in notice.clauses}
    first = by_path[("一、", "（一）")]
    assert first.title == "落实防汛责任制"  # 「落实防汛责任制.各街道…」: the half-width stop ends the heading
    assert first.lead_units == ("区应急局",) and first.responsible_units == ("区水利局", "区住建局")
    checks = by_path[("一、", "（二）")]  # (1)…(3) and the annotation after them: one clause, the list's units
    assert "（3）在建工程的基坑和围挡" in checks.text and checks.responsible_units == ("区水利局", "区住建局")
    supplies = by_path[("二、", "（一）")]
    assert "②救生衣不少于500件" in supplies.text and supplies.responsible_units == ("区应急局",)
    assert units_by_path(" ".join(text.split("\n"))) == units_by_path(text)


def test_labels_in_brackets_read_like_labels_with_a_colon():
    text = ("某市人民政府关于某事的通知\n某政发〔2024〕5号\n各区人民政府：\n一、任务\n"
            "1.建设充电桩。新建充电桩500个。【牵头单位】市发改委【责任单位】市住建局、各区人民政府【完成时限】2024年底\n")
    (clause,) = [c for c in parse_gazette(text)[0].clauses if c.number == "1"]
    assert clause.lead_units == ("市发改委",) and clause.responsible_units == ("市住建局", "各区人民政府")
    assert clause.deadline == "2024年底" and clause.text == "新建充电桩500个。"


@pytest.mark.parametrize("first_lines, title", [
    ("某部办公厅关于做好某事的通知某部办公厅关于做好某事的通知", "某部办公厅关于做好某事的通知"),  # printed twice
    ("某局关于做好某事的通知 【发文单位】 某局 【发布文号】", "某局关于做好某事的通知"),
    ("市人民政府办公厅关于做好某事的通知某市人民政府办公厅文件", "市人民政府办公厅关于做好某事的通知"),
])
def test_a_title_ends_where_its_kind_of_document_is_named(first_lines, title):
    text = f"{first_lines}\n某政办发〔2024〕3号\n各区人民政府：\n一、任务\n1.做好某事。（责任单位：市某局）\n"
    assert parse_gazette(text)[0].title == title


def test_a_decree_cited_in_the_text_is_not_the_notices_number():
    text = ("某省民政厅关于做好捐赠款物管理的通知\n各市民政局：\n"
            "根据《基金会管理条例》（国务院令第400号）规定，通知如下。\n一、规范接收\n1.做好登记。（责任单位：各市民政局）\n")
    assert parse_gazette(text)[0].doc_no == ""
