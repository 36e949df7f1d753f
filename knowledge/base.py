"""`KnowledgeBase`: the live Index, rebuilt in the background and swapped in one assignment.

Questions read `self.index` once per answer, so a reload never half-changes what a question sees;
a failed reload raises before the swap and the old index keeps serving.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

from knowledge import store
from knowledge.answer import answer, notice_answer, referenced_notice, unit_answer, unit_names
from knowledge.lexicon import load_lexicon
from knowledge.model import Answer, ReloadReport
from knowledge.normalize import normalize
from knowledge.search import Index
from knowledge.store import Progress

BUNDLED_NOTICES = Path(__file__).parent / "gazettes"


class KnowledgeBase:
    """The knowledge base a running bot answers from."""

    def __init__(self, db_path: Path, knowledge_dir: Path = BUNDLED_NOTICES, lexicon_dir: Path | None = None):
        self.db_path = Path(db_path)
        self.knowledge_dir = Path(knowledge_dir)
        self.lexicon_dir = lexicon_dir
        self._reload_lock = threading.Lock()
        self.last_report: ReloadReport | None = None
        if store.built_from(self.db_path) != str(self.knowledge_dir.resolve()):
            # Missing, unreadable, or built from another directory: build it from this one.
            self.last_report = store.build(self.knowledge_dir, self.db_path)
        self._db_seen = self.db_signature()
        self.index = Index(store.read(self.db_path), load_lexicon(lexicon_dir))

    def ask(self, question: str, limit: int = 5) -> Answer:
        return answer(question, self.index, limit)

    def unit(self, name: str) -> Answer:
        """Clauses a unit leads or shares; `name` may be short (人社局)."""
        index = self.index
        names = unit_names(index)
        key = normalize(name)
        # A part of a name (人社) finds the unit; one character (市, 局) is too little to go on.
        unit = names.get(key) or next((u for alias, u in names.items() if len(key) >= 2 and key in alias), "")
        if not unit:
            return Answer(name, False, "units", unit=name)
        return unit_answer(name, unit, index)

    def doc(self, reference: str) -> Answer:
        """A notice's outline by 文号 (full or 「58号」) or title."""
        index = self.index
        notice, _ = referenced_notice(reference, normalize(reference), index)
        if notice is None:
            return Answer(reference, False, "notice")
        return notice_answer(reference, notice, index, limit=len(notice.clauses))

    def reload(self, progress: Progress | None = None) -> ReloadReport:
        """Rebuild from the knowledge and lexicon directories, then swap; all or nothing."""
        with self._reload_lock:
            started = time.perf_counter()
            lexicon = load_lexicon(self.lexicon_dir)  # a bad lexicon line fails before anything changes
            notices = store.load_notices(self.knowledge_dir, progress)
            index = Index(store.unique(notices)[0], lexicon)
            report = store.build(self.knowledge_dir, self.db_path, progress=None, notices=notices)
            self.index = index  # the swap: one assignment, so a question sees the old or the new index
            self._db_seen = self.db_signature()
            self.last_report = replace(report, seconds=time.perf_counter() - started)
            return self.last_report

    def db_signature(self) -> tuple:
        try:
            stat = self.db_path.stat()
        except FileNotFoundError:
            return ()
        return (stat.st_mtime_ns, stat.st_size, stat.st_ino)

    def refresh(self) -> bool:
        """Pick up a knowledge base file rebuilt by another process (`python -m bot reload`).

        Returns whether the index changed. The new index is built first, then swapped in.
        """
        with self._reload_lock:
            seen = self.db_signature()
            if not seen or seen == self._db_seen:
                return False
            self._db_seen = seen
            if store.built_from(self.db_path) != str(self.knowledge_dir.resolve()):
                return False  # rebuilt from another directory (a test run): keep serving ours
            index = Index(store.read(self.db_path), load_lexicon(self.lexicon_dir))
            self.index = index
            return True

    def sources_signature(self) -> tuple:
        """What the knowledge and lexicon files look like now; a change means a reload is due."""
        folders = [self.knowledge_dir] + ([Path(self.lexicon_dir)] if self.lexicon_dir else [])
        signature = []
        for folder in folders:
            for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
                try:
                    stat = path.stat()
                except OSError:  # an editor's temporary file, gone between listing and looking
                    continue
                if path.is_file():
                    signature.append((str(path), stat.st_mtime_ns, stat.st_size))
        return tuple(signature)
