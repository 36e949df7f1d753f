"""Close calls: two clauses about different things fit equally well, so the bot asks which is meant
(numbered lines in the console and WeChat, buttons on Telegram) and takes 「2」, 「第一个」 or a heading."""

from __future__ import annotations

import aiohttp
import pytest
import pytest_asyncio

from handlers import texts
from handlers.assistant import Assistant
from handlers.console import console_text
from handlers.wechat import PATH, start_wechat, stop_wechat
from knowledge import model
from knowledge.base import KnowledgeBase
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.wechat_platform import WeChatPlatform
from tests.test_telegram import ask as telegram_ask
from tests.test_telegram import buttons, press, running, shown
from tests.test_wechat import Client, make_settings

OTHER_ITEMS = ["延长图书馆开放时间。市图书馆周末开放至晚上九点。（牵头单位：市文化局）",
               "规范菜市场管理。菜市场每日清扫两次，摊位明码标价。（牵头单位：市商务局）",
               "增加公园绿地。每个街道建设一个口袋公园。（牵头单位：市园林局）",
               "整治停车秩序。新增公共停车位两千个。（牵头单位：市公安局）",
               "修复损坏路灯。路灯故障三日内修复。（牵头单位：市城管局）",
               "推进垃圾分类。小区设置分类投放点。（牵头单位：市城管局）"]
WINTER_NOTICE = """江城市人民政府办公室关于印发江城市冬季民生保障方案的通知
江政办发〔2023〕15号
各区人民政府，市政府各部门：
现将《江城市冬季民生保障方案》印发给你们，请认真贯彻执行。
一、学校
1.校舍取暖设施改造。冬季供暖期间，学校教室供暖温度不低于18度，供暖设施每年检修一次。（牵头单位：市教育局）
二、医院
2.病房冬季温度保障。冬季供暖期间，医院病房供暖温度不低于18度，供暖设施每年检修一次。（牵头单位：市卫健委）
三、其他
""" + "".join(f"{i}.{item}\n" for i, item in enumerate(OTHER_ITEMS, 3)) + "江城市人民政府办公室\n2023年3月1日\n"
QUESTION = "供暖温度不低于多少度"
SCHOOL, HOSPITAL = "校舍取暖设施改造", "病房冬季温度保障"


@pytest.fixture
def winter_kb(tmp_path):
    folder = tmp_path / "winter"
    folder.mkdir()
    (folder / "winter.txt").write_text(WINTER_NOTICE, encoding="utf-8")
    return KnowledgeBase(tmp_path / "winter.db", folder)


def test_equally_good_clauses_about_different_things_are_a_question_back(winter_kb):
    answer = winter_kb.ask(QUESTION)
    assert (answer.answered, answer.reason) == (False, model.CLARIFY)
    assert [h.clause.title for h in answer.choices] == [SCHOOL, HOSPITAL]


def test_a_clear_question_is_answered_without_asking(winter_kb):
    answer = winter_kb.ask("供暖设施检修")
    assert answer.answered and answer.hits[0].clause.title == SCHOOL


@pytest.mark.parametrize("pick, heading", [("2", HOSPITAL), ("第一个", SCHOOL), ("第二条", HOSPITAL),
                                           ("病房冬季温度保障", HOSPITAL), ("校舍取暖", SCHOOL)])
def test_the_console_numbers_the_choices_and_takes_the_pick(winter_kb, pick, heading):
    assistant = Assistant(winter_kb)
    asked = console_text(assistant.reply("console", "u", QUESTION))
    assert f"1. {SCHOOL}" in asked and f"2. {HOSPITAL}" in asked and "回复 1 或 2" in asked
    picked = console_text(assistant.reply("console", "u", pick))
    assert picked.startswith(f"【{heading}】")
    assert console_text(assistant.reply("console", "u", "全文")).startswith(f"【{heading}】")


def test_a_new_question_instead_of_a_pick_is_answered(winter_kb):
    assistant = Assistant(winter_kb)
    assistant.reply("console", "u", QUESTION)
    assert console_text(assistant.reply("console", "u", "夜间图书馆开放")).startswith("【延长图书馆开放时间】")
    assert not console_text(assistant.reply("console", "u", "1")).startswith(f"【{SCHOOL}】")  # nothing pending


async def test_wechat_asks_with_numbered_lines_and_takes_the_reply(winter_kb):
    platform = WeChatPlatform("test-token", WeChatPlatform.random_aes_key())
    settings = make_settings(WECHAT_TOKEN="test-token", WECHAT_AES_KEY=platform.aes_key,
                             WECHAT_APP_ID=platform.app_id)
    runner = await start_wechat(settings, Assistant(winter_kb))
    host, port = runner.addresses[0][:2]
    try:
        async with aiohttp.ClientSession() as session:
            wechat = Client(session, f"http://{host}:{port}{PATH}", platform, encrypted=True)
            asked = await wechat.ask(QUESTION)
            picked = await wechat.ask("第二个")
    finally:
        await stop_wechat(runner)
    assert asked.startswith(texts.CHOOSE) and f"2. {HOSPITAL}" in asked and "回复 1 或 2" in asked
    assert picked.startswith(f"【{HOSPITAL}】") and "市卫健委" in picked


@pytest_asyncio.fixture
async def api(monkeypatch):
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    async with FakeBotApi(check_text=True) as fake:
        yield fake


async def test_telegram_offers_buttons_and_a_press_sends_the_clause(api, winter_kb):
    async with running(api, Assistant(winter_kb)):
        (asked,) = await telegram_ask(api, QUESTION)
        sent = len(api.calls("sendMessage"))
        await press(api, "pick2", asked.result["message_id"])
        answer = (await api.wait_for("sendMessage", sent + 1))[-1]
    assert [row[0][1] for row in buttons(asked)] == ["pick1", "pick2"]
    assert buttons(asked)[1][0][0] == f"2. {HOSPITAL}"
    assert shown(answer).startswith(HOSPITAL) and "市卫健委" in shown(answer)


VILLAGE_NOTICE = """江城市人民政府办公室关于印发江城市乡村振兴行动方案的通知
江政办发〔2023〕16号
一、文化
1.建设农家书屋。每个行政村建设一个农家书屋，配备图书不少于1500册，定期更新出版物，开展阅读推广活动，方便群众就近借阅。（牵头单位：市文化局）
二、就业
2.农村劳动力就业帮扶。组织农村劳动力参加技能培训，推荐农村劳动力到乡村企业和农村合作社就业，开发农村公益性岗位。（牵头单位：市人社局）
三、其他
""" + "".join(f"{i}.{item}\n" for i, item in enumerate(OTHER_ITEMS, 3)) + "江城市人民政府办公室\n2023年3月2日\n"


def test_a_clause_holding_less_of_the_question_is_no_rival(tmp_path):
    # The jobs clause says 农村 again and again and scores as high; but 村里 is where the person lives,
    # 农家书屋 is what they ask about: the clause that has it is the answer, not one of two choices.
    folder = tmp_path / "village"
    folder.mkdir()
    (folder / "village.txt").write_text(VILLAGE_NOTICE, encoding="utf-8")
    answer = KnowledgeBase(tmp_path / "village.db", folder).ask("我们村里想搞个农家书屋，有没有这个说法")
    assert answer.answered and answer.hits[0].clause.title == "建设农家书屋"
