"""A chat in the terminal when no channel is configured: one question a line, replies as the bots'."""

from __future__ import annotations

import sys

from handlers import texts
from handlers.render import render_console


def run_console(kb, stdin=sys.stdin, stdout=sys.stdout) -> None:
    interactive = stdin.isatty()
    if interactive:
        print(texts.WELCOME, file=stdout)
    while True:
        if interactive:
            print("\n问：", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            break
        question = line.strip()
        if not question:
            if interactive:
                print(texts.EMPTY_QUESTION, file=stdout)
            continue
        print(render_console(kb.ask(question)), file=stdout, flush=True)
