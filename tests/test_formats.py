""".docx, .pdf and .html made by the libraries that write them → text → the same parsed notice."""

import random
import re

import docx
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from knowledge.formats import drop_page_furniture
from knowledge.parse import parse_gazette
from knowledge.sources import SourceError, read_text
from knowledge.store import BuildError, build

NOTICE = [
    "某市人民政府办公室关于做好2023年稳就业工作的通知",
    "某政办发〔2023〕5号",
    "各县（市、区）人民政府，市政府各部门：",
    "为做好当前稳就业工作，经市人民政府同意，现就有关事项通知如下：",
    "一、支持企业稳定岗位",
    "（一）落实失业保险稳岗返还政策。对不裁员或少裁员的参保企业，按规定返还失业保险费，推动企业稳定就业岗位。"
    "〔牵头单位：市人社局；责任单位：各县（市、区）人民政府〕",
    "（二）加大创业担保贷款支持力度。个人创业担保贷款最高额度提高到30万元，小微企业最高额度提高到400万元。"
    "（责任单位：市财政局）",
    "二、做好重点群体就业服务",
    "1.优化失业保险金申领程序。失业人员可在线申领失业保险金，审核时限压缩至5个工作日。（责任单位：市人社局、市医保局）",
    "2.开展高校毕业生就业帮扶。组织公共就业服务进校园，为未就业毕业生提供岗位信息和职业指导。"
    "〔牵头单位：市教育局；责任单位：市人社局、团市委〕",
    "某市人民政府办公室",
    "2023年3月1日",
]
SECOND = [
    "某市人民政府关于加强城市供水安全管理的通知",
    "某政发〔2023〕9号",
    "各县（市、区）人民政府，市政府各部门：",
    "一、保障供水水质。供水企业每日检测出厂水水质，并向社会公开检测结果。（责任单位：市水务局）",
    "二、做好应急供水。制定停水应急预案，停水超过12小时的应提前24小时公告。（责任单位：市水务局、市应急管理局）",
    "某市人民政府",
    "2023年3月8日",
]
HEADER = "某市人民政府公报　2023年第1期"
BROKEN_SENTENCE = "对不裁员或少裁员的参保企业，按规定返还失业保险费，推动企业稳定就业岗位。"


def check_notice(notice):
    """The sample notice parsed right: header, signature, clauses and their units."""
    assert notice.doc_no == "某政办发〔2023〕5号"
    assert notice.title == "某市人民政府办公室关于做好2023年稳就业工作的通知"
    assert (notice.issuer, notice.date) == ("某市人民政府办公室", "2023-03-01")
    clauses = {c.path: c for c in notice.clauses}
    first = clauses[("一、", "（一）")]
    assert first.title == "落实失业保险稳岗返还政策" and first.text == BROKEN_SENTENCE
    assert first.lead_units == ("市人社局",) and first.responsible_units == ("各县（市、区）人民政府",)
    assert clauses[("一、", "（二）")].responsible_units == ("市财政局",)
    assert clauses[("二、", "1.")].title == "优化失业保险金申领程序"
    assert clauses[("二、", "1.")].responsible_units == ("市人社局", "市医保局")
    assert clauses[("二、", "2.")].lead_units == ("市教育局",)
    assert clauses[("二、", "2.")].responsible_units == ("市人社局", "团市委")


def parse_file(path):
    return parse_gazette(read_text(path), source=path.name)


def test_the_sample_parses_as_plain_text(tmp_path):
    """The baseline every other format must reach."""
    path = tmp_path / "notice.txt"
    path.write_text("\n".join(NOTICE), encoding="utf-8")
    (notice,) = parse_file(path)
    check_notice(notice)


# --- .docx ---------------------------------------------------------------------------------------


def write_docx(path, paragraphs, table=()):
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = HEADER
    document.sections[0].footer.paragraphs[0].text = "- 1 -"
    for para in paragraphs:
        document.add_paragraph(para)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    document.save(path)


def test_docx_paragraphs_and_table_rows(tmp_path):
    path = tmp_path / "notice.docx"
    rows = [("单位", "联系人", "电话"), ("市人社局", "张三", "12345")]
    write_docx(path, NOTICE + ["附件", "稳就业工作联系人名单"], rows)
    text = read_text(path)
    assert "市人社局\t张三\t12345" in text.split("\n")  # a table row is one tab-separated line
    assert HEADER not in text and "- 1 -" not in text  # Word's page header and footer are not body text
    (notice,) = parse_gazette(text)
    check_notice(notice)
    attachment = next(c for c in notice.clauses if c.path == ("附件",))
    assert attachment.title == "稳就业工作联系人名单" and "市人社局 张三 12345" in attachment.text


def test_a_docx_gazette_holds_two_notices(tmp_path):
    path = tmp_path / "gazette.docx"
    write_docx(path, NOTICE + SECOND)
    first, second = parse_file(path)
    check_notice(first)
    assert (second.doc_no, second.date) == ("某政发〔2023〕9号", "2023-03-08")
    assert second.clauses[1].responsible_units == ("市水务局", "市应急管理局")


# --- .pdf ----------------------------------------------------------------------------------------

PAGE_WIDTH = 30  # characters per printed line, as a notice is typeset


def wrap(paragraphs, width=PAGE_WIDTH):
    return [p[i : i + width] for p in paragraphs for i in range(0, len(p), width)]


def write_pdf(path, pages, page_number="- {} -"):
    """Each page: the running header, its lines, the page number, in reportlab's built-in CJK font."""
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    for number, lines in enumerate(pages, 1):
        pdf.setFont("STSong-Light", 9)
        pdf.drawCentredString(width / 2, height - 40, HEADER)
        pdf.drawCentredString(width / 2, 30, page_number.format(number))
        pdf.setFont("STSong-Light", 14)
        for row, line in enumerate(lines):
            pdf.drawString(72, height - 90 - 22 * row, line)
        pdf.showPage()
    pdf.save()


def split_inside(lines, phrase):
    """Two pages, the break falling after the printed line that contains `phrase`."""
    cut = next(i for i, line in enumerate(lines) if phrase in line) + 1
    return [lines[:cut], lines[cut:]]


@pytest.mark.parametrize("page_number", ["- {} -", "第{}页", "{}"])
def test_pdf_over_two_pages_drops_furniture_and_rejoins_the_broken_sentence(tmp_path, page_number):
    pages = split_inside(wrap(NOTICE), "参保企业")
    assert not pages[0][-1].endswith("。")  # the page break falls inside BROKEN_SENTENCE
    path = tmp_path / "notice.pdf"
    write_pdf(path, pages, page_number)
    text = read_text(path)
    # Each printed CJK line comes back as drawn, header and page number gone, a blank line between pages.
    assert text == "\n\n".join("\n".join(lines) for lines in pages)
    (notice,) = parse_gazette(text)
    check_notice(notice)


def test_a_pdf_gazette_holds_two_notices(tmp_path):
    path = tmp_path / "gazette.pdf"
    write_pdf(path, split_inside(wrap(NOTICE), "参保企业") + [wrap(SECOND)])
    first, second = parse_file(path)
    check_notice(first)
    assert (second.doc_no, second.title) == ("某政发〔2023〕9号", SECOND[0])
    assert second.clauses[0].responsible_units == ("市水务局",)


@pytest.mark.parametrize(
    "pages, kept",
    [
        # Alternating running headers, one with the page number in it.
        (
            [["公报 第2页", "甲", "2"], ["2023年第1期", "乙", "3"],
             ["公报 第4页", "丙", "4"], ["2023年第1期", "丁", "5"]],
            [["甲"], ["乙"], ["丙"], ["丁"]],
        ),
        # One-page notices ending with the same signature and date: text, not a footer.
        ([["通知一", "某市人民政府", "2023年3月1日"], ["通知二", "某市人民政府", "2023年3月1日"]],
         [["通知一", "某市人民政府", "2023年3月1日"], ["通知二", "某市人民政府", "2023年3月1日"]]),
        # A single page: nothing repeats, only the page number goes.
        ([["公报", "正文", "- 1 -"]], [["公报", "正文"]]),
    ],
)
def test_page_furniture_rules(pages, kept):
    assert drop_page_furniture(pages) == kept


def test_a_locked_pdf_says_so(tmp_path):
    path = tmp_path / "locked.pdf"
    pdf = canvas.Canvas(str(path), encrypt="secret")
    pdf.drawString(72, 700, "locked")
    pdf.showPage()
    pdf.save()
    with pytest.raises(SourceError, match="locked.pdf: PDF 文件有密码保护"):
        read_text(path)


def test_a_pdf_without_text_is_refused_as_a_scan(tmp_path):
    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.rect(50, 50, 400, 600, fill=1)  # a page image stands in for the scanned text
    pdf.showPage()
    pdf.save()
    with pytest.raises(SourceError) as error:
        read_text(path)
    assert error.value.reason == "PDF 中没有可提取的文字（可能是扫描件）" and "scan.pdf" in str(error.value)


# --- .html ---------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{title}_某市人民政府门户网站</title>
<script>var nav = "首页 政务公开";</script><style>p {{ text-indent: 2em; }}</style></head>
<body>
<nav><a href="/">首页</a> | <a href="/zwgk">政务公开</a> | <a href="/hd">互动交流</a></nav>
<div class="top-banner">某市人民政府门户网站</div>
<div class="article">
  <h1>{title}</h1>
  <div class="info">发布时间：2023-03-02 来源：市政府办公室 <!-- 浏览次数 --></div>
  <div id="zoom" class="TRS_Editor">
    {paragraphs}
  </div>
</div>
<footer>主办：某市人民政府办公室 网站标识码：1234567890</footer>
</body></html>
"""


def write_html(path, charset="utf-8", encoding="utf-8"):
    body = [f"<p>{line}</p>" for line in NOTICE[1:]]
    # The way sites break a long paragraph in their source, and a <br> inside the signature.
    body[4] = body[4].replace("，按规定", "，\n      按规定")
    body[-2:] = [f"<p style='text-align:right'>{NOTICE[-2]}<br/>{NOTICE[-1]}</p>"]
    page = PAGE.format(charset=charset, title=NOTICE[0], paragraphs="\n    ".join(body))
    path.write_bytes(page.encode(encoding))


@pytest.mark.parametrize("charset, encoding", [("utf-8", "utf-8"), ("gb2312", "gb18030")])
def test_html_keeps_the_content_div_only(tmp_path, charset, encoding):
    path = tmp_path / "t20230302_5.html"
    write_html(path, charset, encoding)
    text = read_text(path)
    assert "首页" not in text and "var nav" not in text and "text-indent" not in text  # nav, script, style
    assert "网站标识码" not in text and "门户网站" not in text and "浏览次数" not in text
    assert text.split("\n")[:2] == NOTICE[:2]  # the <h1> above the body div, then the 文号
    (notice,) = parse_gazette(text)
    check_notice(notice)


def test_html_table_rows_become_tab_separated_lines(tmp_path):
    path = tmp_path / "table.htm"
    rows = "".join(
        f"<tr><td>{a}</td><td><p>{b}</p></td></tr>" for a, b in [("单位", "联系人"), ("市人社局", "张三")]
    )
    path.write_text(f"<html><body><div class='content'><p>名单</p><table>{rows}</table></div></body></html>")
    assert read_text(path).split("\n") == ["名单", "单位\t联系人", "市人社局\t张三"]


# --- broken files ----------------------------------------------------------------------------------

NOISE = random.Random(0).randbytes(4096)


@pytest.mark.parametrize(
    "name, content",
    [
        ("random.docx", NOISE),
        ("random.pdf", NOISE),
        ("random.html", NOISE),
        ("empty.pdf", b""),
        ("empty.docx", b""),
        ("blank.html", b"  \n"),
        ("renamed.pdf", "\n".join(NOTICE).encode()),
        ("renamed.docx", "\n".join(NOTICE).encode()),
        ("truncated.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog"),
        ("not-word.docx", b"PK\x05\x06" + bytes(18)),  # an empty zip archive
        ("old-word.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + NOISE),
        ("no-text.html", b"<html><body><script>alert(1)</script></body></html>"),
    ],
)
def test_broken_files_are_refused_with_their_name_and_a_chinese_reason(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SourceError) as error:
        read_text(path)
    assert name in str(error.value) and re.search(r"[\u4e00-\u9fff]", error.value.reason)


def test_a_broken_pdf_fails_the_build_and_leaves_the_live_file_unchanged(tmp_path):
    folder = tmp_path / "notices"
    folder.mkdir()
    write_pdf(folder / "notice.pdf", split_inside(wrap(NOTICE), "参保企业"))
    build(folder, tmp_path / "kb.db")
    before = (tmp_path / "kb.db").read_bytes()
    (folder / "broken.pdf").write_bytes(NOISE)
    with pytest.raises(BuildError) as error:
        build(folder, tmp_path / "kb.db")
    assert [f.path.name for f in error.value.failures] == ["broken.pdf"] and "broken.pdf" in str(error.value)
    assert (tmp_path / "kb.db").read_bytes() == before
    assert not list(tmp_path.glob("kb.db.building-*"))


def test_a_directory_of_mixed_formats_builds(tmp_path):
    folder = tmp_path / "notices"
    folder.mkdir()
    write_docx(folder / "a.docx", NOTICE)
    write_pdf(folder / "b.pdf", [wrap(SECOND)])
    write_html(folder / "c.html")  # the same notice as a.docx: one entry, the later file wins
    report = build(folder, tmp_path / "kb.db")
    assert report.files == 3 and set(report.notices) == {"某政办发〔2023〕5号", "某政发〔2023〕9号"}
