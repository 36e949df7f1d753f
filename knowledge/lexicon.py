"""Admin-editable word lists → the maps the search uses. A bad line is reported as file:line.

Files in the lexicon directory (bundled: knowledge/lexicon/):
    synonyms.txt   `口语1 口语2 => 规范词1 规范词2`   everyday phrases → the notices' words
    userdict.txt   `词 [词频] [词性]`                  jieba user dictionary for government terms
    stopwords.txt  one word a line                    filler that is not content (请问, 怎么办)
    generic.txt    one word a line                    words too common in notices to be evidence
    dialect.txt    `方言1 方言2 => 普通话`             regional words rewritten in questions (冇得 → 没有)
    topics.txt     words, any number a line           public-service topics (公积金, 驾照): named in a
                                                      question but absent from the notices, they mean
                                                      the question is about something else
Lines starting with # are comments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.bundled import BUNDLED_LEXICON
from knowledge.errors import LexiconError

BUNDLED = BUNDLED_LEXICON


@dataclass(frozen=True)
class Lexicon:
    synonyms: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()  # (colloquial phrases, official terms)
    userdict: tuple[tuple[str, int], ...] = ()
    stopwords: frozenset[str] = field(default_factory=frozenset)
    generic: frozenset[str] = field(default_factory=frozenset)
    topics: frozenset[str] = field(default_factory=frozenset)
    dialect: tuple[tuple[str, str], ...] = ()  # (regional word, Mandarin), longest regional word first

    def to_mandarin(self, text: str) -> str:
        """A question with its regional words in Mandarin: 「冇得人帮我」 → 「没有人帮我」."""
        for regional, mandarin in self.dialect:
            if regional in text:
                text = text.replace(regional, mandarin)
        return text

    def conflicts(self) -> list[str]:
        """Lines that contradict each other, for the reload report: a public-service topic that is also
        an everyday phrase of synonyms.txt (name the service by its official term in topics.txt)."""
        everyday = {phrase for phrases, _ in self.synonyms for phrase in phrases}
        return [f"topics.txt 的「{word}」也是 synonyms.txt 的口语词：请在 topics.txt 中改用它的规范词"
                for word in sorted(self.topics & everyday)]


def load_lexicon(directory: Path | None = None) -> Lexicon:
    """Read and check every lexicon file; raise LexiconError listing every bad line."""
    directory = Path(directory) if directory else BUNDLED
    problems: list[str] = []
    synonyms = [
        parsed for parsed in (
            _synonym(line, f"{directory.name}/synonyms.txt:{n}", problems)
            for n, line in _lines(directory / "synonyms.txt")
        ) if parsed
    ]
    userdict = [
        parsed for parsed in (
            _userdict_entry(line, f"{directory.name}/userdict.txt:{n}", problems)
            for n, line in _lines(directory / "userdict.txt")
        ) if parsed
    ]
    stopwords = _word_list(directory / "stopwords.txt", problems)
    generic = _word_list(directory / "generic.txt", problems)
    topics = {word.lower() for _, line in _lines(directory / "topics.txt") for word in line.split()}
    dialect = [
        (regional, standard[0])
        for n, line in _lines(directory / "dialect.txt")
        for parsed in [_synonym(line, f"{directory.name}/dialect.txt:{n}", problems)] if parsed
        for regional, standard in [(w, parsed[1]) for w in parsed[0]]
    ]
    if problems:
        raise LexiconError(problems)
    dialect.sort(key=lambda pair: -len(pair[0]))  # 冇得 before 冇
    return Lexicon(tuple(synonyms), tuple(userdict), frozenset(stopwords), frozenset(generic), frozenset(topics),
                   tuple(dialect))


def _lines(path: Path):
    if not path.exists():
        return
    for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        line = line.strip()
        if line and not line.startswith("#"):
            yield n, line


def _synonym(line: str, where: str, problems: list[str]):
    if line.count("=>") != 1:
        problems.append(f"{where}: 应为「口语词 … => 规范词 …」格式")
        return None
    left, right = (side.split() for side in line.split("=>"))
    if not left or not right:
        problems.append(f"{where}: 「=>」两边都需要至少一个词")
        return None
    return tuple(w.lower() for w in left), tuple(right)


def _userdict_entry(line: str, where: str, problems: list[str]):
    parts = line.split()
    if len(parts) > 3 or (len(parts) >= 2 and not parts[1].isdigit()):
        problems.append(f"{where}: 应为「词 [词频] [词性]」格式")
        return None
    return parts[0], int(parts[1]) if len(parts) >= 2 else 0


def _word_list(path: Path, problems: list[str]) -> set[str]:
    words = set()
    for n, line in _lines(path):
        if re.search(r"\s", line):
            problems.append(f"{path.parent.name}/{path.name}:{n}: 每行只能有一个词")
            continue
        words.add(line.lower())
    return words
