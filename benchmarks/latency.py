"""Per-question latency and start-up time of the bot beside the plain BM25 baseline, in one run.

    python benchmarks/latency.py                       # dev questions, bundled gazette
    python benchmarks/latency.py --questions FILE.jsonl --rounds 5

Both sides answer the same questions on the same machine in the same process run; what matters is
the ratio (the issue's bar: per-question cost within 5x of BM25, start-up within 2x). Start-up is
measured in fresh subprocesses so imports and dictionary loading count.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
GAZETTE = ROOT / "knowledge" / "gazettes" / "huangshi-gazette-2022-10.txt"

BOT_STARTUP = """
import time, sys
t = time.perf_counter()
from knowledge.base import KnowledgeBase
kb = KnowledgeBase(sys.argv[1])
kb.ask("失业金怎么领")
print(time.perf_counter() - t)
"""

BASELINE_STARTUP = """
import time, sys
t = time.perf_counter()
import jieba, bm25s
jieba.setLogLevel(60)
sys.argv = ["baseline", sys.argv[1]]
exec(compile(open(sys.argv[1].replace(sys.argv[1], {tool!r})).read().split("def main")[0], "baseline", "exec"))
chunks_ = [c for c in chunks({gazette!r})]
corpus = [jieba.lcut_for_search(c["text"]) for c in chunks_]
r = bm25s.BM25(); r.index(corpus, show_progress=False)
r.get_scores(jieba.lcut_for_search("失业金怎么领"))
print(time.perf_counter() - t)
"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def bot_latencies(questions: list[str], rounds: int) -> list[float]:
    from knowledge.base import KnowledgeBase

    with tempfile.TemporaryDirectory() as tmp:
        kb = KnowledgeBase(Path(tmp) / "kb.db")
        kb.ask("预热")
        return timed(kb.ask, questions, rounds)


def baseline_latencies(questions: list[str], rounds: int) -> list[float]:
    import bm25s
    import jieba

    jieba.setLogLevel(60)
    namespace: dict = {}
    source = (SHARED / "tools" / "baseline_bm25.py").read_text(encoding="utf-8").split("def main")[0]
    exec(compile(source, "baseline_bm25", "exec"), namespace)
    chunks = namespace["chunks"](str(GAZETTE))
    retriever = bm25s.BM25()
    retriever.index([jieba.lcut_for_search(c["text"]) for c in chunks], show_progress=False)

    def ask(question: str):
        scores = retriever.get_scores([t for t in jieba.lcut_for_search(question) if t.strip()])
        return sorted(range(len(chunks)), key=lambda i: -scores[i])[:5]

    ask("预热")
    return timed(ask, questions, rounds)


def timed(ask, questions: list[str], rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        for q in questions:
            started = time.perf_counter()
            ask(q)
            out.append((time.perf_counter() - started) * 1000)
    return out


def startup(script: str, arg: str, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", script, arg], capture_output=True, text=True, cwd=ROOT, check=True)
        times.append(float(done.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--questions", default=str(SHARED / "data" / "dev_questions.jsonl"))
    parser.add_argument("--rounds", type=int, default=3, help="passes over the question set")
    args = parser.parse_args()
    questions = [json.loads(line)["q"] for line in open(args.questions, encoding="utf-8") if line.strip()]
    # Distinct question texts per round, so the normalisation cache does not flatter the bot.
    per_round = [[f"{q}{'？' * r}" for q in questions] for r in range(args.rounds)]
    flat = [q for qs in per_round for q in qs]

    bot = bot_latencies(flat, 1)
    base = baseline_latencies(flat, 1)
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "kb.db")
        subprocess.run([sys.executable, "-c", BOT_STARTUP, db], cwd=ROOT, check=True, capture_output=True)  # build once
        bot_start = startup(BOT_STARTUP, db)
    base_start = startup(BASELINE_STARTUP.format(tool=str(SHARED / "tools" / "baseline_bm25.py"),
                                                 gazette=str(GAZETTE)), str(SHARED / "tools" / "baseline_bm25.py"))

    rows = [
        ("p50 per question (ms)", statistics.median(bot), statistics.median(base)),
        ("p99 per question (ms)", percentile(bot, 0.99), percentile(base, 0.99)),
        ("start-up (s)", bot_start, base_start),
    ]
    print(f"{len(flat)} questions; {'':24}{'bot':>10}{'bm25':>10}{'ratio':>8}")
    for name, ours, theirs in rows:
        print(f"{name:<36}{ours:>10.3f}{theirs:>10.3f}{ours / theirs:>8.2f}")


if __name__ == "__main__":
    main()
