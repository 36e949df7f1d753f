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
    """Settings and a lazily opened knowledge base, shared by the commands.

    --knowledge and --db may come before the command name or after it; the later one wins.
    """

    def __init__(self, overrides: dict):
        self.overrides = dict(overrides)
        self._settings = None
        self._kb = None
        self.rebuild = False  # `reload` may replace a knowledge base built from another directory

    @property
    def settings(self):
        if self._settings is None:
            try:
                self._settings = load_settings(self.overrides)
            except SettingError as exc:
                raise click.ClickException(str(exc)) from exc
        return self._settings

    def override(self, name: str, value) -> None:
        self.overrides[name] = value
        self._settings = self._kb = None

    @property
    def kb(self):
        if self._kb is None:
            from knowledge.base import KnowledgeBase

            s = self.settings
            if not self.rebuild:
                refuse_other_directory(s.db_path, s.knowledge_dir)
            try:
                self._kb = KnowledgeBase(s.db_path, s.knowledge_dir, s.lexicon_dir, s.get("BOT_REGION"),
                                         s.int("BOT_PARSE_SECONDS"))
            except SettingError as exc:
                raise click.ClickException(str(exc)) from exc
            except KnowledgeBaseError as exc:
                raise click.ClickException(failure_message(exc)) from exc
        return self._kb


def refuse_other_directory(db_path, knowledge_dir) -> None:
    """A knowledge base file built from another directory is never replaced silently: say so and stop."""
    from pathlib import Path

    from knowledge.store import built_from

    held = built_from(db_path)
    if held and held != str(Path(knowledge_dir).resolve()):
        raise click.ClickException(
            f"知识库文件 {db_path} 是由 {held} 生成的，不是 {Path(knowledge_dir).resolve()}。\n"
            f"要使用它：加 --knowledge {held}；要改用新目录：运行 reload --knowledge {knowledge_dir}"
            f"（会替换它）；或用 --db 另选一个文件。"
        )


def failure_message(exc: Exception) -> str:
    from handlers.render import render_reload_failure

    return render_reload_failure(exc)


CLI_USER = "（命令行）"  # who reloaded, in the web console's history
ENV_OF = {"knowledge_dir": "BOT_KNOWLEDGE_DIR", "db_path": "BOT_DB"}
KNOWLEDGE_HELP = "Directory of notice files (env BOT_KNOWLEDGE_DIR; default the bundled gazette)."
DB_HELP = "Knowledge base file (env BOT_DB; default BOT_DATA_DIR/knowledge.db)."


def knowledge_options(command):
    """--knowledge and --db after the command name too (`reload --knowledge DIR`)."""

    def remember(ctx, param, value):
        if value is not None:
            ctx.ensure_object(Context).override(ENV_OF[param.name], value)

    command = click.option("--db", "db_path", type=click.Path(dir_okay=False), default=None, expose_value=False,
                           callback=remember, help=DB_HELP)(command)
    return click.option("--knowledge", "knowledge_dir", type=click.Path(file_okay=False), default=None,
                        expose_value=False, callback=remember, help=KNOWLEDGE_HELP)(command)


@click.group(invoke_without_command=True)
@click.option("--knowledge", "knowledge_dir", type=click.Path(file_okay=False), default=None, help=KNOWLEDGE_HELP)
@click.option("--db", "db_path", type=click.Path(dir_okay=False), default=None, help=DB_HELP)
@click.pass_context
def cli(ctx, knowledge_dir, db_path):
    """Answer citizens' questions from government notices.

    With no command: run every channel configured in the environment (Telegram, WeChat, the web
    console), or an interactive console chat when none is.

    Example: python -m bot ask 失业金怎么领
    """
    ctx.obj = Context({"BOT_KNOWLEDGE_DIR": knowledge_dir, "BOT_DB": db_path})
    if ctx.invoked_subcommand is None:
        from bot.app import run

        try:
            run(ctx.obj.settings, lambda: ctx.obj.kb)
        except SettingError as exc:
            raise click.ClickException(str(exc)) from exc


@cli.command()
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per answer.")
@click.option("--explain", is_flag=True, help="Show tokens, expansions and per-field scores.")
@click.option("--full", is_flag=True, help="The whole clause (全文), not the matched sentences.")
@click.option("-n", "--candidates", type=click.IntRange(1, 20), default=None,
              help="Print the top N candidate clauses in full (for hotline staff).")
@knowledge_options
@click.pass_obj
def ask(obj, question, as_json, explain, full, candidates):
    """Answer QUESTION, or each line of standard input (one answer a line, in order).

    Examples: python -m bot ask -n 5 失业金怎么领 ·
    echo 楼下广场舞太吵了 | python -m bot ask --json
    """
    from handlers import texts
    from handlers.render import render_candidates, render_console, render_explain, render_json

    questions = [question] if question is not None else (line.rstrip("\r\n") for line in sys.stdin)
    kb = obj.kb
    for q in questions:
        result = kb.ask(q, max(candidates or 0, 5))
        if as_json:
            click.echo(render_json(result))
            continue
        click.echo(render_candidates(result, candidates) if candidates else render_console(result, full=full))
        if explain:
            click.echo(render_explain(result))
        if question is None:
            click.echo("")
        elif result.shows_clause and not (full or candidates) and sys.stdout.isatty():
            click.echo(texts.ASK_FOLLOW_UP)


@cli.command()
@knowledge_options
@click.pass_obj
def reload(obj):
    """Rebuild the knowledge base from the knowledge directory, all or nothing.

    A knowledge base file built from another directory is replaced by one built from this one.

    Example: python -m bot reload --knowledge ./notices
    """
    from handlers.render import render_reload_report

    obj.rebuild = True
    try:
        kb = obj.kb
        if kb.last_report is not None:  # opening it just built it (new, or from another directory)
            report = kb.last_report
        else:
            with reload_progress() as progress:
                report = kb.reload(progress=progress)
    except (KnowledgeBaseError, click.ClickException) as exc:
        message = exc.message if isinstance(exc, click.ClickException) else failure_message(exc)
        remember_reload(obj.settings, False, message)
        raise click.ClickException(message) from exc
    remember_reload(obj.settings, True, render_reload_report(report))
    click.echo(render_reload_report(report))


def remember_reload(settings, ok: bool, summary: str) -> None:
    """A reload from the command line joins the web console's history, where the console is in use."""
    if settings.console_db_path.exists():
        from knowledge.accounts import ConsoleStore

        store = ConsoleStore(settings.console_db_path)
        try:
            store.record_reload(CLI_USER, ok, summary)
        finally:
            store.close()


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
@knowledge_options
@click.pass_context
def unit(ctx, name):
    """List the clauses a unit leads or shares; exits 1 when no clause names it.

    Example: python -m bot unit 市人社局
    """
    from handlers.render import render_console

    answer = ctx.obj.kb.unit(name)
    click.echo(render_console(answer))
    if not answer.answered:
        ctx.exit(1)


@cli.command()
@click.argument("reference", required=False)
@knowledge_options
@click.pass_context
def doc(ctx, reference):
    """Show a notice's outline, by 文号 (黄政办发〔2022〕58号, 58号 or 58) or title; with none, list the notices.

    Exits 1 when no notice matches.

    Example: python -m bot doc 58
    """
    from handlers import texts
    from handlers.render import notice_list, render_console

    kb = ctx.obj.kb
    if not reference:
        click.echo("\n".join([texts.KNOWN_NOTICES, *notice_list(kb.notices, limit=len(kb.notices))]))
        return
    answer = kb.doc(reference)
    click.echo(render_console(answer))
    if not answer.answered:
        ctx.exit(1)


@cli.group()
def kb():
    """Inspect the knowledge base.

    Example: python -m bot kb info
    """


@kb.command("info")
@knowledge_options
@click.pass_obj
def info(obj):
    """Which knowledge directory the knowledge base file holds, and how many notices and clauses.

    Example: python -m bot kb info --db data/knowledge.db
    """
    from knowledge.store import built_from

    s = obj.settings
    held = built_from(s.db_path)
    click.echo(f"知识库文件：{s.db_path}")
    click.echo(f"生成自目录：{held or '（未知，或文件不存在）'}")
    click.echo(f"当前设置的目录：{s.knowledge_dir.resolve()}")
    if held:
        obj.override("BOT_KNOWLEDGE_DIR", held)  # read what the file holds, whatever is configured
        notices = obj.kb.notices
        click.echo(f"通知 {len(notices)} 件 · 条款 {sum(len(n.clauses) for n in notices)} 条")


@kb.command("export")
@click.option("--json", "as_json", is_flag=True, default=True, help="One JSON object per clause (the default).")
@knowledge_options
@click.pass_obj
def export(obj, as_json):
    """Print every clause as one JSON object a line.

    Example: python -m bot kb export --json > clauses.jsonl
    """
    from handlers.render import clause_record

    for notice in obj.kb.notices:
        for clause in notice.clauses:
            click.echo(json.dumps(clause_record(clause, notice), ensure_ascii=False))


@cli.group()
def user():
    """Web console accounts: add, list, remove, change a password.

    Example: echo 'a long password' | python -m bot user add 王芳 --role admin
    """


@contextmanager
def console_store(obj):
    from knowledge.accounts import AccountError, ConsoleStore

    store = ConsoleStore(obj.settings.console_db_path)
    try:
        yield store
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        store.close()


def warn_if_weak(password: str) -> None:
    from knowledge.accounts import MIN_PASSWORD, weak

    if weak(password):
        click.echo(f"提示：密码少于 {MIN_PASSWORD} 个字符，建议改用更长的密码（user passwd）", err=True)


def read_password() -> str:
    """Prompted twice, hidden, on a terminal; else the first line of standard input (scripts)."""
    if sys.stdin.isatty():
        return click.prompt("密码", hide_input=True, confirmation_prompt="再输入一次")
    return sys.stdin.readline().rstrip("\r\n")


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["staff", "admin"]), default="staff", show_default=True,
              help="staff search and browse; admin also uploads notices and reloads.")
@click.pass_obj
def user_add(obj, name, role):
    """Add a web console account; the password is prompted (or read from standard input).

    Example: python -m bot user add zhangsan --role staff
    """
    from knowledge.accounts import check_name

    with console_store(obj) as store:
        check_name(name)
        if store.get(name):  # said before asking for a password
            raise click.ClickException(f"用户 {name} 已存在（改密码用 user passwd {name}）")
        password = read_password()
        store.add(name, role, password)
    warn_if_weak(password)
    click.echo(f"已添加用户 {name}（{role}）")


@user.command("list")
@click.pass_obj
def user_list(obj):
    """List the web console accounts and their roles.

    Example: python -m bot user list
    """
    import time

    with console_store(obj) as store:
        for account in store.accounts():
            created = time.strftime("%Y-%m-%d", time.localtime(account.created))
            click.echo(f"{account.name}\t{account.role}\t{created}")


@user.command("remove")
@click.argument("name")
@click.pass_obj
def user_remove(obj, name):
    """Remove an account; its open sessions end at their next request.

    Example: python -m bot user remove zhangsan
    """
    with console_store(obj) as store:
        store.remove(name)
    click.echo(f"已删除用户 {name}")


@user.command("passwd")
@click.argument("name")
@click.pass_obj
def user_passwd(obj, name):
    """Set a new password (prompted, or read from standard input); open sessions end.

    Example: python -m bot user passwd zhangsan
    """
    with console_store(obj) as store:
        if store.get(name) is None:  # said before asking for a password
            raise click.ClickException(f"没有用户 {name}")
        password = read_password()
        store.set_password(name, password)
    warn_if_weak(password)
    click.echo(f"已修改 {name} 的密码")


def main():
    """The installed `gazette-bot` script (`python -m bot` runs bot/__main__.py, which names itself)."""
    cli(prog_name="gazette-bot")
