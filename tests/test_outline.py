"""A notice's outline follows the notice: every heading and item, in its order and at its level."""

from __future__ import annotations

import re

from handlers.render import notice_outline, unit_listing
from knowledge.parse import parse_gazette
from tests.conftest import ROOT

GOLDEN = ROOT / "tests" / "golden" / "outline-60.txt"


def test_outline_of_60_equals_the_golden_outline(kb):
    assert notice_outline(kb.doc("60号").notice) == GOLDEN.read_text(encoding="utf-8").splitlines()


def test_golden_outline_lists_the_notices_markers_in_the_notices_order():
    """The golden file itself checked against the gazette: the markers printed at the start of the
    plan's lines (page breaks hide some headings mid-line, so those are checked by order only)."""
    outline = GOLDEN.read_text(encoding="utf-8").splitlines()[2:]
    markers = [re.match(r"\s*(\S+?[、）.])", line)[1] for line in outline if not line.startswith("附件")]
    items = [m for m in markers if m.endswith(".")]
    assert items == [f"{i}." for i in range(1, 23)]
    assert markers.index("（七）") == markers.index("10.") - 1  # （七） heads items 10–12, not 13–14
    for heading in ("（一）", "（四）", "（八）", "（十）"):
        assert heading in markers
    assert markers[:3] == ["一、", "二、", "（一）"] and markers[3] == "1."  # item 1 sits under 二、（一）
    assert [line for line in outline if not line.startswith(" ")] == ["一、主要目标", "二、主要任务", "三、保障措施"]


def test_outline_shows_each_level_under_the_one_above():
    text = ("某市人民政府关于某事的通知\n某政发〔2023〕9号\n各区人民政府：\n一、任务\n（一）就业\n"
            "1.组织招聘会，每月一次。（责任单位：市人社局）\n2.开展培训。提供补贴。（责任单位：市人社局）\n")
    (notice,) = parse_gazette(text)
    assert notice_outline(notice)[2:] == ["一、任务", "  （一）就业", "    1. 组织招聘会，每月一次", "    2. 开展培训"]


def test_unit_listing_numbers_items_that_share_a_heading(kb):
    lines = unit_listing(kb.unit("市人社局"))
    same = [line for line in lines if "积极开展残疾人大学生就业帮扶行动" in line]
    assert len(same) == 2 and same[0].split("—")[1] != same[1].split("—")[1]
    assert any(line.endswith("60号 二、（七）10") for line in same)


def test_a_plan_after_its_covering_notice_starts_its_outline_again():
    text = ("某区人民政府办公室关于印发某方案的通知\n某政办〔2024〕1号\n各街道：\n现将方案印发给你们，并通知如下：\n"
            "一、各单位要高度重视，狠抓落实，按时报送进展情况。\n二、区督查室要加强督办，定期通报落实情况。\n"
            "某区人民政府办公室\n2024年1月3日\n某方案\n一、主要目标\n（一）地区生产总值增长7%以上\n责任单位：区发改局\n")
    (notice,) = parse_gazette(text)
    outline = notice_outline(notice)[2:]
    assert outline[2:] == ["一、主要目标", "  （一）地区生产总值增长7%以上"]
