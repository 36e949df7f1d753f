"""Task tables (重点任务分工表): 序号 | 重点任务 | 具体措施 | 牵头单位 | 责任单位 | 完成时限.

Plans often give their tasks as a table, in the body or an attachment. The extractors hand a
.docx or .html table over as tab-separated rows; text files align cells with several spaces
(or full-width ones), and Markdown with pipes. Each row under a header naming a task column and
a unit column is one task, read by column; a row of one cell (「一、稳定经济运行」) heads the rows
below it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SPACE_GAP = re.compile(r"[ \t]{2,}|\u3000+|\t")
COLUMNS = {  # column role → what its header says
    "number": re.compile(r"^(?:序号|编号|序)$"),
    "lead": re.compile(r"牵头(?:单位|部门)|主责(?:单位|部门)"),
    "responsible": re.compile(r"(?:责任|配合|协办|参与)(?:单位|部门)|责任主体"),
    "leader": re.compile(r"(?:责任|分管|牵头)领导|责任人"),
    "deadline": re.compile(r"时限|完成时间|时间节点|完成期限|进度安排"),
    "measures": re.compile(r"具体措施|工作措施|主要措施|推进措施|具体内容|工作内容|目标要求"),
    "task": re.compile(r"任务|事项|工作|项目|内容|目标"),
}
HEADING_ROW = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十]{1,3}[）)])")


@dataclass(frozen=True)
class TaskRow:
    """One row of a task table, its cells by role ("" when the table has no such column)."""

    number: str
    task: str
    measures: str
    lead: str
    responsible: str
    leader: str
    deadline: str
    heading: str  # the row of one cell above it (「一、稳定经济运行」), if any


def cells(line: str) -> list[str]:
    """A table row's cells: tab-separated, Markdown pipes, or aligned with several spaces."""
    s = line.strip()
    if "\t" in s:
        parts = s.split("\t")
    elif s.startswith("|"):
        parts = s.strip("|").split("|")
    else:
        parts = SPACE_GAP.split(s)
    return [" ".join(p.split()) for p in parts]


def header_roles(line: str) -> list[str] | None:
    """The role of each column when this line is a task table's header, else None."""
    found = cells(line)
    if len(found) < 3 or any(len(c) > 12 for c in found):
        return None
    roles = []
    for cell in found:
        role = next((r for r, pattern in COLUMNS.items() if pattern.search(cell) and r not in roles), "")
        roles.append(role)
    has_units = "lead" in roles or "responsible" in roles
    return roles if has_units and ("task" in roles or "measures" in roles) else None


def is_rule(line: str) -> bool:
    return bool(re.fullmatch(r"[\s|:\-+]*", line))


def mark_space_tables(lines: list[str]) -> list[str]:
    """Rows of a task table aligned with spaces become tab-separated, so nothing later takes them
    for wrapped or flattened text."""
    out: list[str] = []
    width = 0
    for line in lines:
        if "\t" not in line and header_roles(line):
            width = len(cells(line))
        elif width and not (len(cells(line)) >= 2 or is_heading_row(line)):
            width = 0
        if width and "\t" not in line and not line.strip().startswith("|") and not is_heading_row(line):
            line = "\t".join(cells(line))
        out.append(line)
    return out


def is_heading_row(line: str) -> bool:
    found = [c for c in cells(line) if c]
    return len(found) == 1 and len(found[0]) <= 40 and bool(HEADING_ROW.match(found[0]))


def split_task_tables(paras: list[str]) -> tuple[list[str], list[TaskRow]]:
    """Paragraphs outside task tables, and every task table's rows in order."""
    rest: list[str] = []
    rows: list[TaskRow] = []
    roles: list[str] | None = None
    heading = ""
    for para in paras:
        header = header_roles(para) if ("\t" in para or para.lstrip().startswith("|")) else None
        if header:
            roles, heading = header, ""
            continue
        if roles is not None:
            if is_rule(para):
                continue
            found = cells(para)
            if sum(bool(c) for c in found) >= 2 and ("\t" in para or para.lstrip().startswith("|")):
                row = task_row(found, roles, heading)
                if row:
                    rows.append(row)
                continue
            if is_heading_row(para) or (len(found) == 1 and "\t" in para):
                heading = next((c for c in found if c), heading)
                continue
            roles = None
        rest.append(para)
    return rest, rows


def task_row(found: list[str], roles: list[str], heading: str) -> TaskRow | None:
    if len(found) < len(roles):
        # A merged cell was left out: keep the 序号 on the left, align the rest on the right.
        keep_left = 1 if roles and roles[0] == "number" and re.fullmatch(r"\d{1,3}", found[0]) else 0
        padding = [""] * (len(roles) - len(found))
        found = found[:keep_left] + padding + found[keep_left:]
    by_role: dict[str, str] = {}
    for role, cell in zip(roles, found, strict=False):
        if role and cell:
            by_role[role] = f"{by_role[role]} {cell}" if role in by_role and role == "task" else cell
    if not (by_role.get("task") or by_role.get("measures")):
        return None
    return TaskRow(
        number=by_role.get("number", ""), task=by_role.get("task", ""), measures=by_role.get("measures", ""),
        lead=by_role.get("lead", ""), responsible=by_role.get("responsible", ""),
        leader=by_role.get("leader", ""), deadline=by_role.get("deadline", ""), heading=heading,
    )
