"""Notices named by words of their titles, found through an index that grows with the titles."""

import json

from knowledge.catalog import TITLE_PIECE_MIN, Catalog
from knowledge.parse import parse_gazette

NOTICE = (
    "{title}\n{prefix}〔2023〕{n}号\n各区人民政府：\n一、任务\n1.做好{topic}。（责任单位：市{topic}局）\n"
    "某市人民政府\n2023年3月1日\n"
)
TITLES = (
    ("某市人民政府关于印发某市公共服务质量提升行动方案的通知", "某政发", 1, "服务"),
    ("某市人民政府关于印发某市公共服务标准化建设实施意见的通知", "某政发", 2, "标准"),
    ("某市人民政府办公室关于印发某市城市公共厕所建设管理办法的通知", "某政办发", 3, "厕所"),
)


def catalog() -> Catalog:
    return Catalog([n for t, p, k, topic in TITLES for n in parse_gazette(NOTICE.format(title=t, prefix=p, n=k,
                                                                                        topic=topic))])


def test_the_notice_sharing_the_longest_stretch_is_named():
    found, shared = catalog().by_title("公共服务标准化建设实施意见讲了什么")
    assert found.doc_no == "某政发〔2023〕2号" and shared == "公共服务标准化建设实施意见"


def test_equal_stretches_go_to_the_earlier_notice():
    found, shared = catalog().by_title("某市人民政府关于印发的文件")
    assert found.doc_no == "某政发〔2023〕1号" and shared == "某市人民政府关于印发"


def test_fewer_than_six_shared_characters_name_nothing():
    assert catalog().by_title("公共厕所在哪") == (None, "")


def test_the_index_holds_one_piece_per_title_character():
    c = catalog()
    characters = sum(len(form) for forms in c._titles for form in forms)
    assert sum(map(len, c._grams.values())) <= characters
    assert all(len(gram) == TITLE_PIECE_MIN for gram in c._grams)


def test_whose_each_notice_is_comes_back_from_what_the_build_stored():
    made = catalog()
    stored = Catalog(made.notices, stored=json.loads(json.dumps(made.parts())))
    assert {"notice_places", "notice_mentions"} <= set(vars(stored))  # read back, not worked out by a question
    assert stored.notice_places == made.notice_places and len(made.notice_places) == len(TITLES)
    assert stored.notice_mentions == made.notice_mentions


def test_a_notice_named_loosely_is_found_through_the_pieces_of_its_title():
    c = catalog()
    assert c.loosely_named("质量提升行动的方案里有什么").doc_no == "某政发〔2023〕1号"
    assert c.loosely_named("提升的方案里有什么") is None  # fewer than four of its characters in a row
    assert c.loosely_named("服务质量提升的意见") is None  # the pieces fit one title, the kind of document another
