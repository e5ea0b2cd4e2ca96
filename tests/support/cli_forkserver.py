"""`python -m bot` in a process of its own, forked from one that has already imported the app.

Why: the CLI tests start `aplauso` about a thousand times per run, and each fresh interpreter
spent most of its two seconds importing SQLAlchemy, Bolt and our modules before it did anything.
A fork server (one per test process) imports `bot.cli` once, without opening a database or a
thread, and refuses to serve if that import printed anything (a fresh process would have shown
it to the test). Each command is then a forked process with the test's environment, folder,
arguments and output files, which runs `bot/__main__.py` exactly as `python -m bot` does and
ends as the interpreter ends (threads joined, atexit handlers run). Commands whose environment
sets what an interpreter reads only when it starts (`PYTHON*`, `TZ`, the C library's tunables),
commands run under a prefix (such as a read-only mount), and the wheel's smoke run in CI start
a fresh interpreter.

Processes: the server forks a waiter per command, which forks the command, sends the test its
pid (to kill it on a timeout) and, once it has exited, its exit status as a parent sees it. The
server reaps the waiters and never starts a thread.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import json
import os
import runpy
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
#: What a fresh interpreter (or the C library) reads once, at its start: a command whose
#: environment sets one of these gets a fresh interpreter.
READ_AT_START = ("PYTHON", "TZ", "MALLOC_", "GLIBC_TUNABLES", "LD_")

_server: tuple[subprocess.Popen[bytes], str] | None = None
_starting = threading.Lock()


def can_fork_for(env: dict[str, str]) -> bool:
    return not any(
        name.startswith(READ_AT_START) for name in env if name != "PYTHONPATH"
    ) and env.get("PYTHONPATH") in (None, str(ROOT))


def run(
    args: list[str], *, env: dict[str, str], cwd: str, timeout: float
) -> subprocess.CompletedProcess[str]:
    """What `subprocess.run([python, -m, bot, *args], capture_output=True, text=True)` gives."""
    command = [sys.executable, "-m", "bot", *args]
    if not Path(cwd).is_dir():
        raise FileNotFoundError(f"no folder {cwd} to run {command} in")
    with tempfile.TemporaryDirectory(prefix="aplauso-cli-") as folder:
        out, err = Path(folder) / "stdout", Path(folder) / "stderr"
        request = {"args": args, "env": env, "cwd": cwd, "stdout": str(out), "stderr": str(err)}
        with socket.socket(socket.AF_UNIX) as connection:
            connection.settimeout(30)
            connection.connect(_address())
            connection.sendall(json.dumps(request).encode() + b"\n")
            replies = _Lines(connection)
            pid = int(replies.next())
            connection.settimeout(timeout)
            try:
                status = int(replies.next())
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGKILL)  # its own group: workers it forked go too
                connection.settimeout(30)
                replies.next()  # the waiter reports once it is dead
                raise subprocess.TimeoutExpired(
                    command, timeout, out.read_text(), err.read_text()
                ) from None
        return subprocess.CompletedProcess(command, status, out.read_text(), err.read_text())


class _Lines:
    """Lines read from a socket, each read under the socket's timeout at the time."""

    def __init__(self, connection: socket.socket) -> None:
        self._connection, self._buffer = connection, b""

    def next(self) -> str:
        while b"\n" not in self._buffer:
            chunk = self._connection.recv(256)
            if not chunk:
                raise RuntimeError("the CLI fork server hung up")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line.decode()


def _address() -> str:
    global _server
    with _starting:
        if _server is None or _server[0].poll() is not None:
            address = tempfile.mktemp(prefix="aplauso-forkserver-", suffix=".sock")  # noqa: S306
            server = subprocess.Popen(
                [sys.executable, "-m", "tests.support.cli_forkserver", address],
                stdin=subprocess.PIPE,  # the server ends when this test process does
                cwd=ROOT,
                env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT)},
            )
            atexit.register(Path(address).unlink, missing_ok=True)
            atexit.register(server.kill)  # first: handlers run last registered first
            while not os.path.exists(address):
                if server.poll() is not None:
                    raise RuntimeError("the CLI fork server did not start: see its output")
                select.select([], [], [], 0.02)
            _server = (server, address)
        return _server[1]


def _serve(address: str) -> None:
    with tempfile.TemporaryFile() as said:
        kept = os.dup(2)
        os.dup2(said.fileno(), 2)
        import bot.cli  # noqa: F401  (the point: imported once, before any fork)

        os.dup2(kept, 2)
        os.close(kept)
        said.seek(0)
        if noise := said.read().decode(errors="replace"):
            sys.exit(f"the fork server will not serve: importing bot.cli printed:\n{noise}")
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(address + ".tmp")
    listener.listen(64)
    os.rename(address + ".tmp", address)
    while True:
        ready, _, _ = select.select([listener, sys.stdin], [], [], 0.5)
        with contextlib.suppress(ChildProcessError):
            while os.waitpid(-1, os.WNOHANG)[0]:  # waiters done
                pass
        if sys.stdin in ready:  # the test process has gone
            os.unlink(address)
            return
        if listener not in ready:
            continue
        connection, _ = listener.accept()
        sys.stdout.flush()
        sys.stderr.flush()
        if os.fork() == 0:
            listener.close()
            _wait_for_command(connection)
        connection.close()


def _wait_for_command(connection: socket.socket) -> None:
    """In the waiter: fork the command, tell the test its pid, then its exit status."""
    try:
        request: dict[str, Any] = json.loads(_Lines(connection).next())
        child = os.fork()
        if child == 0:
            connection.close()
            _command(request)
        connection.sendall(f"{child}\n".encode())
        _, waited = os.waitpid(child, 0)
        connection.sendall(f"{os.waitstatus_to_exitcode(waited)}\n".encode())
    finally:
        os._exit(0)


def _command(request: dict[str, Any]) -> None:
    """In the command's process: become `python -m bot ARGS`, then exit as it would."""
    status = 1
    try:
        os.setsid()
        for fd, path, flags in (
            (0, os.devnull, os.O_RDONLY),
            (1, request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
            (2, request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
        ):
            opened = os.open(path, flags, 0o600)
            os.dup2(opened, fd)
            os.close(opened)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = ["-m", *request["args"]]
        status = _as_python_would()
    except BaseException:
        traceback.print_exc()
    finally:
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(status)


def _as_python_would() -> int:
    """Runs `bot/__main__.py` and ends as the interpreter ends: the exit status (as `sys.exit`
    gives it), a traceback for an uncaught error, non-daemon threads joined, then atexit."""
    try:
        runpy.run_module("bot", run_name="__main__", alter_sys=True)
        status = 0
    except SystemExit as exiting:
        code = exiting.code
        if code is None:
            status = 0
        elif isinstance(code, int):
            status = code & 0xFF
        else:
            print(code, file=sys.stderr)
            status = 1
    except BaseException:
        traceback.print_exc()
        status = 1
    threading._shutdown()  # type: ignore[attr-defined]  # what the interpreter does first
    atexit._run_exitfuncs()
    gc.collect()
    return status


if __name__ == "__main__":
    _serve(sys.argv[1])
