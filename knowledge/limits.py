"""How much of one knowledge file the build will read: a file past a limit is refused, named in the
report, before it can take minutes or gigabytes (a 200 MB dump, a .docx that unpacks to 600 MB, a
PDF that keeps its parser busy for minutes)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from knowledge.errors import SourceError

MB = 1024 * 1024
MAX_FILE_BYTES = 50 * MB  # a whole year's gazette as a PDF is a few MB; past this it is not a notice
MAX_UNPACKED_BYTES = 200 * MB  # all parts of a .docx (or .xlsx…) once unpacked, images included
MAX_XML_PART_BYTES = 40 * MB  # one unpacked XML part: parsed into memory at several times its size
MAX_PARTS = 10_000
# A .docx/.pdf/.html is parsed in a worker process (knowledge/worker.py) within these. An ordinary
# notice takes well under a second; a 53 KB PDF of tiny glyphs kept pdfminer busy for two minutes.
MAX_PARSE_SECONDS = 60  # the default of BOT_PARSE_SECONDS
MAX_PARSE_BYTES = 2048 * MB  # the worker's address space: a 5 MB web page peaks near 300 MB in bs4


def read_limited(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes; SourceError when it cannot be read or is larger than `limit`."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise SourceError(path, f"文件太大（{size / MB:.0f} MB，上限 {limit // MB} MB）")
        with open(path, "rb") as file:
            # One byte more than it said it had: a file still growing cannot slip past the limit.
            # (Never read(limit + 1): Python allocates the whole request up front.)
            data = file.read(size + 1)
            if len(data) > size:
                data += file.read(limit + 1 - len(data))
    except PermissionError:
        raise SourceError(path, "没有读取这个文件的权限") from None
    except OSError as exc:
        raise SourceError(path, f"无法读取文件（{exc.strerror or type(exc).__name__}）") from None
    if len(data) > limit:
        raise SourceError(path, f"文件太大（超过 {limit // MB} MB）")
    return data


def check_unpacked_size(path: Path, data: bytes) -> None:
    """Refuse a zip-based file (.docx) whose parts would unpack past the limits.

    The sizes checked are the ones the archive declares; Python's zipfile never unpacks a part past
    its declared size (it stops and fails the checksum), so a lying archive cannot get round them.
    """
    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError):
        return  # not a zip: the extractor says so in its own words
    if len(parts) > MAX_PARTS:
        raise SourceError(path, f"文件内部结构异常（{len(parts)} 个部件）")
    total = sum(part.file_size for part in parts)
    largest_xml = max((part.file_size for part in parts if part.filename.endswith(".xml")), default=0)
    if total > MAX_UNPACKED_BYTES or largest_xml > MAX_XML_PART_BYTES:
        raise SourceError(path, f"文件解压后太大（{total / MB:.0f} MB），可能已损坏或是压缩炸弹")
