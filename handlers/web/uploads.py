"""Notice files uploaded by an admin: checked, given a safe name, written into the knowledge directory only."""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path
from urllib.parse import unquote

from knowledge.bundled import BUNDLED_NOTICES

ALLOWED = (".txt", ".docx", ".pdf", ".html", ".htm")
UNSAFE = re.compile(r"[^\w.\-（）()〔〕【】]+")  # \w keeps Chinese; everything else becomes _


class UploadError(ValueError):
    """Why a file was not saved (Chinese, shown to the admin)."""


def safe_name(filename: str) -> str:
    """A plain file name from what the browser sent: no folders, no hidden or lock files, a known type."""
    # Some clients send the name %-encoded (RFC 5987 style); a folder part is dropped either way.
    name = unicodedata.normalize("NFKC", unquote(filename or "")).replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = UNSAFE.sub("_", name).strip("._ ")
    stem, dot, ext = name.rpartition(".")
    ext = f".{ext.lower()}" if dot else ""
    if ext not in ALLOWED:
        raise UploadError(f"不支持的文件类型「{filename}」，只接受 {' '.join(ALLOWED)}")
    if not stem or stem.startswith("~$"):
        raise UploadError(f"文件名无效：「{filename}」")
    return stem[:100] + ext


def writable_dir(knowledge_dir: Path) -> Path:
    """The knowledge directory, unless it is the bundled one inside the program (set BOT_KNOWLEDGE_DIR)."""
    folder = Path(knowledge_dir).resolve()
    if folder == BUNDLED_NOTICES.resolve():
        raise UploadError("当前使用的是程序自带的示例文件目录，不能上传。"
                          "请设置 BOT_KNOWLEDGE_DIR 指向一个数据目录后重启。")
    if not folder.is_dir():
        raise UploadError(f"文件目录不存在：{folder}")
    return folder


def save_upload(knowledge_dir: Path, filename: str, source, limit_bytes: int) -> tuple[Path, bool]:
    """Copy an uploaded file object into the knowledge directory; (path, whether it replaced a file).

    Written to a temporary file beside the target first and moved into place in one step, so a
    reload never reads half a file; nothing is written when the file is empty or too large.
    """
    folder = writable_dir(knowledge_dir)
    target = (folder / safe_name(filename)).resolve()
    if target.parent != folder:
        raise UploadError(f"文件名无效：「{filename}」")
    handle, temp = tempfile.mkstemp(prefix=".upload-", dir=folder)
    try:
        size = 0
        with os.fdopen(handle, "wb") as out:
            while chunk := source.read(1 << 16):
                size += len(chunk)
                if size > limit_bytes:
                    raise UploadError(f"文件「{filename}」超过 {limit_bytes // (1 << 20)} MB 的上限")
                out.write(chunk)
        if size == 0:
            raise UploadError(f"文件「{filename}」是空的")
        existed = target.exists()
        os.replace(temp, target)
        return target, existed
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def knowledge_files(knowledge_dir: Path) -> list[tuple[str, int]]:
    """(name, size) of the notice files in the directory, as the admin page lists them."""
    folder = Path(knowledge_dir)
    if not folder.is_dir():
        return []
    return sorted((p.name, p.stat().st_size) for p in folder.iterdir()
                  if p.is_file() and p.suffix.lower() in ALLOWED and not p.name.startswith((".", "~$")))
