"""`KnowledgeBase`: the live Index, rebuilt in the background and swapped in one assignment.

Questions read `self.index` once per answer, so a reload never half-changes what a question sees;
a failed reload raises before the swap and the old index keeps serving.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from pathlib import Path

from knowledge import store, wordindex
from knowledge.answer import RESULTS, answer, doc_answer, named_unit_answer
from knowledge.bundled import BUNDLED_NOTICES
from knowledge.damage import DamagedDatabase, set_aside
from knowledge.lexicon import Lexicon, load_lexicon
from knowledge.limits import MAX_PARSE_SECONDS
from knowledge.model import Answer, Hit, ReloadReport
from knowledge.places import place_names
from knowledge.search import Index
from knowledge.store import Progress
from knowledge.thesaurus import synonym_sets
from knowledge.tokens import Tokenizer, dictionary_tags

log = logging.getLogger(__name__)


def load_index(db_path: Path, lexicon: Lexicon, made: WordMaker | None = None) -> Index:
    """The Index of a knowledge base file: the one way an Index is made, at start-up and after a reload,
    so what was written is what is read back. The clauses' words come stored with them; words made
    with another lexicon or tokenizer are made afresh. `made`: the build that just wrote the file, whose
    tokenizer is the one this file's words call for (jieba's dictionary is then not read twice)."""
    notices, rows = store.read_with_tables(db_path, wordindex.TABLES)
    stored = stored_words(rows, lexicon, sum(len(n.clauses) for n in notices))
    tokenizer = made.tokenizer_for(stored, lexicon) if made and stored else None
    return Index(notices, lexicon, stored, tokenizer)


def stored_words(rows: dict | None, lexicon: Lexicon, clauses: int) -> wordindex.StoredWords | None:
    """The stored words in a file's rows, when made with this lexicon and tokenizer for these clauses."""
    stored = wordindex.from_tables(rows) if rows else None
    if stored is None or stored.fingerprint != wordindex.fingerprint(lexicon) or len(stored.words) != clauses:
        return None
    return stored


class WordMaker:
    """What a build stores beside the notices (`store.ExtraTables`): the words of an Index made from
    them, tokenised here once."""

    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon
        self.tokenizer: Tokenizer | None = None

    def __call__(self, notices) -> dict[str, list[dict]]:
        index = Index(notices, self.lexicon)
        self.tokenizer = index.tokenizer
        return wordindex.tables(index.stored_words(wordindex.fingerprint(self.lexicon)))

    def tokenizer_for(self, stored: wordindex.StoredWords, lexicon: Lexicon) -> Tokenizer | None:
        """This build's tokenizer, when it is the one the stored words were made with."""
        same = lexicon is self.lexicon and self.tokenizer and self.tokenizer.knowledge_terms == set(stored.key_terms)
        return self.tokenizer if same else None


def words_current(db_path: Path, lexicon: Lexicon) -> bool:
    """Whether the file's stored words were made with this lexicon and tokenizer."""
    try:
        rows = store.read_tables(db_path, ("word_meta",))
    except Exception:  # unreadable: rebuilt like a file without words
        return False
    meta = dict(rows["word_meta"]) if rows else {}
    return meta.get("fingerprint") == f'"{wordindex.fingerprint(lexicon)}"'.encode()


_warmed = threading.Event()


def warm_up() -> None:
    """Load jieba's tags, place names and 词林 in the background once per process, before the first
    question needs them."""
    if not _warmed.is_set():
        _warmed.set()
        threading.Thread(target=lambda: (place_names(), dictionary_tags(), synonym_sets()), daemon=True).start()


class KnowledgeBase:
    """The knowledge base a running bot answers from."""

    def __init__(self, db_path: Path, knowledge_dir: Path = BUNDLED_NOTICES, lexicon_dir: Path | None = None,
                 region: str = "", parse_seconds: float = MAX_PARSE_SECONDS):
        self.db_path = Path(db_path)
        self.parse_seconds = parse_seconds  # BOT_PARSE_SECONDS: the time one .docx/.pdf/.html may take
        self.region = region  # the place served (BOT_REGION): questions naming no place stay with its notices
        self.knowledge_dir = Path(knowledge_dir)
        self.lexicon_dir = lexicon_dir
        # Started first, so that at scale the word lists load while the index does, not while the first
        # questions are answered (each would wait for them, or for the interpreter lock).
        warm_up()
        self._reload_lock = threading.Lock()
        self.last_report: ReloadReport | None = None
        self.repairs: list[str] = []  # damaged files set aside, for the next report to say
        lexicon = load_lexicon(lexicon_dir)
        made = None
        if self._built_from() != str(self.knowledge_dir.resolve()) or not words_current(self.db_path, lexicon):
            # Missing, damaged, built from another directory or with another lexicon: build it.
            made = self._build(lexicon)
        self._db_seen = self.db_signature()
        self.index = self._load(lexicon, made)

    def _built_from(self) -> str:
        """store.built_from; a damaged file is set aside, so it is rebuilt like a missing one."""
        try:
            return store.checked_built_from(self.db_path)
        except DamagedDatabase:
            self._set_aside()
            return ""

    def _build(self, lexicon: Lexicon) -> WordMaker:
        """Build the file from the knowledge directory; the report says which damaged file was set aside."""
        # Nobody sees this report: its new notices stay pending for the next reload's report.
        made = WordMaker(lexicon)
        report = store.build(self.knowledge_dir, self.db_path, reported=False, extra=made,
                             parse_seconds=self.parse_seconds)
        self.last_report = replace(report, warnings=(*self.repairs, *report.warnings))
        self.repairs.clear()
        self._db_seen = self.db_signature()
        return made

    def _set_aside(self) -> None:
        aside = set_aside(self.db_path)
        log.warning("the knowledge base was damaged; it is rebuilt from %s", self.knowledge_dir)
        self.repairs.append(f"原知识库文件已损坏，已改名为 {aside.name} 保留，并从知识文件重新生成")

    def _load(self, lexicon: Lexicon, made: WordMaker | None = None) -> Index:
        """The stored file's Index; a file found damaged only now is set aside and rebuilt once."""
        try:
            return load_index(self.db_path, lexicon, made)
        except DamagedDatabase:
            self._set_aside()
            return load_index(self.db_path, lexicon, self._build(lexicon))

    def ask(self, question: str, limit: int = RESULTS, context: tuple[Hit, ...] = ()) -> Answer:
        """An answer; `context` (the results last shown, the clause on screen first) for follow-ups."""
        return answer(question, self.index, limit, self.region, context)

    def unit(self, name: str) -> Answer:
        """Clauses a unit leads or shares; `name` may be short (人社局)."""
        return named_unit_answer(name, self.index)

    def doc(self, reference: str) -> Answer:
        """A notice's outline by 文号 (full, 「58号」 or 「58」) or title."""
        return doc_answer(reference, self.index)

    @property
    def notices(self):
        return self.index.notices

    def reload(self, progress: Progress | None = None) -> ReloadReport:
        """Rebuild from the knowledge and lexicon directories, then swap; all or nothing."""
        with self._reload_lock:
            started = time.perf_counter()
            lexicon = load_lexicon(self.lexicon_dir)  # a bad lexicon line fails before anything changes
            made = WordMaker(lexicon)
            report = store.build(self.knowledge_dir, self.db_path, progress, extra=made,
                                 parse_seconds=self.parse_seconds)
            index = self._load(lexicon, made)
            self.index = index  # the swap: one assignment, so a question sees the old or the new index
            self._db_seen = self.db_signature()
            warnings = (*self.repairs, *report.warnings, *lexicon.conflicts())
            self.repairs.clear()
            self.last_report = replace(report, warnings=warnings, seconds=time.perf_counter() - started)
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
            lexicon, made = load_lexicon(self.lexicon_dir), None
            try:
                if store.checked_built_from(self.db_path) != str(self.knowledge_dir.resolve()):
                    return False  # rebuilt from another directory (a test run): keep serving ours
            except DamagedDatabase:  # damaged on disk while we serve from memory: rebuilt, so a restart is sound
                self._set_aside()
                made = self._build(lexicon)
            self.index = self._load(lexicon, made)
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
