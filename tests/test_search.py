"""Ranking details on small knowledge bases built in memory from notices of our own."""

from dataclasses import replace

import numpy as np
import pytest

from knowledge.lexicon import load_lexicon
from knowledge.parse import parse_gazette
from knowledge.search import Index, best_of, notice_places

TEMPLATE = (
    "{city}人民政府关于支持企业稳岗的通知\n{prefix}政发〔2020〕{n}号\n各区人民政府：\n"
    "一、减轻负担\n1.减免房租。对承租国有资产类经营用房的小微企业免收三个月房租。（责任单位：{city}国资委）\n"
    "2.返还失业保险费。对不裁员或少裁员的参保企业返还上年度失业保险费的50%。（责任单位：{city}人社局）\n"
    "{city}人民政府\n2020年2月{n}日\n"
)


@pytest.fixture(scope="module")
def two_cities():
    notices = parse_gazette(TEMPLATE.format(city="遂宁市", prefix="遂府", n=3)) + parse_gazette(
        TEMPLATE.format(city="三明市", prefix="明政", n=4)
    )
    return Index(notices, load_lexicon())


def test_places_of_a_notice():
    (notice,) = parse_gazette(TEMPLATE.format(city="北京市石景山区", prefix="石政", n=5))
    assert {"北京市", "北京", "石景山区", "石景山"} <= notice_places(notice)


def test_a_named_city_favours_its_notice(two_cities):
    for city, doc_no in (("遂宁", "遂府政发〔2020〕3号"), ("三明市", "明政政发〔2020〕4号")):
        _, hits = two_cities.search(f"{city}对不裁员的企业有什么优惠")
        assert hits[0].notice.doc_no == doc_no and hits[0].clause.title == "返还失业保险费"


def test_a_heading_outranks_a_passing_mention(two_cities):
    _, hits = two_cities.search("房租能减免吗")
    assert hits[0].clause.title == "减免房租"
    support = two_cities.support(two_cities.analyze("房租能减免吗"), hits[0])
    assert support.share == 1.0 and support.evidence > 0


def test_unknown_service_topic_weighs_against_an_answer(two_cities):
    query = two_cities.analyze("公积金能减免吗")
    _, hits = two_cities.search(query)
    assert two_cities.support(query, hits[0]).unknown_topic > 0


def test_generic_words_rank_but_are_not_evidence(two_cities):
    query = two_cities.analyze("企业")
    assert all(not c.evidence for c in query.concepts)


def test_hits_with_support_keep_every_other_field(two_cities):
    query, hits = two_cities.search("返还失业保险费要什么条件")
    for plain, weighed in zip(hits, two_cities.with_support(query, hits), strict=True):
        assert weighed == replace(plain, support=two_cities.support(query, plain))


def test_a_word_is_ranked_the_same_once_its_frequencies_are_kept(two_cities):
    two_cities._frequency_cache.clear()
    fresh = two_cities.search("企业失业保险费")[1]
    assert "企业" in two_cities._frequency_cache and "缴费基数" not in two_cities._frequency_cache
    assert two_cities.search("企业失业保险费")[1] == fresh
    two_cities.search("企业缴费基数")
    assert "缴费基数" not in two_cities._frequency_cache  # no clause holds it: nothing to keep


def test_the_best_candidates_keep_the_earliest_of_those_tied_with_the_last_place():
    scores = np.array([0.0, 3.0, 1.0, 2.0, 1.0, 1.0, 5.0])
    candidates = np.flatnonzero(scores)
    assert best_of(scores, candidates, 4).tolist() == [1, 2, 3, 6]  # 2 of the three tied at 1.0: the first
    assert best_of(scores, candidates, 5).tolist() == [1, 2, 3, 4, 6]
    assert best_of(scores, candidates, 9).tolist() == candidates.tolist()


def test_an_everyday_phrase_typed_apart_does_not_start_inside_a_word(kb):
    # 「保税」 (bonded zone) may be typed with a character between (保…税), but in 「环境保护税」 its 保
    # belongs to 环境保护: that is an environmental tax, not a bonded zone.
    terms = kb.index.analyze("养殖场要不要交环境保护税").terms
    assert "综合保税区" not in terms
    assert "综合保税区" in kb.index.analyze("保了税的货").terms  # apart, between words, still found


def test_a_long_word_few_clauses_use_also_counts_by_its_parts(kb):
    # 双减政策 is one word of the survey form only; the clause on 双减 writes 双减.
    query, hits = kb.index.search("双减政策是啥", 3)
    assert "双减" in query.terms and hits[0].clause.title == "大力推进“双减”工作"
