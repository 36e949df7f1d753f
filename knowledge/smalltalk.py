"""Small talk: greetings, thanks, 「你是谁」, goodbyes, 「转人工」 and insults, told apart from questions.

People open with 「你好」 and close with 「谢谢」; these get a friendly reply, never 「没有找到」. A
message is small talk only when, once its small-talk phrases are taken out, nothing is left that the
notices could be about: 「你好，失业金怎么领」 is a question, 「你好，你是机器人吗」 is not.
"""

from __future__ import annotations

import re
import unicodedata

GREETING = "greeting"
THANKS = "thanks"
IDENTITY = "identity"
GOODBYE = "goodbye"
HUMAN = "human"
ABUSE = "abuse"
KINDS = (GREETING, THANKS, IDENTITY, GOODBYE, HUMAN, ABUSE)

# Most specific first: 「你好，你是机器人吗」 asks who we are; 「谢谢，再见」 says goodbye.
PHRASES = (
    (ABUSE, r"废物|傻[逼比屄叉x]|sb|白痴|弱智|智障|脑残|蠢货|蠢猪|去死|滚蛋|滚开|^滚|他妈|妈的|狗屁|混蛋|王八蛋|"
            r"笨蛋|饭桶|没用的东西|什么玩意|"
            r"破机器人|垃圾机器人|真没用|太没用|没什么用|一点用都没有|答非所问|胡说八道"),
    (HUMAN, r"转人工|人工客服|人工服务|真人客服|找人工|要人工|^人工|客服|热线电话|热线|12345"),
    (IDENTITY, r"你是谁|您是谁|你是什么|你叫什么|你是机器人|是机器人|是真人|真人吗|机器人吗|你是ai|"
               r"你都?能(?:干|做|帮|回答|问|查)|能回答(?:哪些|什么|啥)|你会(?:干|做|什么|啥)|能帮我(?:干|做)?(?:什么|啥)|你有什么用|"
               r"你可以(?:干|做|帮|回答)|(?:怎么|如何)(?:用|问|提问)你|你都?知道(?:什么|啥|哪些)|你能记住"),
    (GOODBYE, r"再见|拜拜|bye|回头见|下次再(?:聊|问)|没有别的了|没别的了|没有?别的事了?|没事了|没有问题了|没问题了"),
    (THANKS, r"谢谢|多谢|感谢|谢了|谢啦|thank|辛苦了|3q|帮了大忙|太好了|明白了|知道了|懂了|晓得了|了解了|清楚了|"
             r"^(?:好的?|好嘞|行|收到|ok|嗯+|哦+)+(?:晓得|知道|明白)?$"),
    (GREETING, r"你好|您好|你们好|hello|hi|嗨|哈喽|在吗|在不在|有人吗|早上好|中午好|下午好|晚上好|早安|^喂|"
               r"我?想?(?:咨询|问)一?下|问个(?:事|问题)|有个问题"),
)


def compact(text: str) -> str:
    """Lower-case letters and CJK only: 「你好！」, 「 你 好 」 and 「你好～」 are all 「你好」."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def small_talk(text: str) -> tuple[str, str]:
    """(kind, what is left once small-talk phrases are removed); kind "" when none matched."""
    words = compact(text)
    kind = ""
    for name, pattern in PHRASES:
        found = re.search(pattern, words)
        if found and not kind:
            kind = name
        words = re.sub(pattern, " ", words)
    return kind, " ".join(words.split())
