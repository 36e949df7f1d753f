"""Whose notice it is (place and level), and the region the bot serves (BOT_REGION)."""

import pytest

from knowledge.base import KnowledgeBase
from knowledge.places import CITY, DISTRICT, NATIONAL, PROVINCE, in_region, place_of, region_place


@pytest.mark.parametrize("issuer, title, doc_no, name, level, within", [
    ("黄石市人民政府办公室", "", "黄政办发〔2022〕58号", "黄石市", CITY, ("湖北省",)),
    ("武汉市蔡甸区人民政府办公室", "", "蔡政办〔2023〕1号", "武汉市蔡甸区", DISTRICT, ("武汉市", "湖北省")),
    ("北京市石景山区人民政府", "", "", "北京市石景山区", DISTRICT, ("北京市",)),
    ("北京市人民政府", "", "", "北京市", PROVINCE, ()),
    ("国务院办公厅", "", "国办发〔2020〕43号", "全国", NATIONAL, ()),
    ("人力资源社会保障部办公厅", "", "人社厅函〔2020〕24号", "全国", NATIONAL, ()),
    ("广东省人民政府", "", "粤府令第197号", "广东省", PROVINCE, ()),
    ("", "省发展和改革委员会关于…的通知", "黔发改服务〔2020〕111号", "贵州省", PROVINCE, ()),
    ("丰台市人民政府办公室", "", "", "丰台市", CITY, ()),  # a city no list knows, named as issuers are
    ("国家税务总局山西省税务局", "", "", "山西省", PROVINCE, ()),  # a national body's local office
    ("朝阳区住房公积金管理中心", "", "", "北京市朝阳区", DISTRICT, ("北京市",)),  # a capital's district alone
    ("", "关于做好春节期间安全生产工作的通知", "", "", "", ()),
])
def test_a_notice_knows_its_place_and_level(issuer, title, doc_no, name, level, within):
    place = place_of(issuer, title, doc_no)
    assert (place.name, place.level, place.within) == (name, level, within)


def test_a_region_takes_its_own_notices_those_above_and_its_districts():
    home = region_place("黄石")
    assert home.name == "黄石市"
    applies = {name: in_region(place_of(issuer), home) for name, issuer in [
        ("own", "黄石市人民政府"), ("province", "湖北省人民政府"), ("national", "国务院"),
        ("district", "黄石市下陆区人民政府"), ("neighbour", "宜昌市人民政府"), ("other province", "湖南省人民政府"),
        ("unknown", ""),
    ]}
    assert applies == {"own": True, "province": True, "national": True, "district": True,
                       "neighbour": False, "other province": False, "unknown": True}


def notice(city: str, prefix: str, number: int, hours: str) -> str:
    return f"""{city}人民政府办公室关于印发{city}便民服务提升方案的通知
{prefix}政办发〔2023〕{number}号
各区人民政府，市政府各部门：
现将方案印发给你们，请认真贯彻执行。
1.延长图书馆开放时间。{city}图书馆周末开放至晚上{hours}，增设自助借还书机。（牵头单位：市文化局）
2.增设公交夜班线路。开通四条夜班公交线路，覆盖主要居民区和火车站。（牵头单位：市交通局）
3.推广电子社保卡。居民凭电子社保卡可在全市医院挂号和缴费。（牵头单位：市人社局）
4.整治背街小巷。修补破损路面，清理积水和垃圾。（牵头单位：市城管局）
{city}人民政府办公室
2023年3月1日
"""


@pytest.fixture
def two_cities(tmp_path):
    folder = tmp_path / "notices"
    folder.mkdir()
    (folder / "a.txt").write_text(notice("黄石市", "黄", 3, "九点"), encoding="utf-8")
    (folder / "b.txt").write_text(notice("宜昌市", "宜府", 7, "十点"), encoding="utf-8")
    return folder


def test_a_question_naming_no_place_is_answered_from_the_home_region(tmp_path, two_cities):
    kb = KnowledgeBase(tmp_path / "k.db", two_cities, region="宜昌市")
    answer = kb.ask("图书馆周末开放到几点")
    assert answer.answered
    assert {h.notice.doc_no for h in answer.hits} == {"宜府政办发〔2023〕7号"}


def test_a_question_naming_a_place_is_answered_from_that_place(tmp_path, two_cities):
    kb = KnowledgeBase(tmp_path / "k.db", two_cities, region="宜昌市")
    answer = kb.ask("黄石市图书馆周末开放到几点")
    assert answer.answered
    assert answer.hits[0].notice.doc_no == "黄政办发〔2023〕3号"
    assert all(h.notice.doc_no == "黄政办发〔2023〕3号" for h in answer.hits)


def test_without_a_region_every_notice_may_answer(tmp_path, two_cities):
    kb = KnowledgeBase(tmp_path / "k.db", two_cities)
    found = {h.notice.doc_no for h in kb.ask("图书馆周末开放到几点").hits}
    assert found == {"黄政办发〔2023〕3号", "宜府政办发〔2023〕7号"}


NEWS_ITEM = "上海各交通枢纽客流平稳\n记者昨天探访了上海的机场、火车站和地铁，客流平稳，防控措施到位。\n"
PROVINCE_PLAN = notice("湖北省", "鄂", 9, "八点").replace("湖北省人民政府办公室关于印发湖北省便民服务提升方案", (
    "湖北省人民政府办公室关于印发湖北省营商环境优化方案"))


def test_a_place_no_notice_is_from_is_answered_only_from_the_notices_naming_it(tmp_path, two_cities):
    # 上海 is named by a news item only: 「上海的…」 is not answered from 黄石's or 宜昌's notices, and 上海
    # itself is the scope of the question, not its topic.
    (two_cities / "news.txt").write_text(NEWS_ITEM, encoding="utf-8")
    kb = KnowledgeBase(tmp_path / "k.db", two_cities, region="黄石市")
    assert not kb.ask("上海的图书馆周末开放到几点").answered
    assert not kb.ask("上海是怎么安排的").answered


def test_a_province_named_is_asked_about_its_own_notices(tmp_path, two_cities):
    (two_cities / "province.txt").write_text(PROVINCE_PLAN, encoding="utf-8")
    kb = KnowledgeBase(tmp_path / "k.db", two_cities, region="黄石市")
    answer = kb.ask("湖北省的方案里图书馆周末开放到几点")  # 黄石市's plan is not the province's
    assert all(h.notice.doc_no.startswith("鄂") for h in answer.hits)


def test_a_title_of_another_places_notice_is_no_match_for_a_named_place(tmp_path, two_cities):
    kb = KnowledgeBase(tmp_path / "k.db", two_cities, region="黄石市")
    answer = kb.ask("宜昌市便民服务提升方案里图书馆开到几点")
    assert answer.answered and answer.hits[0].notice.doc_no == "宜府政办发〔2023〕7号"
    (two_cities / "b.txt").unlink()
    (two_cities / "news.txt").write_text(NEWS_ITEM.replace("上海", "宜昌"), encoding="utf-8")
    kb = KnowledgeBase(tmp_path / "k2.db", two_cities, region="黄石市")
    assert not kb.ask("宜昌市便民服务提升方案里图书馆开到几点").answered  # 黄石's plan of that title is not it
