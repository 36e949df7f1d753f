""".docx, .pdf and .html knowledge files → plain text that `parse.parse_gazette` reads.

Each extractor takes `(path, data)` and returns text with one paragraph (or wrapped line) per
line, table rows as tab-separated cells; `EXTRACTORS` lists them by suffix, and any other suffix is
plain text (`decode_text`). Library
errors are left to `sources.read_text` (or the worker process it hands them to, `worker.py`), which
turns them into a `SourceError` naming the file.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from pathlib import Path

from knowledge.docref import DOC_NO_LINE
from knowledge.errors import SourceError
from knowledge.limits import check_unpacked_size
from knowledge.pdftext import DATE_LINE, PAGE_NUMBER

# --- .docx ---------------------------------------------------------------------------------------

OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary Word format (.doc), often renamed to .docx


def docx_text(path: Path, data: bytes) -> str:
    """Body paragraphs and table rows in document order; headers and footers are not read."""
    if data.startswith(OLE_MAGIC):
        raise SourceError(path, "这是旧版 Word（.doc）文件，请用 Word 另存为 .docx 后再导入")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise SourceError(path, "不是 Word（.docx）文件")
    check_unpacked_size(path, data)  # before python-docx unpacks every part into memory
    from docx import Document  # imported here: python-docx is only needed when a .docx is read
    from docx.table import Table

    lines = []
    for block in Document(io.BytesIO(data)).iter_inner_content():
        if isinstance(block, Table):
            lines += [docx_row(row) for row in block.rows]
        else:
            # A tab inside a paragraph only aligns (「某市人民政府\t2023年3月1日」); tabs mean table rows.
            lines.append(block.text.replace("\t", " "))
    return "\n".join(line for line in lines if line.strip())


def docx_row(row) -> str:
    """One table row as tab-separated cells; a merged cell is listed once."""
    cells, seen = [], set()
    for cell in row.cells:
        if id(cell._tc) not in seen:  # python-docx repeats a horizontally merged cell
            seen.add(id(cell._tc))
            cells.append(" ".join(cell.text.split()))
    return "\t".join(cells) if any(cells) else ""


# --- .pdf ----------------------------------------------------------------------------------------

EDGE_LINES = 2  # running headers and footers sit in the first or last two lines of a page
# A running header may carry the page number: 「某市人民政府公报 第3页」, 「- 3 -  某市人民政府公报」.
PAGE_TOKEN = re.compile(r"第\d+页(?:共\d+页)?|^[-—－·]*\d{1,4}[-—－·]*|[-—－·]*\d{1,4}[-—－·]*$")
CID_GLYPH = re.compile(r"\(cid:\d+\)")  # pdfminer's stand-in for a glyph it cannot map to Unicode


def pdf_text(path: Path, data: bytes) -> str:
    """Text per page (pdfplumber, layout off), furniture dropped, pages separated by a blank line."""
    if b"%PDF-" not in data[:1024]:  # readers accept the header anywhere in the first 1 KB
        raise SourceError(path, "不是 PDF 文件（文件头不是 %PDF-）")
    pages = pdf_pages(path, data)
    if not any(pages):
        raise SourceError(path, "PDF 中没有可提取的文字（可能是扫描件）")
    text = "\n\n".join("\n".join(lines) for lines in drop_page_furniture(pages) if lines)
    # A font without a Unicode map comes out as 「(cid:123)」: refuse rather than index noise.
    if len(CID_GLYPH.findall(text)) > len(CID_GLYPH.sub("", text)) / 10:
        raise SourceError(path, "PDF 的字体缺少文字映射，无法提取文字")
    return text


def pdf_pages(path: Path, data: bytes) -> list[list[str]]:
    """The non-blank lines of each page; a locked or damaged file gets its own reason."""
    import pdfplumber  # imported here: pdfminer is slow to import and only needed for PDFs
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            # dedupe_chars: titles are often set in fake bold, each glyph drawn twice (「通通知知」).
            pages = [(page.dedupe_chars().extract_text() or "").split("\n") for page in pdf.pages]
    except PdfminerException as exc:  # pdfplumber wraps pdfminer's error as its first argument
        locked = any(isinstance(arg, PDFPasswordIncorrect) for arg in exc.args)
        raise SourceError(path, "PDF 文件有密码保护" if locked else "PDF 文件已损坏或不完整") from exc
    return [[line.strip() for line in lines if line.strip()] for lines in pages]


def drop_page_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Remove running headers, footers and page numbers from the top and bottom of each page."""
    running = running_lines(pages)

    def furniture(line: str) -> bool:
        if DATE_LINE.match(line) or DOC_NO_LINE.match(line):
            return False  # a signature date or 文号 ending several one-page notices is text
        return bool(PAGE_NUMBER.match(line)) or furniture_key(line) in running

    out = []
    for lines in pages:
        start, end = 0, len(lines)
        while start < end and start < EDGE_LINES and furniture(lines[start]):
            start += 1
        while end > start and len(lines) - end < EDGE_LINES and furniture(lines[end - 1]):
            end -= 1
        out.append(lines[start:end])
    return out


def running_lines(pages: list[list[str]]) -> set[str]:
    """Lines found at the top or bottom of at least half the pages (two at least)."""
    counts: Counter[str] = Counter()
    for lines in pages:
        edges = lines[:EDGE_LINES] + lines[-EDGE_LINES:]
        counts.update({furniture_key(line) for line in edges})
    # Half, not most: printed gazettes alternate headers (name on even pages, issue on odd).
    needed = max(2, len(pages) // 2)
    return {key for key, n in counts.items() if key and n >= needed}


def furniture_key(line: str) -> str:
    """A header compared without spaces or its page number, which changes from page to page."""
    return PAGE_TOKEN.sub("", re.sub(r"\s+", "", line))


# --- .html ---------------------------------------------------------------------------------------

META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_-]+)", re.I)
# Sites declare gb2312 but use characters outside it; GB18030 is a superset of both.
CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "utf-8": "utf-8-sig"}
# Not <form>: ASP.NET sites wrap the whole page in one.
NOT_CONTENT = ["script", "style", "noscript", "template", "nav", "header", "footer", "iframe", "select"]
# Where government sites put the notice itself: the font-size 「zoom」 box and the TRS WCM editor's
# div hold just the body; 「content」/「article」 wrappers often add a 发布时间/来源 line and share buttons.
BODY_HINT = re.compile(r"zoom|TRS_Editor|zhengwen", re.I)
CONTENT_HINT = re.compile(r"content|article|detail", re.I)


def html_text(path: Path, data: bytes) -> str:
    """The page's main text, one block element per line, table rows as tab-separated cells."""
    from bs4 import BeautifulSoup  # imported here: bs4 is only needed when a web page is read

    from knowledge.htmlwalk import block_lines
    soup = BeautifulSoup(decode_html(path, data), "html.parser")
    for tag in soup.find_all(NOT_CONTENT):
        tag.decompose()
    root = main_content(soup)
    lines = [tidy(line) for line in block_lines(root).split("\n")]
    text = "\n".join(line for line in lines if line)
    if not text:
        raise SourceError(path, "网页中没有正文文字")
    return text


def tidy(line: str) -> str:
    """Collapse spaces (&nbsp;, 　 indents) but keep the tabs between table cells."""
    cells = [" ".join(cell.split()) for cell in line.split("\t")]
    return "\t".join(cells) if any(cells) else ""


def decode_html(path: Path, data: bytes) -> str:
    """The charset the page declares, else UTF-8 or GB18030."""
    m = META_CHARSET.search(data[:4096])
    if m:
        declared = m.group(1).decode("ascii").lower()
        try:
            return data.decode(CHARSET_ALIASES.get(declared, declared))
        except (LookupError, UnicodeDecodeError):
            pass  # pages copied between templates keep a stale declaration; guess instead
    return decode_text(path, data)


def main_content(soup):
    """The element whose id or class names it the notice body (the largest such), else the whole page."""
    for hint in (BODY_HINT, CONTENT_HINT):
        hinted = [tag for tag in soup.find_all(True) if hint.search(names(tag))]
        if hinted:
            break
    else:
        return soup.body or soup
    from knowledge.htmlwalk import text_lengths

    lengths = text_lengths(soup)  # one pass: nested hinted divs would make get_text per tag quadratic
    root = max(hinted, key=lambda tag: lengths[id(tag)])
    # The title is often an <h1> above the body container; the parser needs it before the 文号.
    title = soup.find("h1")
    if title and not root.find("h1"):
        root.insert(0, title.extract())
    return root


def names(tag) -> str:
    return " ".join([tag.get("id") or "", *(tag.get("class") or [])])


# --- plain text ----------------------------------------------------------------------------------


def decode_text(path: Path, data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GB18030, a superset of GBK and GB2312."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SourceError(path, "无法识别的文件编码（不是 UTF-8 或 GB18030）")


def library_failure(suffix: str, exc: Exception) -> str:
    """The reason given for a file whose library raised something of its own (a broken .docx/.pdf)."""
    return f"无法读取{suffix}文件（{type(exc).__name__}）"


def preload() -> None:
    """Import every extractor's library now (the worker does, so its time limit measures parsing)."""
    import bs4  # noqa: F401
    import docx  # noqa: F401
    import pdfplumber  # noqa: F401

    import knowledge.htmlwalk  # noqa: F401


EXTRACTORS = {".docx": docx_text, ".pdf": pdf_text, ".html": html_text, ".htm": html_text, ".shtml": html_text}
