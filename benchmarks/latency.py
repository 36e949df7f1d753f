"""Per-question latency, start-up time and memory of the bot beside the plain BM25 baseline, in one run.

    python benchmarks/latency.py                       # dev questions, bundled gazette
    python benchmarks/latency.py --questions FILE.jsonl --rounds 5

Both sides answer the same questions on the same machine in the same run, each question timed on
both in turn so that drift in machine speed hits them alike; what matters is the ratio (the bar:
per-question cost within 5x of BM25, start-up within 2x). Start-up and peak memory are measured in
fresh subprocesses, so imports and dictionary loading count.
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

# Each prints "seconds-to-first-answer peak-resident-KiB" (Linux).
BOT_STARTUP = """
import re, sys, time
def peak_kib():  # VmHWM restarts at exec; ru_maxrss would count the forking parent too
    return re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1)
t = time.perf_counter()
from knowledge.base import KnowledgeBase
KnowledgeBase(sys.argv[1]).ask("失业金怎么领")
print(time.perf_counter() - t, peak_kib())
"""

BASELINE_STARTUP = """
import re, sys, time
def peak_kib():  # VmHWM restarts at exec; ru_maxrss would count the forking parent too
    return re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1)
t = time.perf_counter()
sys.path.insert(0, "benchmarks")
from latency import baseline_answerer
baseline_answerer()("失业金怎么领")
print(time.perf_counter() - t, peak_kib())
"""


def bot_answerer(folder: str):
    from knowledge.base import KnowledgeBase

    return KnowledgeBase(Path(folder) / "kb.db").ask


def baseline_answerer():
    """The baseline's own chunking with jieba + bm25s ranking, loaded from its file."""
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

    return ask


def paired_latencies(questions: list[str], *answerers) -> list[list[float]]:
    """Milliseconds per question for each answerer, timed in alternating order."""
    for ask in answerers:
        ask("预热")
    out: list[list[float]] = [[] for _ in answerers]
    for i, question in enumerate(questions):
        order = range(len(answerers)) if i % 2 == 0 else reversed(range(len(answerers)))
        for k in order:
            started = time.perf_counter()
            answerers[k](question)
            out[k].append((time.perf_counter() - started) * 1000)
    return out


def startup(script: str, arg: str, runs: int = 3) -> tuple[float, float]:
    """Median seconds to the first answer in a fresh process, and its peak memory in MiB."""
    times, memory = [], []
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", script, arg], capture_output=True, text=True, cwd=ROOT, check=True)
        seconds, max_rss_kib = done.stdout.split()[-2:]
        times.append(float(seconds))
        memory.append(int(max_rss_kib) / 1024)
    return statistics.median(times), statistics.median(memory)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--questions", default=str(SHARED / "data" / "dev_questions.jsonl"))
    parser.add_argument("--rounds", type=int, default=5, help="passes over the question set")
    args = parser.parse_args()
    questions = [json.loads(line)["q"] for line in open(args.questions, encoding="utf-8") if line.strip()]
    # Distinct texts per round, so the normalisation cache does not flatter the bot.
    flat = [f"{q}{'？' * r}" for r in range(args.rounds) for q in questions]

    with tempfile.TemporaryDirectory() as folder:
        bot, base = paired_latencies(flat, bot_answerer(folder), baseline_answerer())
        bot_start, bot_memory = startup(BOT_STARTUP, str(Path(folder) / "kb.db"))  # the file exists by now
    base_start, base_memory = startup(BASELINE_STARTUP, "")

    rows = [
        ("p50 per question (ms)", statistics.median(bot), statistics.median(base)),
        ("p99 per question (ms)", percentile(bot, 0.99), percentile(base, 0.99)),
        ("start-up to first answer (s)", bot_start, base_start),
        ("peak memory after start-up (MiB)", bot_memory, base_memory),
    ]
    print(f"{len(flat)} questions; {'':26}{'bot':>10}{'bm25':>10}{'ratio':>8}")
    for name, ours, theirs in rows:
        print(f"{name:<38}{ours:>10.3f}{theirs:>10.3f}{ours / theirs:>8.2f}")


if __name__ == "__main__":
    main()
