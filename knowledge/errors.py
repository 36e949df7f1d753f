"""Why a knowledge base cannot be built. One base class, caught once by the CLI, the bots and the report.

Each error carries the lines an admin reads (`reasons`), each naming the file or lexicon line at fault.
"""

from __future__ import annotations

from pathlib import Path


class KnowledgeBaseError(Exception):
    """The knowledge base cannot be built (or rebuilt); the live one is unchanged."""

    @property
    def reasons(self) -> list[str]:
        return [str(self)]


class SourceError(KnowledgeBaseError):
    """A knowledge file that cannot be turned into text."""

    def __init__(self, path: Path | str, reason: str):
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name}: {reason}")

    @property
    def reasons(self) -> list[str]:
        return [f"{self.path.name}：{self.reason}"]


class BuildError(KnowledgeBaseError):
    """One or more knowledge files could not be loaded."""

    def __init__(self, failures: list[SourceError]):
        self.failures = failures
        super().__init__("; ".join(str(f) for f in failures))

    @property
    def reasons(self) -> list[str]:
        return [line for failure in self.failures for line in failure.reasons]


class LexiconError(KnowledgeBaseError):
    """Malformed lexicon lines; each problem names the file and line number."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))

    @property
    def reasons(self) -> list[str]:
        return list(self.problems)
