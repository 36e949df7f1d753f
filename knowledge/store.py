"""The only SQL: notices and clauses into a new SQLite file swapped in atomically, and back out.

A build writes `<db>.building-<pid>` next to the live file and renames it over the live file only
when every knowledge file parsed; a failed build leaves the live file byte-for-byte as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

import sqlite_utils

from knowledge.damage import DamagedDatabase, check, is_damage, set_aside
from knowledge.errors import BuildError, SourceError
from knowledge.limits import MAX_PARSE_SECONDS
from knowledge.model import ITEM, SECTION, TABLE_ROW, Clause, Notice, ReloadReport
from knowledge.parse import parse_gazette
from knowledge.sources import knowledge_files, read_text
from knowledge.worker import ExtractionWorker

SCHEMA = 5  # bumped when the tables change: a file of another schema is rebuilt, not misread
Progress = Callable[[int, int, str], None]  # (files done, files in all, file name)
# Notices → more tables to write in the same file (the stored words): table name → rows, the first
# column of each row being its key.
ExtraTables = Callable[[list[Notice]], dict[str, list[dict]]]


def load_notices(directory: Path, progress: Progress | None = None,
                 parse_seconds: float = MAX_PARSE_SECONDS) -> list[Notice]:
    """Parse every file of the knowledge directory; collect every failure before raising.

    `parse_seconds`: how long one .docx/.pdf/.html may take, parsed in a worker process started on
    the first such file and reused for the rest; 0 parses them here, with no limit.
    """
    notices, failures = [], []
    files = knowledge_files(directory)
    with ExtractionWorker(parse_seconds) if parse_seconds > 0 else nullcontext() as worker:
        for i, path in enumerate(files, 1):
            if progress:
                progress(i, len(files), path.name)
            try:
                found = parse_gazette(read_text(path, worker), source=path.name)
            except SourceError as exc:
                failures.append(exc)
                continue
            if not any(n.clauses for n in found):
                failures.append(SourceError(path, "没有找到任何通知或条款"))
            notices += found
    if failures:
        raise BuildError(failures)
    if not files:
        raise BuildError([SourceError(directory, "知识库目录中没有文件")])
    return notices


def unique(notices: list[Notice]) -> tuple[list[Notice], list[str]]:
    """One notice per 文号 (or title), and a warning for each found in more than one file.

    A notice loaded again from a later file replaces the earlier one.
    """
    by_key: dict[str, Notice] = {}
    sources: dict[str, list[str]] = {}
    for notice in notices:
        by_key.pop(notice.key, None)
        by_key[notice.key] = notice
        sources.setdefault(notice.key, []).append(notice.source)
    warnings = [
        f"{key}：{'、'.join(files)} 中都有，只用了 {files[-1]}" for key, files in sources.items() if len(files) > 1
    ]
    return list(by_key.values()), warnings


def build(
    directory: Path, db_path: Path, progress: Progress | None = None, notices: list[Notice] | None = None,
    reported: bool = True, extra: ExtraTables | None = None, parse_seconds: float = MAX_PARSE_SECONDS,
) -> ReloadReport:
    """Rebuild the knowledge base file from the directory (or notices already parsed from it), with
    `extra`'s tables for the notices in the same file, so they are swapped in together.

    `reported`: whether an admin sees this build's report. A build nobody saw (at start-up, from a
    directory just configured) leaves its new notices pending, and the next reported build names them
    as new, with their warnings; a notice that has not changed is not warned about again.
    `parse_seconds`: the time limit per .docx/.pdf/.html file (`load_notices`).
    """
    started = time.perf_counter()
    if notices is None:
        notices = load_notices(directory, progress, parse_seconds)
    files = len({n.source for n in notices})
    notices, duplicate_warnings = unique(notices)
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    before, repair_warnings = previous_digests(db_path)
    after = {n.key: digest(n) for n in notices}
    added = list(dict.fromkeys(k for k in pending_notices(db_path) + [k for k in after if k not in before]
                               if k in after))
    changed = [k for k in after if k in before and before[k] != after[k] and k not in added]
    tmp = db_path.with_name(f"{db_path.name}.building-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    try:
        write(tmp, notices, directory, pending=() if reported else added, extra=extra(notices) if extra else None)
        os.replace(tmp, db_path)  # atomic on POSIX and Windows: readers see old or new, never half
    finally:
        tmp.unlink(missing_ok=True)
    fresh = set(added) | set(changed)
    return ReloadReport(
        files=files,
        notices=tuple(n.key for n in notices),
        clauses=sum(len(n.clauses) for n in notices),
        without_units=tuple(f"{c.doc_no or '（无文号）'} {c.path_text}" for c in tasks_without_units(notices)),
        added=tuple(added),
        removed=tuple(k for k in before if k not in after),
        changed=tuple(changed),
        warnings=tuple(repair_warnings) + tuple(duplicate_warnings)
        + tuple(file_warnings([n for n in notices if n.key in fresh])),
        seconds=time.perf_counter() - started,
    )


TASK_KINDS = (ITEM, SECTION, TABLE_ROW)


def tasks_without_units(notices: list[Notice]) -> list[Clause]:
    """Tasks an admin should check: in a part of a notice (「二、重点任务」) whose other tasks name
    their units, those that name none. Targets, preambles and 保障措施 name none anywhere in their part."""
    missing = []
    for notice in notices:
        parts_with_units = {c.path[0] for c in notice.clauses if c.units and c.kind in TASK_KINDS}
        missing += [c for c in notice.clauses
                    if c.kind in TASK_KINDS and not c.units and c.path[0] in parts_with_units]
    return missing


def previous_digests(db_path: Path) -> tuple[dict[str, str], list[str]]:
    """The live file's notice digests, to report what changed; a damaged live file is set aside first."""
    if not db_path.exists():
        return {}, []
    try:
        return notice_digests(db_path), []
    except DamagedDatabase:
        aside = set_aside(db_path)
        return {}, [f"原知识库文件已损坏，已改名为 {aside.name} 保留，并从知识文件重新生成"]


MAX_WARNINGS_PER_FILE = 10


def file_warnings(notices: list[Notice]) -> list[str]:
    """Each notice's warnings, at most MAX_WARNINGS_PER_FILE a file: one bad dump must not bury the report."""
    by_source: dict[str, list[str]] = {}
    for notice in notices:
        by_source.setdefault(notice.source, []).extend(notice_warnings(notice))
    lines = []
    for source, warnings in by_source.items():
        lines += warnings[:MAX_WARNINGS_PER_FILE]
        if len(warnings) > MAX_WARNINGS_PER_FILE:
            lines.append(f"{source}：另有 {len(warnings) - MAX_WARNINGS_PER_FILE} 条同类提示未列出")
    return lines


def notice_warnings(notice: Notice) -> list[str]:
    """What an admin should check: a notice read without its 文号, date or numbered clauses."""
    name = f"{notice.source}《{notice.short_title[:30]}》"
    warnings = []
    if not notice.doc_no:
        warnings.append(f"{name}：没有找到文号")
    if not notice.date:
        warnings.append(f"{name}：没有找到成文日期")
    if not any(c.units for c in notice.clauses):
        warnings.append(f"{name}：没有找到带责任单位的条款")
    return warnings


def write(path: Path, notices: list[Notice], directory: Path | None = None, pending=(),
          extra: dict[str, list[dict]] | None = None) -> None:
    db = sqlite_utils.Database(path)
    # Which directory the file was built from: a command run with another --knowledge rebuilds it.
    db["meta"].insert_all([
        {"key": "knowledge_dir", "value": str(Path(directory).resolve()) if directory else ""},
        {"key": "schema", "value": str(SCHEMA)},
        {"key": "pending_added", "value": json.dumps(list(pending), ensure_ascii=False)},
    ], pk="key")
    db["notices"].insert_all(
        (
            {
                "key": n.key, "doc_no": n.doc_no, "title": n.title, "issuer": n.issuer, "date": n.date,
                "source": n.source, "attachments": json.dumps(n.attachments, ensure_ascii=False),
                "digest": digest(n),
            }
            for n in notices
        ),
        pk="key",
        replace=True,  # the same notice in two files: the later file wins
    )
    db["clauses"].insert_all(
        (
            {
                "notice_key": n.key, "position": c.position, "doc_no": c.doc_no,
                "path": json.dumps(c.path, ensure_ascii=False), "title": c.title, "text": c.text,
                "lead_units": json.dumps(c.lead_units, ensure_ascii=False),
                "responsible_units": json.dumps(c.responsible_units, ensure_ascii=False),
                "section": c.section, "kind": c.kind, "number": c.number, "deadline": c.deadline,
                "leaders": json.dumps(c.leaders, ensure_ascii=False),
                "headings": json.dumps(c.headings, ensure_ascii=False),
            }
            for n in notices for c in n.clauses
        ),
        pk=("notice_key", "position"),
        replace=True,
    )
    db["clauses"].create_index(["doc_no"], if_not_exists=True)
    for name, rows in (extra or {}).items():
        if rows:
            _write_table(db, name, rows)
    db.close()


def _write_table(db: sqlite_utils.Database, name: str, rows: list[dict]) -> None:
    """A table keyed by its first column, written in one statement (hundreds of thousands of rows).

    A whole-number key is the row id itself; a text key is the table's only b-tree (without rowid), so
    neither is stored twice."""
    columns = list(rows[0])
    key = columns[0]
    integer_key = isinstance(rows[0][key], int)
    names = ", ".join([f"[{key}] {'integer' if integer_key else 'text'} primary key"]
                      + [f"[{c}]" for c in columns[1:]])
    with db.conn:
        db.execute(f"create table [{name}] ({names}){'' if integer_key else ' without rowid'}")
        db.conn.executemany(f"insert into [{name}] values ({', '.join('?' * len(columns))})",
                            (tuple(row.values()) for row in rows))


def read_tables(db_path: Path, names: tuple[str, ...]) -> dict[str, list[tuple]] | None:
    """Every row (a tuple in column order) of each named table; None when one of them is missing."""
    db = sqlite_utils.Database(db_path)
    try:
        return _tables(db, names)
    finally:
        db.close()


def _tables(db: sqlite_utils.Database, names: tuple[str, ...]) -> dict[str, list[tuple]] | None:
    if not set(names) <= set(db.table_names()):
        return None
    return {name: db.execute(f"select * from [{name}]").fetchall() for name in names}


def read(db_path: Path) -> list[Notice]:
    """Every notice with its clauses, in the order they were built; DamagedDatabase when unreadable."""
    return read_with_tables(db_path, ())[0]


def read_with_tables(db_path: Path, names: tuple[str, ...]) -> tuple[list[Notice], dict[str, list[tuple]] | None]:
    """The notices and the named tables' rows (see `read_tables`) from one and the same file, even when
    a build swaps in a new one meanwhile; DamagedDatabase when unreadable."""
    try:
        return _read_with_tables(db_path, names)
    except Exception as exc:
        if is_damage(exc):
            raise DamagedDatabase(db_path, str(exc)) from exc
        raise


def _read_with_tables(db_path: Path, names: tuple[str, ...]):
    db = sqlite_utils.Database(db_path)  # one connection reads one file: a swap renames another over it
    try:
        return _notices(db), _tables(db, names)
    finally:
        db.close()


def _notices(db: sqlite_utils.Database) -> list[Notice]:
    clauses: dict[str, list[Clause]] = {}
    strings: dict[str, tuple[str, ...]] = {}  # unit lists and paths repeat across thousands of clauses

    def strings_of(stored: str) -> tuple[str, ...]:
        if stored not in strings:
            strings[stored] = tuple(json.loads(stored))
        return strings[stored]

    # Plain tuples, not sqlite-utils' dicts: a province's archive is tens of thousands of rows.
    for (key, doc_no, path, title, text, lead, responsible, section, position, kind, number, deadline, leaders,
         headings) in db.execute(
        "select notice_key, doc_no, path, title, text, lead_units, responsible_units, section, position, kind,"
        " number, deadline, leaders, headings from clauses order by rowid"
    ):
        clauses.setdefault(key, []).append(
            Clause(
                doc_no=doc_no, path=strings_of(path), title=title, text=text,
                lead_units=strings_of(lead), responsible_units=strings_of(responsible),
                section=section, position=position, kind=kind, number=number, deadline=deadline,
                leaders=strings_of(leaders), headings=strings_of(headings),
            )
        )
    return [
        Notice(
            doc_no=row["doc_no"], title=row["title"], issuer=row["issuer"], date=row["date"],
            source=row["source"], attachments=tuple(json.loads(row["attachments"])),
            clauses=tuple(clauses.get(row["key"], ())),
        )
        for row in db.query("select * from notices order by rowid")
    ]


def built_from(db_path: Path) -> str:
    """The knowledge directory a knowledge base file was built from ("" when unknown, of an older schema
    or damaged)."""
    try:
        return checked_built_from(db_path)
    except DamagedDatabase:
        return ""


def checked_built_from(db_path: Path) -> str:
    """`built_from`, raising DamagedDatabase for a file whose pages SQLite cannot read."""
    if not Path(db_path).exists():
        return ""
    try:
        db = sqlite_utils.Database(db_path)
        try:
            check(db.conn, db_path)
            if "meta" not in db.table_names():
                return ""
            meta = {row["key"]: row["value"] for row in db.query("select key, value from meta")}
            return meta.get("knowledge_dir", "") if meta.get("schema") == str(SCHEMA) else ""
        finally:
            db.close()
    except DamagedDatabase:
        raise
    except Exception as exc:
        if is_damage(exc):
            raise DamagedDatabase(db_path, str(exc)) from exc
        return ""  # not ours (another program's database): rebuilt like a missing one


def pending_notices(db_path: Path) -> list[str]:
    """Notices a build nobody saw the report of added (see `build`)."""
    try:
        db = sqlite_utils.Database(db_path)
        try:
            rows = list(db.query("select value from meta where key = 'pending_added'"))
            return list(json.loads(rows[0]["value"])) if rows else []
        finally:
            db.close()
    except Exception:  # missing or unreadable: nothing pending
        return []


def notice_digests(db_path: Path) -> dict[str, str]:
    """Digest by notice key; {} for a file of another layout, DamagedDatabase for a damaged one."""
    try:
        db = sqlite_utils.Database(db_path)
        try:
            check(db.conn, db_path)
            return {row["key"]: row["digest"] for row in db.query("select key, digest from notices")}
        finally:
            db.close()
    except DamagedDatabase:
        raise
    except Exception as exc:
        if is_damage(exc):
            raise DamagedDatabase(db_path, str(exc)) from exc
        return {}  # an old file without digests: everything counts as added


def digest(notice: Notice) -> str:
    payload = json.dumps([notice.title, notice.date, [c.__dict__ for c in notice.clauses]], ensure_ascii=False,
                         sort_keys=True, default=list)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]
