"""`python -m bot user …`: web console accounts from the command line, passwords from stdin."""

from click.testing import CliRunner

from bot.cli import cli
from knowledge.accounts import ConsoleStore


def run(tmp_path, *args, input=None):
    env = {"BOT_CONSOLE_DB": str(tmp_path / "console.db")}
    return CliRunner().invoke(cli, ["user", *args], input=input, env=env)


def test_add_list_passwd_remove(tmp_path):
    added = run(tmp_path, "add", "王芳", "--role", "admin", input="a long password\n")
    assert added.exit_code == 0 and "已添加用户 王芳（admin）" in added.output
    assert run(tmp_path, "add", "lijun", input="another password\n").exit_code == 0
    listed = run(tmp_path, "list").output.splitlines()
    assert [line.split("\t")[:2] for line in listed] == [["lijun", "staff"], ["王芳", "admin"]]
    assert run(tmp_path, "passwd", "lijun", input="a third password\n").exit_code == 0
    store = ConsoleStore(tmp_path / "console.db")
    assert store.verify("lijun", "a third password") and not store.verify("lijun", "another password")
    store.close()
    assert run(tmp_path, "remove", "lijun").exit_code == 0
    assert "lijun" not in run(tmp_path, "list").output


def test_refusals_exit_non_zero_and_say_why(tmp_path):
    assert run(tmp_path, "add", "a", input="long enough pw\n").exit_code == 0
    duplicate = run(tmp_path, "add", "a", input="long enough pw\n")
    assert duplicate.exit_code == 1 and "已存在" in duplicate.output
    empty = run(tmp_path, "add", "b", input="\n")
    assert empty.exit_code == 1 and "不能为空" in empty.output
    short = run(tmp_path, "add", "b2", input="short\n")  # allowed, with a warning
    assert short.exit_code == 0 and "少于 8 个字符" in short.output
    bad_role = run(tmp_path, "add", "c", "--role", "root", input="long enough pw\n")
    assert bad_role.exit_code == 2
    assert run(tmp_path, "remove", "nobody").exit_code == 1
    assert run(tmp_path, "passwd", "nobody", input="long enough pw\n").exit_code == 1


def test_reloads_from_the_command_line_join_the_consoles_history(tmp_path, tiny_dir):
    assert run(tmp_path, "add", "a", input="long enough pw\n").exit_code == 0
    env = {"BOT_CONSOLE_DB": str(tmp_path / "console.db")}
    options = ["--db", str(tmp_path / "kb.db"), "--knowledge", str(tiny_dir)]
    assert CliRunner().invoke(cli, [*options, "reload"], env=env).exit_code == 0
    (tiny_dir / "broken.txt").write_bytes(bytes(range(256)) * 40)
    assert CliRunner().invoke(cli, [*options, "reload"], env=env).exit_code == 1
    store = ConsoleStore(tmp_path / "console.db")
    failed, done = store.reloads()
    store.close()
    assert done.ok and "通知 1 件" in done.summary and done.user == "（命令行）"
    assert not failed.ok and "broken.txt" in failed.summary
