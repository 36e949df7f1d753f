"""The answering engine on the bundled gazette: clauses, units, notices, and honest abstention."""

import pytest

from knowledge.answer import answer
from knowledge.base import KnowledgeBase


def top(kb, question):
    result = kb.ask(question)
    assert result.answered, question
    return result.hits[0]


def test_everyday_words_find_the_official_clause(kb):
    hit = top(kb, "失业金怎么领")
    assert hit.clause.title == "优化失业保险金发放领取程序"
    assert hit.notice.doc_no == "黄政办发〔2022〕58号"
    assert "失业保险金" in hit.matched_terms


def test_a_complaint_finds_the_clause_and_its_units(kb):
    hit = top(kb, "楼下广场舞太吵了")
    assert hit.clause.title == "着力解决噪声污染问题"
    assert "市生态环境局" in hit.clause.lead_units


def test_traditional_characters_and_typos(kb):
    assert top(kb, "請問失業保險金怎麼申請").clause.title == "优化失业保险金发放领取程序"
    assert top(kb, "反炸APP必须装吗").clause.title == "加大对电诈行为反制和打击力度"  # 炸 typed for 诈
    assert top(kb, "yi地就医咋报销").clause.title == "提高异地就医报销便捷性"  # pinyin typed for 异


@pytest.mark.parametrize("question", ["", "   ", "请问", "你好呀，怎么办呢", "😀🎉👍", "？？？！！", "<b></b>"])
def test_filler_emoji_and_empty_questions_are_not_answered(kb, question):
    result = kb.ask(question)
    assert not result.answered and result.kind == "none"


@pytest.mark.parametrize("question", ["公积金怎么提取", "驾照到期了去哪换证", "护照要办多久", "电动车上牌在哪里办"])
def test_off_topic_questions_are_not_answered(kb, question):
    result = kb.ask(question)
    assert not result.answered
    assert result.topics  # the reply offers what the notices do cover


def test_generic_words_alone_are_not_evidence(kb):
    assert not kb.ask("提升服务工作").answered


def test_who_is_responsible(kb):
    result = kb.ask("自来水水质有问题找谁")
    assert result.asks_who and result.hits[0].clause.title == "保障自来水水质安全"
    assert result.hits[0].clause.lead_units == ("市城管委", "市生态环境局")


def test_a_units_duties(kb):
    result = kb.ask("市人社局负责哪些事")
    assert result.kind == "units" and result.unit == "市人社局"
    titles = [h.clause.title for h in result.hits]
    assert "优化失业保险金发放领取程序" in titles
    led = [h for h in result.hits if "市人社局" in h.clause.lead_units]
    assert result.hits[: len(led)] == tuple(led)  # clauses it leads come first


@pytest.mark.parametrize(
    "question", ["58号文", "黄政办发〔2022〕58号", "黄政办发[2022]58号是什么", "公共服务质量提升行动方案讲了什么"]
)
def test_a_notice_by_doc_number_or_title(kb, question):
    result = kb.ask(question)
    assert result.kind == "notice" and result.notice.doc_no == "黄政办发〔2022〕58号"


def test_a_question_inside_a_named_notice(kb):
    result = kb.ask("58号文里失业保险金怎么说")
    assert result.kind == "clause" and result.hits[0].clause.title == "优化失业保险金发放领取程序"
    assert result.notice.doc_no == "黄政办发〔2022〕58号"


@pytest.mark.parametrize(
    "question",
    ['"失业金" AND 怎么领', "失业金 OR 噪声 NOT 厕所", "NEAR(失业 金)", "失业*", "title:失业金",
     "失业金'; DROP TABLE clauses;--", "(((", "\\", "%_%", "失业金" + "*" * 500],
)
def test_query_syntax_never_breaks_the_search(kb, question):
    result = answer(question, kb.index)
    assert result.kind in ("clause", "none", "units", "notice")


def test_a_huge_message_is_answered_from_its_start(kb):
    result = kb.ask("失业金怎么领" + "啊" * 5000)
    assert result.answered and result.hits[0].clause.title == "优化失业保险金发放领取程序"


@pytest.mark.parametrize("question, heading", [
    ("58号 第13条", "优化失业保险金发放领取程序"),
    ("58号文第十三项", "优化失业保险金发放领取程序"),
    ("黄政办发〔2022〕58号 13", "优化失业保险金发放领取程序"),
    ("公共服务方案 第13条", "优化失业保险金发放领取程序"),
    ("57号 工作考核", "加强工作考核"),
    ("57号 第4项", "生态环境质量提升行动"),  # item 4., not the target （四） printed above the items
    ("黄政办发58号 13", "优化失业保险金发放领取程序"),  # the 文号 without its year
    ("58号 13条谁牵头", "优化失业保险金发放领取程序"),  # 13条 without 第
])
def test_hotline_shorthand_finds_the_numbered_clause(kb, question, heading):
    result = kb.ask(question)
    assert result.answered and result.reason == "answered"
    assert result.hits[0].clause.title == heading


def test_an_item_the_notice_does_not_have_is_said_so(kb):
    result = kb.ask("58号 第99条")
    assert not result.answered and result.reason == "no_such_item" and result.notice.doc_no == "黄政办发〔2022〕58号"


@pytest.mark.parametrize("question", [
    "黄政办发〔2022〕63号文件主要讲的是什么？", "黄政发〔2021〕22号聘请了哪些同志？", "63号文讲了什么",
    "黄政办发63号讲了什么", "国办发43号",
])
def test_a_notice_that_is_not_loaded_is_never_another_one(kb, question):
    result = kb.ask(question)
    assert not result.answered and result.reason == "no_such_notice" and not result.hits
    assert len(result.notices) == 5  # the reply lists what is loaded


@pytest.mark.parametrize("question", [
    "宜昌市今年要新建改建多少座公厕？", "湖北省公共服务质量提升行动方案对供电可靠性提了什么指标？",
    "上海的居家适老化改造每户补贴多少钱？",
])
def test_a_place_whose_notices_are_not_loaded_is_not_answered_from_ours(kb, question):
    result = kb.ask(question)
    assert not result.answered and result.reason == "other_place" and result.place


@pytest.mark.parametrize("question", ["我在武汉住院，回黄石能报销吗", "黄石市今年要新建改建多少座公厕"])
def test_where_someone_is_or_our_own_city_is_no_other_place(kb, question):
    assert kb.ask(question).answered


def test_a_notice_named_loosely_is_searched_first(kb):
    answer = kb.ask("菜市场又脏又乱，质量提升的计划里有没有说要收拾一下")  # 57号, not 58号 public places
    assert answer.answered
    assert answer.hits[0].notice.doc_no == "黄政办发〔2022〕57号"
    assert answer.hits[0].clause.title == "服务质量提升行动"


JOBS_PLAN = """江城市人民政府办公室关于印发江城市稳就业工作方案的通知
江政办发〔2023〕30号
一、重点任务
1.组织毕业生招聘会。每季度为毕业生举办招聘会，发布岗位信息，同时做好就业政策宣传，提供职业指导、技能培训和创业孵化服务，帮助中小企业稳定用工。（牵头单位：市人社局）
江城市人民政府办公室
2023年4月1日
"""

DISABLED_JOBS_PLAN = """江城市人民政府办公室关于印发江城市促进残疾人就业行动方案的通知
江政办发〔2023〕31号
一、重点任务
1.举办残疾人毕业生招聘会。面向残疾人高校毕业生组织招聘会，每年举办两次毕业生招聘会，毕业生离校后提供就业服务，为毕业生推荐岗位，毕业生就业创业给予补贴。（牵头单位：市残联）
江城市人民政府办公室
2023年4月2日
"""


@pytest.fixture
def jobs_kb(tmp_path):
    notices = tmp_path / "notices"
    notices.mkdir()
    (notices / "jobs.txt").write_text(JOBS_PLAN, encoding="utf-8")
    (notices / "disabled-jobs.txt").write_text(DISABLED_JOBS_PLAN, encoding="utf-8")
    return KnowledgeBase(tmp_path / "jobs.db", notices)


def test_a_notice_for_one_group_of_people_answers_only_questions_about_them(jobs_kb):
    # The disability plan repeats 毕业生 more often; a graduate who names no disability still means the
    # general fair, and one who does means the other.
    assert top(jobs_kb, "我今年毕业，有没有给毕业生办的招聘会").notice.doc_no == "江政办发〔2023〕30号"
    assert top(jobs_kb, "坐轮椅的毕业生有没有招聘会").notice.doc_no == "江政办发〔2023〕31号"


@pytest.mark.parametrize("question", ["去政务中心办2号窗口在哪", "60号 3个工作日内要公开吗"])
def test_numbers_that_are_no_reference_are_left_alone(kb, question):
    # 「中心办2号」 names no issuing body's 文号; 「3个工作日」 is no item number
    assert kb.ask(question).reason not in ("no_such_notice", "no_such_item")


def test_a_part_of_a_notice_by_its_number(kb):
    result = kb.ask("59号 第二部分")
    assert result.answered and [h.clause.path[0] for h in result.hits] == ["二、"] * len(result.hits)
    assert [h.clause.title for h in result.hits][:1] == ["规范解读内容"]  # 二、（一）, the first under 二、
    assert kb.ask("58号 第九部分").reason == "no_such_item"


def test_a_heading_written_out_names_its_clause(kb):
    # 强化监督考评 shares 监测/考核 words and scores higher; the question names the form by its heading.
    assert top(kb, "公共服务质量监测表 满意度怎么打分").clause.title == "公共服务质量监测表"
