"""Shared test set-up.

- Qt runs offscreen and matplotlib uses Agg, before anything imports them.
- Logs go to a temporary folder, never the user's.
- The network is blocked: survey data must never leave the machine, so every test runs
  with sockets refused (a test that needs loopback must say so explicitly).
"""

from __future__ import annotations

import os
import socket
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ["COPROD_LOG_DIR"] = tempfile.mkdtemp(prefix="coprod-test-logs-")

import pytest


class _NetworkBlocked(RuntimeError):
    pass


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any attempt to open an internet socket (AF_UNIX is allowed for Qt)."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            raise _NetworkBlocked(f"network access attempted: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
