"""Knowledge files → text. A file that cannot be read raises SourceError naming it."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from knowledge.errors import SourceError
from knowledge.formats import EXTRACTORS, decode_text, library_failure
from knowledge.limits import read_limited
from knowledge.worker import ExtractionWorker

TEXT_SUFFIXES = {".txt", ".md", ""}


def knowledge_files(directory: Path) -> list[Path]:
    """Every file the knowledge base is built from, in a stable order (hidden files skipped)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise SourceError(directory, "知识库目录不存在")
    return sorted(p for p in directory.rglob("*") if p.is_file() and not is_scratch(p.relative_to(directory)))


def is_scratch(relative: Path) -> bool:
    """Hidden files, Word's lock files (~$通知.docx) and editors' backups (通知.txt~, #通知.txt#)."""
    name = relative.name
    return any(part.startswith(".") for part in relative.parts) or name.startswith(("~$", "#")) or name.endswith(
        ("~", ".swp", ".tmp", ".bak")
    )


def read_text(path: Path, worker: ExtractionWorker | None = None) -> str:
    """The text of one knowledge file, whatever its format; a .docx/.pdf/.html is parsed by `worker`
    (within its time and memory limits) when given, else here (plain text always here: our own code,
    linear in the file's size)."""
    path = Path(path)
    suffix = path.suffix.lower()
    data = read_limited(path)
    if not data.strip():
        raise SourceError(path, "文件是空的")
    if suffix in EXTRACTORS and worker is not None:
        text = worker.extract(path, suffix, data)
    elif suffix in EXTRACTORS:
        try:
            text = EXTRACTORS[suffix](path, data)
        except SourceError:
            raise
        except Exception as exc:  # a broken .docx/.pdf raises whatever its library raises
            raise SourceError(path, library_failure(suffix, exc)) from exc
    else:
        text = decode_text(path, data)
    if not looks_like_text(text):
        raise SourceError(path, "文件内容不是可读的文字")
    return text


def looks_like_text(text: str) -> bool:
    """Random bytes can decode as GB18030; real notices are mostly letters and CJK."""
    sample = text[:20000]
    if not sample.strip():
        return False
    bad = sum(1 for ch in sample if unicodedata.category(ch) in ("Cc", "Co", "Cn", "Cs") and ch not in "\n\r\t")
    return bad / len(sample) < 0.01
