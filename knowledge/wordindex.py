"""Every clause's words, made once by `reload` and stored beside the clauses.

Running jieba over every clause is most of what building an Index costs, so a build does it once and
writes the result into the knowledge base file; start-up reads it back instead. What is stored is
only what the tokenizer made — each field's words, and postings of raw counts per field — so the
ranking's weights (search.py) may change without a rebuild. The words depend on the lexicon, jieba
and the code that cuts them: those make the `fingerprint`, and words of another fingerprint are not
used (the knowledge base is rebuilt, or the words made afresh).

Sizes follow the text: a field's words are stored once however many clauses share them (a notice's
title, a unit list), and a term's postings are arrays of clause numbers and counts.
"""

from __future__ import annotations

import hashlib
import json
import sys
from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import jieba
import numpy as np

from knowledge.lexicon import Lexicon

FIELDS = ("title", "section", "text", "units", "notice")
SEP = "\x1f"  # between words of a field: jieba never puts control characters in a word
CACHED_CLAUSES = 4096  # clauses whose word counts are kept at hand (hits, candidates)
FORMAT = "1"  # bumped when what is stored changes shape
# The code whose output is stored: an edit there makes stored words stale.
MAKERS = ("tokens.py", "expand.py", "search.py", "catalog.py", "places.py", "normalize.py", "wordindex.py")


def fingerprint(lexicon: Lexicon) -> str:
    """What the stored words were made with: lexicon, jieba, the tokenizing code, byte order."""
    lexicon_key = [lexicon.synonyms, lexicon.userdict, *(sorted(s) for s in
                   (lexicon.stopwords, lexicon.generic, lexicon.topics))]
    digest = hashlib.sha256(json.dumps([FORMAT, jieba.__version__, sys.byteorder, lexicon_key],
                                       ensure_ascii=False).encode())
    here = Path(__file__).parent
    for name in MAKERS:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:16]


class ClauseWords:
    """Clause number → its words by field; term → the clauses holding it, with counts per field."""

    def __init__(self, phrases: list[str], fields: list[tuple[int, ...]], lengths: np.ndarray,
                 postings: dict[str, bytes], df: dict[str, int]):
        self.dtype = posting_type(len(fields))
        self._phrases = phrases  # each distinct field's words, SEP-joined
        self._fields = fields  # per clause: an index into _phrases for each of FIELDS
        self.lengths = lengths  # clauses × FIELDS: words per field (for BM25's length norm)
        self._postings = postings
        self.df = df  # term → clauses holding it
        self.counts = lru_cache(maxsize=CACHED_CLAUSES)(self._counts)
        self.terms = lru_cache(maxsize=CACHED_CLAUSES)(self._terms)
        # A section, a unit list, a notice's title: one phrase shared by many clauses, counted once.
        self._phrase_counts = lru_cache(maxsize=CACHED_CLAUSES)(self._count_phrase)

    def __len__(self) -> int:
        return len(self._fields)

    @classmethod
    def from_words(cls, per_clause: list[dict[str, list[str]]]) -> ClauseWords:
        """From each clause's words by field, as the tokenizer made them."""
        ids: dict[str, int] = {}
        term_ids: dict[str, int] = {}
        fields, lengths = [], array("i")
        found = Found()
        counted: dict[int, tuple[list[int], list[int]]] = {}  # a notice's title, a unit list: counted once
        for doc, words in enumerate(per_clause):
            row = []
            for f, name in enumerate(FIELDS):
                terms = words[name]
                phrase = ids.setdefault(SEP.join(terms), len(ids))
                row.append(phrase)
                lengths.append(len(terms))
                if phrase not in counted:
                    counts = Counter(terms)
                    counted[phrase] = ([term_ids.setdefault(t, len(term_ids)) for t in counts], list(counts.values()))
                found.add(*counted[phrase], doc, f)
            fields.append(tuple(row))
        blobs, df = found.postings(len(term_ids), len(per_clause), posting_type(len(per_clause)))
        shape = (len(per_clause), len(FIELDS))
        return cls(list(ids), fields, np.frombuffer(lengths, dtype=np.int32).reshape(shape),
                   dict(zip(term_ids, blobs, strict=True)), dict(zip(term_ids, df.tolist(), strict=True)))

    def field_counts(self, term: str) -> list[tuple[np.ndarray, np.ndarray]]:
        """(clause numbers, counts) of the term in each of FIELDS; empty arrays where it is absent."""
        blob = self._postings.get(term)
        if blob is None:
            return []
        packed = np.frombuffer(blob, dtype=self.dtype)
        sizes = packed[: len(FIELDS)].tolist()
        half = (len(packed) - len(FIELDS)) // 2
        docs, counts = packed[len(FIELDS) : len(FIELDS) + half], packed[len(FIELDS) + half :]
        out, at = [], 0
        for size in sizes:
            out.append((docs[at : at + size], counts[at : at + size]))
            at += size
        return out

    def _counts(self, doc: int) -> dict[str, dict[str, int]]:
        """A clause's words by field with how often each occurs (read-only: shared between clauses)."""
        phrases = self._fields[doc]
        return {name: self._phrase_counts(p) for name, p in zip(FIELDS, phrases, strict=True)}

    def _count_phrase(self, phrase: int) -> dict[str, int]:
        return Counter(_split(self._phrases[phrase]))

    def _terms(self, doc: int) -> frozenset[str]:
        return frozenset().union(*self.counts(doc).values())

    def title_words(self) -> set[str]:
        return {w for row in self._fields for w in _split(self._phrases[row[0]])}

    # --- storage ----------------------------------------------------------------------------

    def rows(self) -> dict[str, list[dict]]:
        """Table name → rows, for the knowledge base file."""
        return {
            "phrases": [{"id": i, "words": p} for i, p in enumerate(self._phrases)],
            "clause_words": [{"doc": d, **dict(zip(FIELDS, row, strict=True))} for d, row in enumerate(self._fields)],
            "postings": [{"term": t, "df": self.df[t], "counts": blob} for t, blob in self._postings.items()],
        }

    @classmethod
    def from_rows(cls, phrases, clause_words, postings, lengths: bytes) -> ClauseWords:
        """Back from the stored tables (rows as tuples, in column order)."""
        words = [p for _, p in sorted(phrases)]
        fields = [tuple(row[1:]) for row in sorted(clause_words)]
        df = {term: n for term, n, _ in postings}
        blobs = {term: blob for term, _, blob in postings}
        shape = (len(fields), len(FIELDS))
        return cls(words, fields, np.frombuffer(lengths, dtype=np.int32).reshape(shape), blobs, df)


class PerClause(Sequence):
    """A read-only list whose items are made when asked for (a clause's words, from the stored ones)."""

    def __init__(self, make, size: int):
        self._make, self._size = make, size

    def __getitem__(self, doc):
        if not isinstance(doc, int) or not 0 <= doc < self._size:
            raise IndexError(doc)
        return self._make(doc)

    def __len__(self) -> int:
        return self._size


def posting_type(clauses: int):
    """Two bytes a number while clause numbers fit (counts are capped there: no field repeats a word
    65,535 times), four beyond."""
    return np.uint16 if clauses < 2**16 else np.int32


def _split(joined: str) -> list[str]:
    return joined.split(SEP) if joined else []


class Found:
    """(term, clause, field, count) as the words are read, then packed per term in a few array operations."""

    def __init__(self):
        self.terms, self.docs, self.fields, self.counts = array("i"), array("i"), array("i"), array("i")

    def add(self, terms: list[int], counts: list[int], doc: int, field_number: int) -> None:
        self.terms.extend(terms)
        self.docs.extend([doc] * len(terms))
        self.fields.extend([field_number] * len(terms))
        self.counts.extend(counts)

    def postings(self, n_terms: int, n_docs: int, dtype) -> tuple[list[bytes], np.ndarray]:
        """Per term, one array: its size in each field, then clause numbers field by field (in clause
        order), then the counts in the same order; and how many clauses hold each term."""
        terms, docs, fields, counts = (np.frombuffer(a, dtype=np.int32) for a in
                                       (self.terms, self.docs, self.fields, self.counts))
        order = np.lexsort((docs, fields, terms))
        terms, docs, counts = terms[order], docs[order], counts[order]
        sizes = np.bincount(terms * len(FIELDS) + fields[order], minlength=n_terms * len(FIELDS))
        sizes = sizes.reshape(n_terms, len(FIELDS))
        per_term = sizes.sum(axis=1)
        ends = np.cumsum(len(FIELDS) + 2 * per_term)
        starts = ends - (len(FIELDS) + 2 * per_term)
        first = np.cumsum(per_term) - per_term  # where each term's entries begin in the sorted arrays
        rank = np.arange(len(terms)) - first[terms]
        packed = np.empty(int(ends[-1]) if n_terms else 0, dtype=dtype)
        packed[(starts[:, None] + np.arange(len(FIELDS))).ravel()] = sizes.ravel()
        packed[starts[terms] + len(FIELDS) + rank] = docs
        packed[starts[terms] + len(FIELDS) + per_term[terms] + rank] = np.minimum(counts, np.iinfo(dtype).max)
        pairs = np.unique(terms.astype(np.int64) * max(n_docs, 1) + docs)
        df = np.bincount(pairs // max(n_docs, 1), minlength=n_terms)
        raw, width = packed.tobytes(), packed.itemsize
        return [raw[width * s : width * e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)], df


@dataclass
class StoredWords:
    """Everything an Index makes with the tokenizer, as read back from the knowledge base file."""

    words: ClauseWords
    key_terms: list[str]  # the knowledge base's own terms added to jieba (units, 文号, quoted terms)
    catalog: dict  # what the catalog works out from the notices (Catalog.parts)
    sounds: dict[tuple[str, ...], list[str]] = field(default_factory=dict)  # pinyin → terms, for typos
    fingerprint: str = ""


def tables(stored: StoredWords) -> dict[str, list[dict]]:
    """Rows to write for stored words."""
    parts = {
        "fingerprint": stored.fingerprint,
        "key_terms": sorted(stored.key_terms),
        "catalog": stored.catalog,
        "sounds": [[" ".join(k), v] for k, v in stored.sounds.items()],
    }
    meta = [{"key": k, "value": json.dumps(v, ensure_ascii=False).encode()} for k, v in parts.items()]
    meta.append({"key": "lengths", "value": stored.words.lengths.astype(np.int32).tobytes()})
    return {**stored.words.rows(), "word_meta": meta}


def from_tables(rows: dict[str, list[tuple]]) -> StoredWords:
    """Stored words back from their tables' rows (tuples in column order)."""
    meta = dict(rows["word_meta"])
    parts = {k: json.loads(v) for k, v in meta.items() if k != "lengths"}
    words = ClauseWords.from_rows(rows["phrases"], rows["clause_words"], rows["postings"], meta["lengths"])
    sounds = {tuple(k.split(" ")): v for k, v in parts["sounds"]}
    return StoredWords(words, parts["key_terms"], parts["catalog"], sounds, parts["fingerprint"])


TABLES = ("phrases", "clause_words", "postings", "word_meta")
