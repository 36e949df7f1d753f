"""Random or noisy text never gets a clause, and real questions, even long dialect ones, are not noise."""

from __future__ import annotations

import random

from knowledge.noise import looks_like_noise


def random_han(rng: random.Random, length: int) -> str:
    return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(length))


def test_random_chinese_strings_are_all_declined(kb):
    rng = random.Random(15)
    answers = [kb.ask(random_han(rng, 500)) for _ in range(50)]
    assert [a for a in answers if a.answered] == []
    assert all(a.reason == "no_match" for a in answers)


def test_noise_drawn_from_the_notices_own_characters_is_declined(kb, gazette):
    """The harder case: random characters taken from the notices themselves, so common words occur."""
    pool = [ch for notice in gazette.values() for clause in notice.clauses for ch in clause.text
            if "\u4e00" <= ch <= "\u9fff"]
    rng = random.Random(15)
    answers = [kb.ask("".join(rng.choice(pool) for _ in range(500))) for _ in range(50)]
    assert [a for a in answers if a.answered] == []


def test_real_questions_are_not_noise(kb):
    words = kb.index.tokenizer.content_words
    for question in (
        "我们村几个老姊妹想组个唱戏的班子 政府有冇得人来教",
        "有个人打电话说我卡被冻结了叫我把钱转到安全账户 是不是骗子 找哪个",
        "我们几个残友会剪纸、做糖画这些老手艺，想找个地方集中搞创作、一起卖，有没有支持",
        "失业金怎么领",
        "58号 第27条",
    ):
        assert not looks_like_noise(question, words), question
    for notice_text in ("推进城区公共厕所提档升级，新建和改造公共厕所，推行“厕所长”制度，"
                        "加强日常保洁管理，提升市民如厕体验。"):
        assert not looks_like_noise(notice_text * 4, words)
