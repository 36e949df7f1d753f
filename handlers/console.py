"""A chat in the terminal when no channel is configured: one message a line, replies as the bots'.

It goes through the Assistant like every channel: its questions are logged (channel `console`),
and 全文, 下一条 and 更多 act on the last answer.
"""

from __future__ import annotations

import sys

from handlers import texts
from handlers.assistant import Assistant, Turn
from handlers.render import has_next, render_console

CHANNEL = "console"
USER = "local"  # one person at the terminal


def run_console(assistant: Assistant, stdin=sys.stdin, stdout=sys.stdout) -> None:
    interactive = stdin.isatty()
    if interactive:
        print(texts.WELCOME, file=stdout)
    while True:
        if interactive:
            print("\n问：", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            break
        if not line.strip() and not interactive:
            continue
        print(console_text(assistant.reply(CHANNEL, USER, line.strip())), file=stdout, flush=True)


def console_text(turn: Turn) -> str:
    """A turn as the console shows it: the whole reply at once (a terminal has no length limit)."""
    if turn.answer is None:
        return turn.text
    text = render_console(turn.answer, turn.position, turn.full)
    if turn.answer.shows_clause and not turn.full:
        more = has_next(turn.answer, turn.position)
        text += "\n" + (texts.CONSOLE_FOLLOW_UP if more else texts.CONSOLE_FOLLOW_UP_LAST)
    return text
