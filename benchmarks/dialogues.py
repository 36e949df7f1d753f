"""Dialogues through the console, judged as tests/test_dialogues.py judges them, with every failed turn.

    python benchmarks/dialogues.py                                        # the blind set
    python benchmarks/dialogues.py ../shared/data/dialogues.jsonl

A measurement, not a test: the blind set (benchmarks/questions/dialogues_blind.jsonl) is not expected
to pass whole.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handlers.assistant import Assistant  # noqa: E402
from handlers.console import console_text  # noqa: E402
from knowledge.base import KnowledgeBase  # noqa: E402
from tests.test_dialogues import failures  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file", nargs="?", default=str(ROOT / "benchmarks/questions/dialogues_blind.jsonl"))
    args = parser.parse_args()
    dialogues = [json.loads(line) for line in Path(args.file).read_text(encoding="utf-8").splitlines() if line.strip()]
    kb = KnowledgeBase(Path(tempfile.mkdtemp()) / "knowledge.db")
    passed = turns = failed_turns = 0
    for dialogue in dialogues:
        assistant = Assistant(kb)
        replies = [console_text(assistant.reply("console", dialogue["id"], t["say"])) for t in dialogue["turns"]]
        found = failures(dialogue, replies)
        passed += not found
        turns += len(dialogue["turns"])
        failed_turns += len(found)
        for line in found:
            print(line)
    print(f"dialogues passed {passed}/{len(dialogues)}; turns {turns - failed_turns}/{turns}")


if __name__ == "__main__":
    main()
