"""Unit annotations in every style the notices use."""

import pytest

from knowledge.units import find_annotation, split_units


@pytest.mark.parametrize(
    "text, lead, responsible",
    [
        ("做好。〔牵头单位：市人社局；责任单位：各县（市、区）人民政府〕", ["市人社局"], ["各县（市、区）人民政府"]),
        ("做好。（责任单位：市住建局、市交通运输局）", [], ["市住建局", "市交通运输局"]),
        ("做好。[责任部门：市残联、市人社局]", [], ["市残联", "市人社局"]),
        ("做好。(责任单位:市财政局,各区政府)", [], ["市财政局", "各区政府"]),
        ("做好。【牵头部门：市公安局】", ["市公安局"], []),
        ("做好。（责任单位：市发改委，各县（市、区）人民政府〕", [], ["市发改委", "各县（市、区）人民政府"]),
        ("做好。〔责任单位：市经信局、市财政局；列首位的为牵头单位〕", ["市经信局"], ["市财政局"]),
        ("做好。（税务总局、财政部负责，排在第一位的部门为牵头部门）", ["税务总局"], ["财政部"]),
        ("做好。（海关总署、商务部负责）", [], ["海关总署", "商务部"]),
        ("做好。 责任单位:市金融监管局、人行，各银行机构", [], ["市金融监管局", "人行", "各银行机构"]),
        ("做好。（责任单位：区国资委、区财政局", [], ["区国资委", "区财政局"]),  # cut short by flattening
        ("做好。（省工业和信息化厅牵头，省发展改革委等部门配合）", ["省工业和信息化厅"], ["省发展改革委"]),
        ("做好。（市场监管总局牵头，人民银行、税务总局等国务院相关部门及各地区按职责分工负责）",
         ["市场监管总局"], ["人民银行", "税务总局", "国务院相关部门", "各地区"]),
        ("做好。(省残联牵头负责)", ["省残联"], []),
        ("做好。（市人社局、市财政局牵头，市税务局、市医保局等按照职责分工负责）",
         ["市人社局", "市财政局"], ["市税务局", "市医保局"]),
        ("做好。（牵头单位：市商务局，配合单位：市财政局、市税务局，各区、县级市）",
         ["市商务局"], ["市财政局", "市税务局", "各区", "县级市"]),
        ("做好。(责任单位:省应急厅牵头，省水利厅、省自然资源厅等部门分工负责)",
         ["省应急厅"], ["省水利厅", "省自然资源厅"]),
        ("做好。（市民政局会同有关部门负责）", ["市民政局"], ["有关部门"]),
        ("做好。（银保监会及各地区按职责分工负责）", [], ["银保监会", "各地区"]),
        ("做好。（各县（市、区）人民政府、市民政局负责，排在第一位的为牵头单位）",
         ["市民政局"], ["各县（市、区）人民政府"]),
        ("做好。\n牵头单位:区商务局\n责任单位:各街道,区市场局", ["区商务局"], ["各街道", "区市场局"]),
    ],
)
def test_annotation_styles(text, lead, responsible):
    annotation = find_annotation(text)
    assert list(annotation.lead_units) == lead
    assert list(annotation.responsible_units) == responsible
    assert text[: annotation.start].rstrip() == "做好。"


def test_text_without_annotation_has_none():
    assert find_annotation("加强养老护理员管理，提升养老护理员能力（含培训）。") is None


def test_first_is_lead_carries_to_later_clauses_when_said_so():
    first = find_annotation("做好。〔责任单位：A局、B局；列首位的为牵头单位，下同。〕")
    assert first.first_is_lead_below
    later = find_annotation("做好。〔责任单位：C局、D局〕", first_is_lead=True)
    assert later.lead_units == ("C局",) and later.responsible_units == ("D局",)


def test_units_split_outside_parentheses_only():
    units = split_units("市住建局、各县（市、区）人民政府，市委组织部")
    assert units == ["市住建局", "各县（市、区）人民政府", "市委组织部"]


def test_a_leader_is_a_person_kept_apart_from_units():
    text = "做好。(责任领导:张三、李四;牵头单位:区发改局;责任单位:区财政局、区商务局,区税务局,相关乡镇办)"
    annotation = find_annotation(text)
    assert annotation.leaders == ("张三", "李四")
    assert annotation.lead_units == ("区发改局",)
    assert annotation.responsible_units == ("区财政局", "区商务局", "区税务局", "相关乡镇办")


def test_first_listed_leads_when_said_after_a_full_stop_and_below():
    first = find_annotation("做好。（市教育局、市人社局负责。列第一位者为牵头单位，下同）")
    assert first.lead_units == ("市教育局",) and first.first_is_lead_below
    later = find_annotation("做好。（市卫健委、市医保局负责）", first_is_lead=True)
    assert later.lead_units == ("市卫健委",) and later.responsible_units == ("市医保局",)


def test_labels_on_lines_of_their_own_end_before_the_next_sentence():
    text = "做好。\n牵头单位：区发改局\n责任单位：区财政局\n该项工作年底前完成。"
    annotation = find_annotation(text)
    assert text[annotation.end:].strip() == "该项工作年底前完成。"


def test_every_city_and_county_government_is_one_unit():
    units = split_units("省工信厅、财政厅，各市、县（区）人民政府，平潭综合实验区管委会")
    assert units == ["省工信厅", "财政厅", "各市、县（区）人民政府", "平潭综合实验区管委会"]
    assert split_units("市财政局、各区、县级市") == ["市财政局", "各区", "县级市"]


def test_a_unit_marked_lead_in_the_list_and_a_deadline_in_the_annotation():
    marked = find_annotation("做好。（责任单位：市发改委（牵头）、市财政局、各区人民政府）")
    assert marked.lead_units == ("市发改委",) and marked.responsible_units == ("市财政局", "各区人民政府")
    timed = find_annotation("做好。（牵头单位：市住建局；责任单位：各区人民政府；完成时限：2024年12月底前）")
    assert timed.lead_units == ("市住建局",) and timed.deadline == "2024年12月底前"
    other = find_annotation("做好。（主要责任单位：市商务局；配合单位：市财政局）")
    assert other.responsible_units == ("市商务局", "市财政局")


def test_a_deadline_line_under_a_task_is_the_clauses_deadline():
    from knowledge.parse import parse_gazette

    text = ("某区人民政府关于某事的通知\n某政发〔2024〕8号\n各街道：\n一、任务\n1.建成口袋公园10个。\n"
            "牵头单位：区住建局\n完成时限：2024年6月底\n")
    (clause,) = [c for c in parse_gazette(text)[0].clauses if c.number == "1"]
    assert clause.lead_units == ("区住建局",) and clause.deadline == "2024年6月底"
    assert clause.text == "建成口袋公园10个。" or clause.title == "建成口袋公园10个"
