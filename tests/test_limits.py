"""Per-file faults end as one report line naming the file, in bounded time and memory: a file the
bot may not read, a huge file, 100,000 nested <div>s, a .docx that unpacks to far more than it weighs,
a PDF that keeps its parser busy for minutes, a page that needs more memory than the worker may have."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from bot.cli import cli
from knowledge.errors import BuildError, SourceError
from knowledge.limits import MAX_FILE_BYTES, MAX_XML_PART_BYTES, MB
from knowledge.sources import read_text
from knowledge.store import build
from knowledge.worker import ExtractionWorker
from tests.conftest import TINY_NOTICE

HANG_GUARD = 120  # seconds: far beyond what a linear pass needs, far below what a quadratic one took


def peak_memory_of_reading(path: Path) -> tuple[int, str]:
    """(peak bytes Python allocated, the refusal) for read_text(path), in a fresh interpreter so
    that nothing else running in the test process counts."""
    script = (
        "import sys, tracemalloc\n"
        "from knowledge.sources import read_text, SourceError\n"
        "tracemalloc.start()\n"
        "try:\n    read_text(sys.argv[1]); reason = ''\n"
        "except SourceError as exc:\n    reason = exc.reason\n"
        "print(tracemalloc.get_traced_memory()[1]); print(reason)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True,
                          timeout=HANG_GUARD, cwd=Path(__file__).parent.parent)
    assert done.returncode == 0, done.stderr
    peak, reason = done.stdout.split("\n", 1)
    return int(peak), reason.strip()


def finishes(function, *args):
    """function(*args), failing the test instead of hanging when it does not return in time."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(function, *args).result(timeout=HANG_GUARD)


def unreadable(path: Path) -> Path:
    """A knowledge file that raises PermissionError when read, even for root."""
    if os.geteuid() != 0:
        path.write_text("通知", encoding="utf-8")
        path.chmod(0)
        return path
    # root reads any mode-000 file; a write-only sysctl is refused even to root
    target = Path("/proc/sys/vm/compact_memory")
    try:
        target.read_bytes()
    except PermissionError:
        path.symlink_to(target)
        return path
    pytest.skip("no file here refuses root")


def failure_lines(folder: Path, db: Path) -> list[str]:
    with pytest.raises(BuildError) as error:
        finishes(build, folder, db)
    return error.value.reasons


def test_unreadable_file_is_a_report_line_not_a_traceback(tiny_dir, tmp_path):
    unreadable(tiny_dir / "locked.txt")
    lines = failure_lines(tiny_dir, tmp_path / "kb.db")
    assert lines == ["locked.txt：没有读取这个文件的权限"]
    result = CliRunner().invoke(cli, ["--knowledge", str(tiny_dir), "--db", str(tmp_path / "kb.db"), "reload"])
    assert result.exit_code != 0 and "locked.txt" in result.output and "Traceback" not in result.output


def test_huge_file_is_named_once_without_being_read(tiny_dir, tmp_path):
    huge = tiny_dir / "dump.txt"
    with open(huge, "wb") as file:  # 200 MB, sparse: costs no disk, and must not cost memory either
        file.truncate(200 * 1024 * 1024)
    lines = failure_lines(tiny_dir, tmp_path / "kb.db")
    assert len(lines) == 1 and lines[0].startswith("dump.txt：文件太大")
    peak, reason = peak_memory_of_reading(huge)
    assert reason.startswith("文件太大") and peak < MAX_FILE_BYTES // 2


def test_deeply_nested_html_is_read_in_linear_time(tmp_path):
    depth = 100_000
    page = tmp_path / "nested.html"
    page.write_text("<html><body>" + "<div class='content'>" * depth + "一、便民服务" + "</div>" * depth
                    + "</body></html>", encoding="utf-8")
    assert finishes(read_text, page) == "一、便民服务"


def docx_bytes(xml_padding: int = 0) -> bytes:
    """A real .docx whose document.xml is padded with `xml_padding` spaces (which compress to nothing)."""
    document = docx.Document()
    document.add_paragraph("一、便民服务")
    plain = io.BytesIO()
    document.save(plain)
    source = zipfile.ZipFile(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for part in source.infolist():
            data = source.read(part)
            if part.filename != "word/document.xml" or not xml_padding:
                target.writestr(part, data)
                continue
            with target.open(part.filename, "w", force_zip64=True) as stream:
                head, tail = data.rsplit(b"</w:document>", 1)
                stream.write(head)
                chunk = b" " * (1024 * 1024)
                for _ in range(xml_padding // len(chunk)):
                    stream.write(chunk)
                stream.write(b"</w:document>" + tail)
    return out.getvalue()


def test_docx_zip_bomb_refused_before_it_is_unpacked(tmp_path):
    bomb = tmp_path / "bomb.docx"
    bomb.write_bytes(docx_bytes(MAX_XML_PART_BYTES + 8 * 1024 * 1024))
    assert bomb.stat().st_size < MAX_XML_PART_BYTES // 100  # small on disk, huge unpacked
    with pytest.raises(SourceError) as error:
        finishes(read_text, bomb)
    assert "bomb.docx" in str(error.value) and "解压后太大" in error.value.reason
    peak, reason = peak_memory_of_reading(bomb)
    assert "解压后太大" in reason and peak < MAX_XML_PART_BYTES // 2  # refused from the directory, unpacked never


def test_docx_lying_about_its_unpacked_size_is_refused(tmp_path):
    """An archive declaring a small size for a large part: zipfile stops at the declared size."""
    data = bytearray(docx_bytes(4 * 1024 * 1024))
    directory = data.rfind(b"PK\x01\x02")
    while directory != -1:  # every central directory entry and local header: declare 1 KB unpacked
        if data[directory + 46:directory + 46 + 17] == b"word/document.xml":
            data[directory + 24:directory + 28] = (1024).to_bytes(4, "little")
            local = int.from_bytes(data[directory + 42:directory + 46], "little")
            data[local + 22:local + 26] = (1024).to_bytes(4, "little")
        directory = data.rfind(b"PK\x01\x02", 0, directory)
    liar = tmp_path / "liar.docx"
    liar.write_bytes(bytes(data))
    with pytest.raises(SourceError) as error:
        finishes(read_text, liar)
    assert "liar.docx" in str(error.value)


def test_an_ordinary_docx_still_reads(tmp_path):
    path = tmp_path / "ok.docx"
    path.write_bytes(docx_bytes())
    assert read_text(path) == "一、便民服务"


def test_one_file_cannot_bury_the_report_in_warnings(tmp_path):
    """Forty notices without 文号 or units in one file: a few lines and a count, not eighty lines."""
    from knowledge.store import MAX_WARNINGS_PER_FILE
    from tests.conftest import TINY_NOTICE

    folder = tmp_path / "notices"
    folder.mkdir()
    bare = TINY_NOTICE.replace("江政办发〔2023〕14号\n", "")
    for annotation in ("（牵头单位：市文化局；责任单位：各区人民政府）", "（牵头单位：市交通局；责任单位：市公交集团）",
                       "（牵头单位：市人社局；责任单位：市医保局）"):
        bare = bare.replace(annotation, "")
    notices = [bare.replace("便民服务提升方案", f"第{i}项服务方案") for i in range(40)]
    (folder / "dump.txt").write_text("\n".join(notices), encoding="utf-8")
    report = build(folder, tmp_path / "kb.db")
    assert len(report.notices) > 30
    assert len(report.warnings) == MAX_WARNINGS_PER_FILE + 1
    assert report.warnings[-1].startswith("dump.txt：另有")


# --- the time and memory limits of the worker process ------------------------------------------------


def dense_pdf(path: Path, pages: int = 20) -> Path:
    """A PDF of 120,000 tiny glyphs a page: under 3 KB a page on disk, and pdfminer needs some five
    seconds a page to lay them out (20 pages, 53 KB: two minutes). Nothing in it is malformed."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(pages):
        pdf.setFont("Helvetica", 2)
        for row in range(400):
            pdf.drawString(5, 5 + row * 2, "x" * 300)
        pdf.showPage()
    pdf.save()
    return path


def notice_docx(path: Path, text: str) -> Path:
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    document.save(path)
    return path


def test_a_file_that_parses_for_minutes_is_refused_in_time_and_the_reload_goes_on(tiny_dir, tmp_path):
    db = tmp_path / "kb.db"
    runner = CliRunner(env={"BOT_PARSE_SECONDS": "1"})
    assert runner.invoke(cli, ["--knowledge", str(tiny_dir), "--db", str(db), "reload"]).exit_code == 0
    live = db.read_bytes()
    dense_pdf(tiny_dir / "b-slow.pdf")
    notice_docx(tiny_dir / "c-heating.docx", TINY_NOTICE.replace("便民服务提升", "冬季供暖").replace("14号", "20号"))
    (tiny_dir / "d-broken.docx").write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip archive
    started = time.monotonic()
    result = runner.invoke(cli, ["--knowledge", str(tiny_dir), "--db", str(db), "reload"])
    took = time.monotonic() - started
    assert result.exit_code != 0 and "Traceback" not in result.output
    report = result.output.split("更新失败，知识库未改动：\n", 1)[1].splitlines()  # after the progress lines
    # The files after it were read by a fresh worker: the broken one is named, the good one is not.
    assert report == ["b-slow.pdf：解析超时（超过 1 秒），文件可能已损坏",
                      "d-broken.docx：无法读取.docx文件（KeyError）"]
    assert took < 20  # 1 s for the slow file, two worker start-ups, the rest; unlimited it takes minutes
    assert db.read_bytes() == live


def test_the_worker_starts_for_the_first_file_that_needs_it_and_again_after_a_kill(tmp_path):
    text = tmp_path / "a.txt"
    text.write_text(TINY_NOTICE, encoding="utf-8")
    word = notice_docx(tmp_path / "a.docx", TINY_NOTICE)
    slow = dense_pdf(tmp_path / "slow.pdf", pages=2)
    with ExtractionWorker(0.5) as worker:
        assert read_text(text, worker) == TINY_NOTICE and not worker.running  # plain text: no process
        assert read_text(word, worker) == read_text(word) and worker.running
        with pytest.raises(SourceError) as error:
            finishes(read_text, slow, worker)
        assert error.value.path == slow and error.value.reason.startswith("解析超时（超过 0.5 秒）")
        assert not worker.running
        assert read_text(word, worker) == read_text(word) and worker.running
    assert not worker.running


def test_ordinary_docx_pdf_and_html_read_the_same_through_the_worker(tmp_path):
    from tests.test_formats import NOTICE, write_docx, write_html, write_pdf

    write_docx(tmp_path / "a.docx", NOTICE)
    write_pdf(tmp_path / "b.pdf", [NOTICE[:6], NOTICE[6:]])
    write_html(tmp_path / "c.html")
    (tmp_path / "d.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog")  # a library error, in Chinese
    with ExtractionWorker(60) as worker:
        for name in ("a.docx", "b.pdf", "c.html"):
            assert read_text(tmp_path / name, worker) == read_text(tmp_path / name)
        with pytest.raises(SourceError) as error:
            read_text(tmp_path / "d.pdf", worker)
        assert error.value.reason == "PDF 文件已损坏或不完整"
        assert worker.running  # a refusal is an answer, not a reason to restart


def test_a_page_that_needs_more_memory_than_the_worker_may_have_is_refused(tmp_path):
    page = tmp_path / "huge.html"
    page.write_text("<html><body>" + "<p>一、便民服务</p>" * 100_000 + "</body></html>", encoding="utf-8")
    with ExtractionWorker(60, memory=120 * MB) as worker:  # the libraries alone take some 60 MB
        with pytest.raises(SourceError) as error:
            finishes(read_text, page, worker)
        assert "huge.html" in str(error.value) and error.value.reason.startswith("解析所需内存超过上限（120 MB）")


def test_the_worker_dies_with_the_bot_even_mid_parse(tmp_path):
    """A bot killed (SIGKILL) while its worker is busy with a slow PDF leaves no process behind."""
    slow = dense_pdf(tmp_path / "slow.pdf")
    script = (
        "import sys, threading\n"
        "from pathlib import Path\n"
        "from knowledge.worker import ExtractionWorker\n"
        "worker = ExtractionWorker(600)\n"
        "path = Path(sys.argv[1])\n"
        "threading.Thread(target=worker.extract, args=(path, '.pdf', path.read_bytes()), daemon=True).start()\n"
        "while worker.pid is None: pass\n"
        "print(worker.pid, flush=True)\n"
        "threading.Event().wait()\n"
    )
    bot = subprocess.Popen([sys.executable, "-c", script, str(slow)], stdout=subprocess.PIPE, text=True,
                           cwd=Path(__file__).parent.parent)
    pid = int(bot.stdout.readline())
    time.sleep(1)  # the worker is up in a fraction of that; the PDF keeps it busy for two minutes
    bot.kill()
    bot.wait()
    deadline = time.monotonic() + 10
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = alive(pid)
    if left:
        os.kill(pid, signal.SIGKILL)  # not to leave it spinning for minutes after a failed test
    assert not left


def alive(pid: int) -> bool:
    """Whether a process runs (a zombie waiting for its new parent to reap it does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")
