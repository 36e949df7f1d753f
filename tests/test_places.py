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
