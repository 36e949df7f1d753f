"""Unit annotations: who leads, who is responsible and which leader answers for a clause.

Every style the notices use lives here:
    〔牵头单位：市人社局；责任单位：各县（市、区）人民政府〕   （牵头单位：X，配合单位：Y、Z，各区）
    （责任单位：市住建局、市交通运输局）   [责任部门：市残联]   (责任单位:市财政局)
    (责任单位:省应急厅牵头，省水利厅、省自然资源厅等部门分工负责)
    (责任领导:张三;牵头单位:区发改局;责任单位:A、B,C,相关乡镇办)   — a leader is a person
    〔责任单位：A、B；列首位的为牵头单位，下同。…〕   （A、B负责。列第一位者为牵头单位，下同）
    （XX牵头，YY、ZZ等按职责分工负责）   （X牵头，Y等部门配合）   (省残联牵头负责)
    （XX会同有关部门负责）   （A、B负责）
    责任单位:A、B            (bare, after a sentence or on lines of its own below the task)
Brackets may be full- or half-width and may not match (（…〕), or may be left unclosed
when a flattened notice cut the item short. Catch-alls (有关部门, 各县（市、区）人民政府) are kept
as responsible units but never taken for the lead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from knowledge.brackets import OPEN, closing_index, strip_closing, strip_extra_round_close, top_level_split

LEAD_LABEL = r"(?:主要|其他)?(?:牵头|主责|主办)(?:单位|部门)"
RESP_LABEL = r"(?:主要|其他)?(?:责任|配合|协办|参与|协同|实施|承办)(?:单位|部门)|责任主体"
LEADER_LABEL = r"(?:责任|分管|牵头|联系|包保)领导|责任人"
DEADLINE_LABEL = r"完成(?:时限|时间|期限)|时间节点|时限要求"
ANY_LABEL = rf"(?:{LEADER_LABEL}|{LEAD_LABEL}|{RESP_LABEL}|{DEADLINE_LABEL})"
LABEL = rf"{ANY_LABEL}\s*[：:]"
MARKED_LEAD = re.compile(r"[（(]牵头[）)]")  # 「市发改委（牵头）、市财政局」
FIRST_IS_LEAD = re.compile(r"(?:列|排在|排)(?:首位|第一位)|排名第一")
SAME_BELOW = "下同"

# Where a labelled annotation starts: a bracket then a label, or a bare label after a sentence.
LABELLED_START = re.compile(rf"[{re.escape(OPEN)}]\s*{LABEL}|(?:(?<=[。；;\s])|^){LABEL}")
BARE_LABEL_LINE = re.compile(rf"[ \t\u3000]*{LABEL}")  # matched at a line's start
# An unlabelled bracket naming who acts: （A、B负责） （X牵头，Y配合） （X会同有关部门负责）
ROLE_WORD = re.compile(r"牵头|负责|配合|会同")
# What follows the names in a role phrase: 「按职责分工负责」, 「等部门配合」, 「牵头负责」.
ROLE_TAILS = [
    re.compile(r"(?:牵头)?(?:负责|配合|落实|参与|协助|实施)$"),
    re.compile(r"(?:按照?|根据)(?:各自)?职责(?:分工)?$|分工$"),
    re.compile(r"等(?:相关|有关)?(?:部门|单位)$"),
]
# Split before 等/及 when a catch-all follows: 「税务总局等国务院相关部门及各地区」.
CATCH_ALL_JOIN = re.compile(r"(?:等|及)(?=(?:国务院|中央|省|市|区|县)?(?:有关|相关|其他)|各)")
CATCH_ALL = re.compile(r"^(?:各|有关|相关|其他)|(?:有关|相关|其他)(?:部门|单位|地区)|乡镇办?$|各专班$")
BARE_LEVEL = re.compile(r"^各?[省市县区乡镇](?:级市)?$")  # 「各市」 before 「县（区）人民政府」
GENERIC = {"部门", "单位", "等", "地区", "牵头", "负责"}
UNIT_NOISE = re.compile(r"以下|不再|下同|列首位|第一位|牵头单位|牵头部门|为准|均涉及|单独列出|为牵头")


@dataclass(frozen=True)
class Annotation:
    """The units read from one annotation, and where it sat in the clause text."""

    lead_units: tuple[str, ...]
    responsible_units: tuple[str, ...]
    start: int
    end: int
    first_is_lead_below: bool = False  # 「列首位的为牵头单位，下同」: applies to later clauses too
    leaders: tuple[str, ...] = ()  # 责任领导: persons, never units
    deadline: str = ""  # 完成时限, as written


def split_units(text: str) -> list[str]:
    """Split a unit list on 、，,;； and spaces (and 等/及 before a catch-all), never inside parentheses."""
    text = CATCH_ALL_JOIN.sub("、", text)
    return unique(u for u in (clean_unit(u) for u in join_levels(top_level_split(text, "、，,;；/ \u3000"))) if u)


def join_levels(pieces: list[str]) -> list[str]:
    """「各市、县（区）人民政府」 is one unit (every city's and county's government), not 各市 and 县…."""
    out: list[str] = []
    for piece in pieces:
        if out and BARE_LEVEL.match(out[-1].strip()) and re.search(r"(?:人民政府|政府)$", piece.strip()):
            out[-1] = f"{out[-1].strip()}、{piece.strip()}"
        else:
            out.append(piece)
    return out


def clean_unit(unit: str) -> str:
    # One spelling per unit: PDF dumps mix 各县(市、区) and 各县（市、区）, which must group together.
    unit = unit.strip().strip("。．.：:").strip().replace("(", "（").replace(")", "）")
    unit = strip_extra_round_close(unit)  # left over from the annotation's own brackets
    for tail in ROLE_TAILS:
        unit = tail.sub("", unit) if len(unit) > 2 else unit
    unit = re.sub(r"等$", "", unit).strip()
    if not unit or unit in GENERIC or len(unit) > 30 or UNIT_NOISE.search(unit):
        return ""
    return unit


def is_catch_all(unit: str) -> bool:
    """有关部门, 各县（市、区）人民政府, 国务院相关部门: everyone concerned, never the one who leads."""
    return bool(CATCH_ALL.search(unit))


def unique(names) -> list[str]:
    out: list[str] = []
    for name in names:
        if name not in out:
            out.append(name)
    return out


def find_annotation(text: str, first_is_lead: bool = False) -> Annotation | None:
    """The unit annotation of a clause's text (usually at its end), if there is one."""
    found = find_annotations(text, first_is_lead)
    return found[0] if found else None


def find_annotations(text: str, first_is_lead: bool = False) -> list[Annotation]:
    """Every annotation in a clause's text, in order (a section may hold several annotated sentences)."""
    found: list[Annotation] = []
    pos = 0
    while pos < len(text):
        annotation = next_annotation(text, pos, first_is_lead)
        if annotation is None:
            break
        found.append(annotation)
        first_is_lead = first_is_lead or annotation.first_is_lead_below
        pos = max(annotation.end, pos + 1)
    return found


def next_annotation(text: str, pos: int, first_is_lead: bool) -> Annotation | None:
    labelled = LABELLED_START.search(text, pos)
    role = next_role_bracket(text, pos, labelled.start() if labelled else len(text))
    if role:
        return role_annotation(text, *role, first_is_lead)
    if labelled:
        return labelled_annotation(text, labelled.start(), first_is_lead)
    return None


def next_role_bracket(text: str, pos: int, before: int) -> tuple[int, int] | None:
    """(start, end) of the first unlabelled bracket before `before` that names who acts."""
    for m in re.finditer(rf"[{re.escape(OPEN)}]", text[pos:before]):
        start = pos + m.start()
        end = closing_index(text, start)
        if end < 0:
            end = len(text) if "\n" not in text[start:] else text.index("\n", start)
        body = strip_closing(text[start + 1 : end])
        if is_role_body(body):
            return start, end
    return None


def is_role_body(body: str) -> bool:
    """「A、B牵头，C等按职责分工负责」, not 「以下简称交易所」 or 「含电子社保卡」."""
    first = top_level_split(body, "，,；;。")[0]
    m = ROLE_WORD.search(first)
    if not m or len(body) > 300:
        return False
    names = first[: m.start()]
    for tail in ROLE_TAILS[1:]:
        names = tail.sub("", names)
    return bool(names) and not re.search(r"[的由将对在是]|^[本该其]", names) and all(
        len(n) <= 30 for n in top_level_split(names, "、，,")
    )


def annotation_end(text: str, start: int) -> int:
    """Where an annotation starting at `start` ends: its closing bracket, else the end of the line;
    a bare label's annotation goes on over the lines below that start with a label too.

    Brackets nest (各县（市、区）) and may not match in kind (（责任单位：…〕), so any closing
    bracket closes any opening one; text after the annotation stays clause text.
    """
    if text[start] in OPEN:
        end = closing_index(text, start)
        if end >= 0:
            return end
    end = line_end(text, start)
    while end < len(text) and BARE_LABEL_LINE.match(text, end + 1):
        end = line_end(text, end + 1)
    return end


def line_end(text: str, start: int) -> int:
    newline = text.find("\n", start)
    return newline if newline >= 0 else len(text)


def labelled_annotation(text: str, start: int, first_is_lead: bool) -> Annotation:
    end = annotation_end(text, start)
    body = strip_closing(text[start:end].strip().lstrip(OPEN).strip())
    lead: list[str] = []
    responsible: list[str] = []
    leaders: list[str] = []
    deadline = ""
    flag = bool(FIRST_IS_LEAD.search(body))
    labels = list(re.finditer(rf"({ANY_LABEL})\s*[：:]", body))
    for label, following in zip(labels, labels[1:] + [None], strict=True):
        content = body[label.end() : following.start() if following else len(body)]
        kind = label.group(1)
        if re.fullmatch(DEADLINE_LABEL, kind):
            deadline = deadline or content.strip(" ；;，,。")
        elif re.fullmatch(LEADER_LABEL, kind):
            leaders += [p for p in (clean_person(p) for p in re.split(r"[、，,；;\s]", content)) if p]
        elif re.fullmatch(LEAD_LABEL, kind):
            lead += split_units(" ".join(names_only(content)))
        else:
            more_lead, more_responsible = role_phrases(names_only(content, keep_commas=True))
            lead += more_lead
            responsible += more_responsible
    annotation = finish(lead, responsible, leaders, start, end, flag, first_is_lead, flag and SAME_BELOW in body)
    return replace(annotation, deadline=deadline)


def names_only(content: str, keep_commas: bool = False) -> list[str]:
    """The pieces of a label's content that name units: 「列首位的为牵头单位，下同」 is not one."""
    separators = "；;。" if keep_commas else "；;。，,"
    pieces = [p for p in top_level_split(content, separators) if p.strip()]
    return [p for p in pieces if not FIRST_IS_LEAD.search(p) and p.strip() != SAME_BELOW]


def clean_person(name: str) -> str:
    name = name.strip().strip("。．.：:）)〕]】 ")
    return name if 1 < len(name) <= 12 else ""


def role_annotation(text: str, start: int, end: int, first_is_lead: bool) -> Annotation:
    body = strip_closing(text[start + 1 : end])
    flag = bool(FIRST_IS_LEAD.search(body))
    lead, responsible = role_phrases([p for p in top_level_split(body, "；;。") if p.strip()])
    return finish(lead, responsible, [], start, end, flag, first_is_lead, flag and SAME_BELOW in body)


def role_phrases(pieces: list[str]) -> tuple[list[str], list[str]]:
    """「A、B牵头，C、D等按照职责分工负责」 → lead A、B, responsible C、D; 「X会同Y负责」 → X, Y."""
    lead: list[str] = []
    responsible: list[str] = []
    for piece in pieces:
        marked = [m for m in re.finditer(rf"([^、，,；;{re.escape(OPEN)}]+){MARKED_LEAD.pattern}", piece)]
        if marked:  # 「市发改委（牵头）、市财政局」
            lead += [u for m in marked for u in split_units(m.group(1))]
            piece = MARKED_LEAD.sub("", piece)
            for m in marked:
                piece = piece.replace(m.group(1), "", 1)
        if not ROLE_WORD.search(piece) and not FIRST_IS_LEAD.search(piece):
            responsible += split_units(piece)
            continue
        for phrase in top_level_split(piece, "，,"):
            if FIRST_IS_LEAD.search(phrase) or phrase.strip() == SAME_BELOW:
                continue
            together = re.match(r"^(?P<a>.+?)(?:会同|联合)(?P<b>.+?)负责", phrase)
            if together:
                lead += split_units(together["a"])
                responsible += split_units(together["b"])
            elif "牵头" in phrase:
                lead += split_units(phrase[: phrase.index("牵头")])
                responsible += split_units(phrase[phrase.index("牵头") + 2 :])
            else:
                responsible += split_units(phrase)
    return lead, responsible


def column_units(lead_cell: str, responsible_cell: str, leader_cell: str = "") -> Annotation:
    """A task table's 牵头单位, 责任单位 and 责任领导 cells, read like an annotation's parts."""
    more_lead, responsible = role_phrases([p for p in top_level_split(responsible_cell, "；;。") if p.strip()])
    leaders = [p for p in (clean_person(p) for p in re.split(r"[、，,；;\s]", leader_cell)) if p]
    return finish(split_units(lead_cell) + more_lead, responsible, leaders, 0, 0, False, False, False)


def finish(lead, responsible, leaders, start, end, flag, first_is_lead, below) -> Annotation:
    """Catch-alls never lead; 「列首位的为牵头单位」 makes the first named unit the lead."""
    responsible = [u for u in lead if is_catch_all(u)] + responsible
    lead = [u for u in lead if not is_catch_all(u)]
    if not lead and (flag or first_is_lead):
        first = next((u for u in responsible if not is_catch_all(u)), None)
        if first:
            lead = [first]
    lead = unique(lead)
    responsible = [u for u in unique(responsible) if u not in lead]
    return Annotation(tuple(lead), tuple(responsible), start, end, below, tuple(unique(leaders)))
