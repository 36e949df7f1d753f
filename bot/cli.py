"""Command line: each command parses options, calls one library function and prints.

    python -m bot                      # run the chat channels configured, else a console chat
    python -m bot ask 失业金怎么领      # one answer (or one per stdin line)
    python -m bot reload               # rebuild the knowledge base
    python -m bot kb export --json     # every clause, one JSON object a line
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager

import click

from bot.config import SettingError, load_settings
from knowledge.errors import KnowledgeBaseError


class Context:
    """Settings and a lazily opened knowledge base, shared by the commands."""

    def __init__(self, settings):
        self.settings = settings
        self._kb = None

    @property
    def kb(self):
        if self._kb is None:
            from knowledge.base import KnowledgeBase

            s = self.settings
            try:
                self._kb = KnowledgeBase(s.db_path, s.knowledge_dir, s.lexicon_dir, s.get("BOT_REGION"))
            except KnowledgeBaseError as exc:
                raise click.ClickException(failure_message(exc)) from exc
        return self._kb


def failure_message(exc: Exception) -> str:
    from handlers.render import render_reload_failure

    return render_reload_failure(exc)


@click.group(invoke_without_command=True)
@click.option("--knowledge", "knowledge_dir", type=click.Path(file_okay=False), default=None,
              help="Directory of notice files (env BOT_KNOWLEDGE_DIR; default the bundled gazette).")
@click.option("--db", "db_path", type=click.Path(dir_okay=False), default=None,
              help="Knowledge base file (env BOT_DB; default BOT_DATA_DIR/knowledge.db).")
@click.pass_context
def cli(ctx, knowledge_dir, db_path):
    """Answer citizens' questions from government notices.

    With no command: run every chat channel configured in the environment (Telegram, WeChat),
    or an interactive console chat when none is.

    Example: python -m bot ask 失业金怎么领
    """
    try:
        settings = load_settings({"BOT_KNOWLEDGE_DIR": knowledge_dir, "BOT_DB": db_path})
    except SettingError as exc:
        raise click.ClickException(str(exc)) from exc
    ctx.obj = Context(settings)
    if ctx.invoked_subcommand is None:
        from bot.app import run

        try:
            run(settings, lambda: ctx.obj.kb)
        except SettingError as exc:
            raise click.ClickException(str(exc)) from exc


@cli.command()
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per answer.")
@click.option("--explain", is_flag=True, help="Show tokens, expansions and per-field scores.")
@click.pass_obj
def ask(obj, question, as_json, explain):
    """Answer QUESTION, or each line of standard input (one answer a line, in order).

    Example: echo 楼下广场舞太吵了 | python -m bot ask --json
    """
    from handlers.render import render_console, render_explain, render_json

    questions = [question] if question is not None else (line.rstrip("\r\n") for line in sys.stdin)
    kb = obj.kb
    for q in questions:
        result = kb.ask(q)
        if as_json:
            click.echo(render_json(result))
        else:
            click.echo(render_console(result))
            if explain:
                click.echo(render_explain(result))
            if question is None:
                click.echo("")


@cli.command()
@click.pass_obj
def reload(obj):
    """Rebuild the knowledge base from the knowledge directory, all or nothing.

    Example: python -m bot --knowledge ./notices reload
    """
    from handlers.render import render_reload_report

    kb = obj.kb
    try:
        with reload_progress() as progress:
            report = kb.reload(progress=progress)
    except KnowledgeBaseError as exc:
        raise click.ClickException(failure_message(exc)) from exc
    click.echo(render_reload_report(report))


@contextmanager
def reload_progress():
    """A progress bar on a terminal, one plain line per file otherwise (logs, cron)."""
    if not sys.stderr.isatty():
        yield lambda done, total, name: click.echo(f"[{done}/{total}] {name}", err=True)
        return
    bar = None

    def update(done, total, name):
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label="读取文件", file=sys.stderr).__enter__()
        bar.update(1, name)

    try:
        yield update
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


@cli.command()
@click.option("--days", type=click.IntRange(min=1), default=None, help="Only the last N days (default: all kept).")
@click.pass_obj
def stats(obj, days):
    """Print what people asked: volumes, the answered share, top clauses, top unanswered, 👍/👎.

    Rows older than BOT_LOG_RETENTION_DAYS are purged first.

    Example: python -m bot stats --days 7
    """
    from handlers.render import render_stats
    from knowledge.querylog import QueryLog

    s = obj.settings
    log = QueryLog(s.log_db_path, s.get("BOT_USER_HASH_KEY"), s.int("BOT_LOG_RETENTION_DAYS"))
    try:
        log.purge()
        click.echo(render_stats(log.stats(days)))
    finally:
        log.close()


@cli.command()
@click.argument("name")
@click.pass_obj
def unit(obj, name):
    """List the clauses a unit leads or shares.

    Example: python -m bot unit 市人社局
    """
    from handlers.render import render_console

    click.echo(render_console(obj.kb.unit(name)))


@cli.command()
@click.argument("reference")
@click.pass_obj
def doc(obj, reference):
    """Show a notice's outline, by 文号 (黄政办发〔2022〕58号 or 58号) or title.

    Example: python -m bot doc 58号
    """
    from handlers.render import render_console

    click.echo(render_console(obj.kb.doc(reference)))


@cli.group()
def kb():
    """Inspect the knowledge base."""


@kb.command("export")
@click.option("--json", "as_json", is_flag=True, default=True, help="One JSON object per clause (the default).")
@click.pass_obj
def export(obj, as_json):
    """Print every clause as one JSON object a line.

    Example: python -m bot kb export --json > clauses.jsonl
    """
    from handlers.render import clause_record

    for notice in obj.kb.notices:
        for clause in notice.clauses:
            click.echo(json.dumps(clause_record(clause, notice), ensure_ascii=False))


def main():
    cli(prog_name="python -m bot")
