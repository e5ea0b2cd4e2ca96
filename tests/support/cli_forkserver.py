"""`python -m bot` in a process of its own, forked from one that has already imported the app.

Why: the CLI tests start `aplauso` about a thousand times per run, and each fresh interpreter
spent most of its two seconds importing SQLAlchemy, Bolt and our modules before it did anything.
A fork server (one per test process) imports `bot.cli` once, without opening a database or a
thread; each command is then a forked child with the test's environment, folder, arguments,
stdin, stdout and stderr, which runs `bot/__main__.py` exactly as `python -m bot` does and
exits with its status. Nothing is shared with the test process but the imported code. The
wheel's smoke run in CI, and commands run under a prefix (such as a read-only mount), still
start a fresh interpreter.

Double fork: the command is a grandchild of the server, so the server never waits for it and
never starts a thread; the grandchild tells the test its pid (to kill it on a timeout) and its
exit status over the connection.
"""

from __future__ import annotations

import atexit
import json
import os
import runpy
import select
import signal
import socket
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any

_server: tuple[subprocess.Popen[bytes], str] | None = None


def run(
    args: list[str], *, env: dict[str, str], cwd: str, timeout: float
) -> subprocess.CompletedProcess[str]:
    """What `subprocess.run([python, -m, bot, *args], capture_output=True, text=True)` gives."""
    with tempfile.TemporaryDirectory(prefix="aplauso-cli-") as folder:
        out, err = Path(folder) / "stdout", Path(folder) / "stderr"
        request = {"args": args, "env": env, "cwd": cwd, "stdout": str(out), "stderr": str(err)}
        with socket.socket(socket.AF_UNIX) as connection:
            connection.connect(_address())
            connection.sendall(json.dumps(request).encode() + b"\n")
            replies = connection.makefile("r")
            pid = int(replies.readline())
            connection.settimeout(timeout)
            try:
                status = int(replies.readline() or "-9")
            except TimeoutError:
                os.kill(pid, signal.SIGKILL)
                raise subprocess.TimeoutExpired(args, timeout) from None
        command = [sys.executable, "-m", "bot", *args]
        return subprocess.CompletedProcess(command, status, out.read_text(), err.read_text())


def _address() -> str:
    global _server
    if _server is None or _server[0].poll() is not None:
        address = tempfile.mktemp(prefix="aplauso-forkserver-", suffix=".sock")  # noqa: S306
        server = subprocess.Popen(
            [sys.executable, "-m", "tests.support.cli_forkserver", address],
            stdin=subprocess.PIPE,  # the server ends when this test process does
            cwd=Path(__file__).resolve().parent.parent.parent,
        )
        _server = (server, address)
        atexit.register(Path(address).unlink, missing_ok=True)
        atexit.register(server.kill)  # first: handlers run last registered first
        for _ in range(600):
            if os.path.exists(address):
                break
            if server.poll() is not None:
                raise RuntimeError("the CLI fork server did not start")
            select.select([], [], [], 0.05)
    return _server[1]


def _serve(address: str) -> None:
    import bot.cli  # noqa: F401  (the point: imported once, before any fork)

    listener = socket.socket(socket.AF_UNIX)
    listener.bind(address + ".tmp")
    listener.listen(64)
    os.rename(address + ".tmp", address)
    while True:
        ready, _, _ = select.select([listener, sys.stdin], [], [])
        if sys.stdin in ready:  # the test process has gone
            os.unlink(address)
            return
        connection, _ = listener.accept()
        sys.stdout.flush()
        sys.stderr.flush()
        middle = os.fork()
        if middle == 0:
            listener.close()
            if os.fork() == 0:
                _command(connection)
            os._exit(0)
        connection.close()
        os.waitpid(middle, 0)


def _command(connection: socket.socket) -> None:
    """In the grandchild: become `python -m bot ARGS` and report the exit status."""
    status = 1
    try:
        request: dict[str, Any] = json.loads(connection.makefile("r").readline())
        connection.sendall(f"{os.getpid()}\n".encode())
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
        signal.signal(signal.SIGINT, signal.default_int_handler)
        sys.argv = ["-m", *request["args"]]
        status = _as_python_would()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        connection.sendall(f"{status}\n".encode())
        os._exit(status)


def _as_python_would() -> int:
    """Runs `bot/__main__.py` and ends as the interpreter ends: the exit status, a traceback
    for an uncaught error, the atexit handlers."""
    try:
        runpy.run_module("bot", run_name="__main__", alter_sys=True)
        status = 0
    except SystemExit as exiting:
        code = exiting.code
        if code is None or isinstance(code, int):
            status = code or 0
        else:
            print(code, file=sys.stderr)
            status = 1
    except BaseException:
        traceback.print_exc()
        status = 1
    atexit._run_exitfuncs()
    return status


if __name__ == "__main__":
    _serve(sys.argv[1])
