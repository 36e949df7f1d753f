"""Who acts in a regulation's article: 「税务机关依法履行…」, 「由省生态环境部门注销」.

Regulations (条例, 办法) carry no unit annotations; the article's own sentences name the bodies
that act, as the subject of a sentence or after 由/报/向/经/会同. Those names are the article's
responsible units, so 「环保税申报找哪个部门」 finds them like an annotated task's units.
"""

from __future__ import annotations

import re

# A body's name: no function words inside, ending in what government bodies are called.
_NAME_CHAR = r"[^\W\d_由报向经并应当的在对将按于为与或等其该本依及须可会同、，。；：]"
ACTOR = re.compile(
    rf"(?:^|(?<=[。；;，,：:\s由报向经同及、]))(?P<name>{_NAME_CHAR}{{1,16}}?"
    r"(?:主管部门|管理部门|部门|机关|人民政府|委员会|局|厅))"
    r"(?=[应依负会和、及或按在对可须，,。；]|根据|共同|分别|注销|审核|备案|批准|制定|组织|指导|监督|核定|核查|确定|公布|受理)"
)
NOT_ACTOR = re.compile(r"^(?:有关|相关|其他|上级|同级|下列|前款|本)")


def named_actors(text: str) -> list[str]:
    """The government bodies an article names as acting, in order, each once."""
    names: list[str] = []
    for m in ACTOR.finditer(text):
        name = m["name"]
        if not NOT_ACTOR.match(name) and name not in names:
            names.append(name)
    return names
