"""The library extractors (.docx, .pdf, .html) run in a worker process, one file at a time, so that a
file that makes a library spin or swell is refused within a time and a memory limit, naming the file.

Why a process: a thread cannot be stopped, and pdfminer spent two minutes on a 53 KB PDF of tiny
glyphs; a process can be killed, and its address space capped (RLIMIT_AS) without touching the bot.
Why a fresh interpreter (subprocess, exec) and not a fork: the bot runs threads (channels, warm-up,
a reload beside the answering), and a child forked from a threaded process can inherit a lock another
thread held and hang. Not multiprocessing's 'spawn': it re-runs the parent's main script in the child
(breaking `python -` and any unguarded script); not 'forkserver': its restarts are quicker (0.005 s
against our 0.16 s) but its server keeps the libraries loaded for the bot's lifetime. Not
ProcessPoolExecutor: it cannot kill one stuck worker before Python 3.14, and a killed worker breaks
the pool. Measured here: a worker is ready in 0.16 s (interpreter and libraries), is started on the
first file that needs it (never for .txt, like the bundled gazette), serves the rest of the build and
is started again only after a kill, so the cost is paid about once a reload.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from multiprocessing.connection import Connection
from pathlib import Path

from knowledge.errors import SourceError
from knowledge.limits import MAX_PARSE_BYTES, MB

START_SECONDS = 60  # a fresh interpreter importing pdfplumber, python-docx and bs4: 0.16 s when idle


class ExtractionWorker:
    """`extract(path, suffix, data)` runs `formats.EXTRACTORS[suffix]` in a child process, refusing a
    file that takes longer than `seconds` or more than `memory` bytes of address space. Started on the
    first file that needs it, reused for the next; after a kill the next file gets a fresh one. Use as
    a context manager, or call `close`."""

    def __init__(self, seconds: float, memory: int = MAX_PARSE_BYTES):
        self.seconds = seconds
        self.memory = memory
        self._process: subprocess.Popen | None = None
        self._send: Connection | None = None  # to the worker
        self._conn: Connection | None = None  # from the worker

    @property
    def pid(self) -> int | None:
        """The worker's process id, while one is running."""
        return self._process.pid if self.running else None

    @property
    def running(self) -> bool:
        """Whether a worker process is up (none until a file needs one, none after a kill)."""
        return self._process is not None and self._process.poll() is None

    def __enter__(self) -> ExtractionWorker:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def extract(self, path: Path, suffix: str, data: bytes) -> str:
        """The file's text, or SourceError naming it: the extractor's own reason, a timeout, a crash."""
        self._start(path)
        try:
            self._send.send((suffix, str(path), data))
            # The clock starts once the file is handed over: the worker's start-up is not the file's fault.
            if not self._conn.poll(self.seconds):
                self.close()
                raise SourceError(path, f"解析超时（超过 {self.seconds:g} 秒），文件可能已损坏")
            kind, value = self._conn.recv()
        except (EOFError, OSError):  # killed by the system (out of memory) or crashed in C code
            self.close()
            raise SourceError(path, "解析时程序异常退出，文件可能已损坏") from None
        if kind == "text":
            return value
        if kind == "memory":
            self.close()  # a worker that ran out of memory may be left in any state
            raise SourceError(path, f"解析所需内存超过上限（{self.memory // MB} MB），文件可能已损坏")
        raise SourceError(path, value)  # the extractor's reason

    def _start(self, path: Path) -> None:
        if self.running:
            return
        self.close()
        # Two pipes of our own, not the child's stdout: a library printing must not garble replies.
        from_parent, to_child = os.pipe()  # (read end, write end)
        from_child, to_parent = os.pipe()
        root = str(Path(__file__).resolve().parent.parent)  # where `knowledge` is, whatever the cwd
        code = f"import sys; sys.path.insert(0, {root!r}); from knowledge.worker import main; main()"
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-c", code, str(from_parent), str(to_parent), str(self.memory), str(os.getpid())],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, pass_fds=(from_parent, to_parent),
            )
        except OSError:
            os.close(from_child)
            os.close(to_child)
            raise SourceError(path, "无法启动解析进程，请稍后重试") from None
        finally:
            os.close(from_parent)
            os.close(to_parent)
        self._send = Connection(to_child, readable=False)
        self._conn = Connection(from_child, writable=False)
        try:
            ready = self._conn.poll(START_SECONDS) and self._conn.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.close()
            raise SourceError(path, "无法启动解析进程，请稍后重试")

    def close(self) -> None:
        """Stop the worker (killed: it may be stuck in a library's loop)."""
        for conn in (self._send, self._conn):
            if conn is not None:
                conn.close()
        if self._process is not None:
            self._process.kill()
            self._process.wait()
        self._process = self._send = self._conn = None


def main() -> None:
    """The worker's entry: `python -c … main() READ_FD WRITE_FD MEMORY PARENT_PID`."""
    read_fd, write_fd, memory, parent = (int(arg) for arg in sys.argv[1:5])
    die_with_parent(parent)
    serve(Connection(read_fd, writable=False), Connection(write_fd, readable=False), memory)


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent(parent: int) -> None:
    """Have Linux kill this worker when the bot dies (SIGKILL, a crash), even mid-parse: it would
    otherwise spin on alone until the library is done, noticing the closed pipe only between files.
    (Linux ties this to the thread that started the worker; a build runs in one thread and closes
    its worker before returning.)"""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the worker ends when it next reads the closed pipe
        return
    if os.getppid() != parent:  # the bot died before the request took effect
        os._exit(0)


def serve(inbox: Connection, outbox: Connection, memory: int) -> None:
    """The worker's loop: (suffix, path, data) in, ("text", text), ("refused", reason) or ("memory", "") out."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it then kills us
    if memory:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    from knowledge.formats import EXTRACTORS, library_failure, preload

    preload()
    outbox.send("ready")
    while True:
        try:
            suffix, path, data = inbox.recv()
        except EOFError:  # the parent closed the pipe (or died): nothing more to do
            return
        try:
            reply = ("text", EXTRACTORS[suffix](Path(path), data))
        except SourceError as exc:  # not picklable as is (two arguments): send the reason
            reply = ("refused", exc.reason)
        except MemoryError:
            reply = ("memory", "")
        except Exception as exc:  # a broken .docx/.pdf raises whatever its library raises
            reply = ("refused", library_failure(suffix, exc))
        del data
        outbox.send(reply)
