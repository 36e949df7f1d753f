"""The bot at 1x, 10x, 100x (300x) the bundled gazette, beside jieba + bm25s on the same clauses, in one run.

    python /work/shared/data/scale/make_corpora.py --out CORPORA --scales 1,10,100   # once
    python benchmarks/scale.py --corpora CORPORA                  # 1x, 10x, 100x
    python benchmarks/scale.py --corpora CORPORA --with-300       # and 300x (heavy: minutes)
    python benchmarks/scale.py --corpora CORPORA --region 黄石市    # as a bot serving 黄石市 (BOT_REGION)

For each scale, every figure comes from a fresh subprocess, so imports, dictionary loading and peak
memory (VmHWM) belong to that process alone:
- reload s: the bot building its knowledge base file from the directory and loading it, as `reload` does;
  the baseline's is tokenising and indexing the same clauses (title + text, read from the bot's file);
- start-up s: a new process with the file already built, to its first answer;
- p50/p99 ms: per question (the dev questions, `--rounds` passes with distinct texts), after start-up;
- peak RSS MB: of the process that started up and answered every question;
- hit@1 and off-topic abstained: the dev questions scored as ../shared/tools/evalqa.py does (the
  baseline always answers, so it abstains only when nothing scores).
Both sides are timed in separate processes one after the other; on a shared machine run it twice.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STARTED = time.perf_counter()  # before any of the project's imports: start-up counts them
ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
QUESTIONS = SHARED / "data" / "dev_questions.jsonl"
FIRST_QUESTION = "失业金怎么领"


def peak_mib() -> float:
    """Peak resident memory of this process (VmHWM restarts at exec, unlike ru_maxrss)."""
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024


def load_questions(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evalqa_score():
    """evalqa.py's own scoring function, so hit@1 here means what it means there."""
    path = SHARED / "tools" / "evalqa.py"
    namespace: dict = {"__name__": "evalqa", "__file__": str(path)}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    return namespace["score"]


def timed_answers(ask, questions: list[dict], rounds: int) -> tuple[list[float], list]:
    """Milliseconds per question over `rounds` passes (distinct texts, so no cache flatters), and the first
    pass's answers."""
    latencies, first = [], []
    for r in range(rounds):
        for q in questions:
            text = q["q"] + "？" * r
            started = time.perf_counter()
            result = ask(text)
            latencies.append((time.perf_counter() - started) * 1000)
            if r == 0:
                first.append(result)
    return latencies, first


def summary(latencies: list[float], answers: list[dict], questions: list[dict], **extra) -> dict:
    ordered = sorted(latencies)
    scored = evalqa_score()(questions, answers)
    return {
        **extra,
        "p50_ms": statistics.median(ordered),
        "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
        "rss_mb": peak_mib(),
        "hit1": scored["hit1"],
        "abstain": scored["oos_abstain"],
    }


# --- the workers, each in its own process ---------------------------------------------------------


def bot_reload(folder: str, db: str) -> dict:
    """What `reload` does: parse, store, and load the new index, from a missing file."""
    from knowledge.base import KnowledgeBase

    started = time.perf_counter()
    kb = KnowledgeBase(Path(db), Path(folder))
    return {"reload_s": time.perf_counter() - started, "clauses": len(kb.index.entries),
            "db_mb": Path(db).stat().st_size / 2**20}


def bot_serve(folder: str, db: str, questions: list[dict], rounds: int, region: str) -> dict:
    from handlers.render import render_json
    from knowledge.base import KnowledgeBase

    kb = KnowledgeBase(Path(db), Path(folder), region=region)
    kb.ask(FIRST_QUESTION)
    startup = time.perf_counter() - STARTED
    latencies, first = timed_answers(kb.ask, questions, rounds)
    return summary(latencies, [json.loads(render_json(a)) for a in first], questions, startup_s=startup)


def baseline_index(db: str):
    """jieba + bm25s over the bot's own clauses (title and text), and the clause records."""
    import sqlite3

    import bm25s
    import jieba
    import numpy

    jieba.setLogLevel(60)
    with sqlite3.connect(db) as connection:
        rows = connection.execute("select doc_no, title, text from clauses order by rowid").fetchall()
    records = [{"doc_no": d, "title": t, "text": x} for d, t, x in rows]
    retriever = bm25s.BM25()
    retriever.index([jieba.lcut_for_search(f"{r['title']} {r['text']}") for r in records], show_progress=False)

    def ask(question: str) -> dict:
        scores = retriever.get_scores([t for t in jieba.lcut_for_search(question) if t.strip()])
        best = numpy.argpartition(-scores, min(5, len(records) - 1))[:5]  # top 5 without sorting them all
        top = sorted(best.tolist(), key=lambda i: -scores[i])
        hits = [records[i] for i in top if scores[i] > 0]
        return {"answered": bool(hits), "hits": hits}

    return ask


def baseline_reload(db: str) -> dict:
    started = time.perf_counter()
    baseline_index(db)
    return {"reload_s": time.perf_counter() - started}


def baseline_serve(db: str, questions: list[dict], rounds: int) -> dict:
    ask = baseline_index(db)
    ask(FIRST_QUESTION)
    startup = time.perf_counter() - STARTED
    latencies, first = timed_answers(ask, questions, rounds)
    return summary(latencies, first, questions, startup_s=startup)


def worker(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("job", choices=["bot-reload", "bot-serve", "bm25-reload", "bm25-serve"])
    parser.add_argument("--folder", default="")
    parser.add_argument("--db", required=True)
    parser.add_argument("--questions", default=str(QUESTIONS))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--region", default="")
    args = parser.parse_args(argv)
    questions = load_questions(Path(args.questions))
    jobs = {
        "bot-reload": lambda: bot_reload(args.folder, args.db),
        "bot-serve": lambda: bot_serve(args.folder, args.db, questions, args.rounds, args.region),
        "bm25-reload": lambda: baseline_reload(args.db),
        "bm25-serve": lambda: baseline_serve(args.db, questions, args.rounds),
    }
    print(json.dumps(jobs[args.job]()))


# --- the driver -----------------------------------------------------------------------------------


def run(job: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, __file__, "--worker", job, *args], capture_output=True, text=True,
                          cwd=ROOT)
    if done.returncode:
        sys.exit(f"{job} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(folder: Path, questions: str, rounds: int, region: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "kb.db")
        common = ("--db", db, "--questions", questions, "--rounds", str(rounds))
        row = run("bot-reload", "--folder", str(folder), "--db", db)
        row["bot"] = run("bot-serve", "--folder", str(folder), "--region", region, *common)
        row["bm25"] = {**run("bm25-reload", "--db", db), **run("bm25-serve", *common)}
    return row


TABLE = (
    "| scale | clauses | reload s | db MB | start-up s | p50 ms | p99 ms | peak RSS MB | hit@1 | abstain "
    "| BM25 index s | BM25 start-up s | BM25 p50 ms | BM25 p99 ms | BM25 RSS MB | BM25 hit@1 |"
)


def table_row(scale: str, row: dict) -> str:
    bot, base = row["bot"], row["bm25"]
    cells = [
        scale, f"{row['clauses']:,}", f"{row['reload_s']:.1f}", f"{row['db_mb']:.1f}", f"{bot['startup_s']:.2f}",
        f"{bot['p50_ms']:.2f}", f"{bot['p99_ms']:.2f}", f"{bot['rss_mb']:,.0f}", f"{bot['hit1']:.3f}",
        f"{bot['abstain']:.3f}", f"{base['reload_s']:.1f}", f"{base['startup_s']:.2f}", f"{base['p50_ms']:.2f}",
        f"{base['p99_ms']:.2f}", f"{base['rss_mb']:,.0f}", f"{base['hit1']:.3f}",
    ]
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpora", required=True, help="directory make_corpora.py wrote (1x/, 10x/, …)")
    parser.add_argument("--scales", default="1,10,100")
    parser.add_argument("--with-300", action="store_true", help="add 300x (several minutes, gigabytes)")
    parser.add_argument("--questions", default=str(QUESTIONS))
    parser.add_argument("--rounds", type=int, default=3, help="passes over the questions for latency")
    parser.add_argument("--region", default="", help="the bot's BOT_REGION (黄石市: the bundled gazette's city)")
    parser.add_argument("--json", help="also write the raw figures to this file")
    args = parser.parse_args()
    scales = [s for s in args.scales.split(",") if s] + (["300"] if args.with_300 else [])
    rows = {}
    print(TABLE)
    print("|" + "---|" * TABLE.count(" | ") + "---|")
    for scale in scales:
        rows[scale] = measure(Path(args.corpora) / f"{scale}x", args.questions, args.rounds, args.region)
        print(table_row(f"{scale}x", rows[scale]), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        worker(sys.argv[2:])
    else:
        main()
