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
