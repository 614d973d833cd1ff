"""What the benchmark scripts share: a free loopback port, gunicorn started and stopped
as its own process group, and percentiles. Imported as ``common`` (scripts run from
this folder's parent as ``.venv/bin/python bench/<script>.py``)."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict, port: int, *options: str, workers: int = 2, wait: float = 60) -> subprocess.Popen:
    """gunicorn serving the project on 127.0.0.1:``port``, once ``/healthz`` answers 200."""
    command = [
        str(Path(PYTHON).with_name("gunicorn")),
        "kazmonitor.wsgi",
        f"--workers={workers}",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
        *options,
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    stop(server)
    sys.exit(f"gunicorn did not answer /healthz within {wait:.0f} s")


def stop(server: subprocess.Popen) -> None:
    """End gunicorn and its workers (TERM, then KILL after 15 s)."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0
