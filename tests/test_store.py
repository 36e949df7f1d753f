"""Files in, SQLite out: encodings, broken files, the atomic swap, the report."""

import os

import pytest
import sqlite_utils

from knowledge.sources import SourceError, read_text
from knowledge.store import BuildError, build, read

SAMPLE = (
    "某市人民政府关于做好某事的通知\n某政发〔2023〕7号\n各区人民政府：\n一、任务\n"
    "1.做好供水。保障水质安全。（责任单位：市水务局）\n某市人民政府\n2023年3月1日\n"
)


def test_a_gbk_file_loads(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(SAMPLE.encode("gbk"))
    assert read_text(path) == SAMPLE


def test_utf8_with_bom_loads(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(SAMPLE.encode("utf-8-sig"))
    assert read_text(path) == SAMPLE


@pytest.mark.parametrize("content", [os.urandom(4096), b"", b"\x00\x01\x02" * 100])
def test_unreadable_files_are_refused_with_their_name(tmp_path, content):
    path = tmp_path / "bad-file.txt"
    path.write_bytes(content)
    with pytest.raises(SourceError) as error:
        read_text(path)
    assert "bad-file.txt" in str(error.value)


def test_build_writes_notices_and_clauses(tmp_path):
    (tmp_path / "notices").mkdir()
    (tmp_path / "notices" / "a.txt").write_text(SAMPLE, encoding="utf-8")
    report = build(tmp_path / "notices", tmp_path / "kb.db")
    assert report.notices == ("某政发〔2023〕7号",) and report.clauses == 1 and report.added == report.notices
    db = sqlite_utils.Database(tmp_path / "kb.db")
    row = next(db["clauses"].rows)
    assert row["title"] == "做好供水" and row["responsible_units"] == '["市水务局"]'
    (notice,) = read(tmp_path / "kb.db")
    assert notice.clauses[0].responsible_units == ("市水务局",) and notice.date == "2023-03-01"


def test_changed_and_removed_notices_are_reported(tmp_path):
    folder = tmp_path / "notices"
    folder.mkdir()
    (folder / "a.txt").write_text(SAMPLE, encoding="utf-8")
    (folder / "b.txt").write_text(SAMPLE.replace("7号", "8号"), encoding="utf-8")
    build(folder, tmp_path / "kb.db")
    (folder / "a.txt").write_text(SAMPLE.replace("保障水质安全", "保障供水水质安全"), encoding="utf-8")
    (folder / "b.txt").unlink()
    report = build(folder, tmp_path / "kb.db")
    assert report.changed == ("某政发〔2023〕7号",) and report.removed == ("某政发〔2023〕8号",)


def test_a_failed_build_leaves_the_live_file_untouched(tmp_path):
    folder = tmp_path / "notices"
    folder.mkdir()
    (folder / "a.txt").write_text(SAMPLE, encoding="utf-8")
    build(folder, tmp_path / "kb.db")
    before = (tmp_path / "kb.db").read_bytes()
    (folder / "zz-random.txt").write_bytes(os.urandom(2048))
    (folder / "empty.txt").write_bytes(b"")
    with pytest.raises(BuildError) as error:
        build(folder, tmp_path / "kb.db")
    assert {f.path.name for f in error.value.failures} == {"zz-random.txt", "empty.txt"}
    assert (tmp_path / "kb.db").read_bytes() == before
    assert not list(tmp_path.glob("kb.db.building-*"))


def test_a_notice_in_two_files_is_kept_once_from_the_later_file(tmp_path):
    folder = tmp_path / "notices"
    folder.mkdir()
    (folder / "a.txt").write_text(SAMPLE, encoding="utf-8")
    (folder / "b.txt").write_text(SAMPLE.replace("保障水质安全", "保障供水水质安全"), encoding="utf-8")
    report = build(folder, tmp_path / "kb.db")
    (notice,) = read(tmp_path / "kb.db")
    assert notice.source == "b.txt" and notice.clauses[0].text == "保障供水水质安全。"
    assert any("a.txt、b.txt" in w for w in report.warnings)


def test_lock_files_and_backups_are_not_read(tmp_path):
    folder = tmp_path / "notices"
    folder.mkdir()
    (folder / "a.txt").write_text(SAMPLE, encoding="utf-8")
    (folder / "~$a.docx").write_bytes(os.urandom(162))
    (folder / "a.txt~").write_text(SAMPLE, encoding="utf-8")
    assert build(folder, tmp_path / "kb.db").files == 1
