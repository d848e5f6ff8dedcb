"""User settings: one INI file in the user's config folder (QSettings, INI format).

Why INI and one wrapper: officers' IT teams can read and reset a text file, and tests can
point the whole program at a temporary file (``COPROD_SETTINGS_FILE`` or the ``path``
argument) so they never touch the real settings.

Two groups, as Picard keeps them apart: ``prefs/*`` are the user's choices (small-group
threshold, technical appendix, council name), ``window/*`` is remembered state (geometry,
last folder, recent files). Values are read typed from ``DEFAULTS``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from .. import APP_NAME, ORG_NAME

SETTINGS_ENV = "COPROD_SETTINGS_FILE"
SETTINGS_VERSION = 1
MAX_RECENT = 8

DEFAULTS: dict[str, Any] = {
    "prefs/min_base": 10,
    "prefs/include_appendix": True,
    "prefs/council_name": "",
    "prefs/contact": "",
    "prefs/title": "",
    "window/last_folder": "",
    "window/recent_files": [],
    "window/recent_projects": [],
    "window/welcome_seen": False,
}


class Settings:
    """Typed access to the program's QSettings INI file."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        path = path or os.environ.get(SETTINGS_ENV)
        if path:
            self._qs = QSettings(str(path), QSettings.Format.IniFormat)
        else:
            self._qs = QSettings(
                QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORG_NAME, APP_NAME
            )
        self._migrate()

    @property
    def file_name(self) -> str:
        """The INI file in use (shown in About, useful when helping a user)."""
        return self._qs.fileName()

    def _migrate(self) -> None:
        version = _to_int(self._qs.value("settings_version"), 0)
        if version < SETTINGS_VERSION:
            # Version 0 -> 1: nothing to convert yet; record the version we write.
            self._qs.setValue("settings_version", SETTINGS_VERSION)

    def get(self, key: str) -> Any:
        """The value of ``key`` as the type of its default (a broken value gives the default)."""
        default = DEFAULTS[key]
        raw = self._qs.value(key)
        if raw is None:
            return default
        if isinstance(default, bool):
            return raw if isinstance(raw, bool) else str(raw).lower() in ("true", "1", "yes")
        if isinstance(default, int):
            return _to_int(raw, default)
        if isinstance(default, list):
            try:
                value = json.loads(raw) if isinstance(raw, str) else list(raw)
            except (ValueError, TypeError):
                return list(default)
            return [str(v) for v in value] if isinstance(value, list) else list(default)
        return str(raw)

    def set(self, key: str, value: Any) -> None:
        """Store ``value`` under ``key`` (lists as JSON, so INI quoting never mangles them)."""
        if key not in DEFAULTS:
            raise KeyError(key)
        self._qs.setValue(key, json.dumps(value) if isinstance(value, list) else value)

    def sync(self) -> None:
        self._qs.sync()

    # -------------------------------------------------------------- recent files, folder

    def recent_files(self) -> list[Path]:
        """Recently opened surveys that still exist, newest first."""
        return [Path(p) for p in self.get("window/recent_files") if Path(p).is_file()]

    def add_recent(self, path: str | os.PathLike[str]) -> None:
        text = str(Path(path))
        items = [p for p in self.get("window/recent_files") if p != text]
        self.set("window/recent_files", [text, *items][:MAX_RECENT])
        self.set("window/last_folder", str(Path(path).parent))

    def clear_recent(self) -> None:
        self.set("window/recent_files", [])
        self.set("window/recent_projects", [])

    def recent_projects(self) -> list[Path]:
        """Recently opened or saved projects that still exist, newest first."""
        return [Path(p) for p in self.get("window/recent_projects") if Path(p).is_file()]

    def add_recent_project(self, path: str | os.PathLike[str]) -> None:
        text = str(Path(path))
        items = [p for p in self.get("window/recent_projects") if p != text]
        self.set("window/recent_projects", [text, *items][:MAX_RECENT])
        self.set("window/last_folder", str(Path(path).parent))

    def last_folder(self) -> str:
        folder = self.get("window/last_folder")
        return folder if folder and Path(folder).is_dir() else str(Path.home())

    # -------------------------------------------------------------- window geometry

    def save_geometry(self, geometry: QByteArray, state: QByteArray) -> None:
        self._qs.setValue("window/geometry", geometry)
        self._qs.setValue("window/state", state)

    def geometry(self) -> tuple[QByteArray | None, QByteArray | None]:
        geometry = self._qs.value("window/geometry")
        state = self._qs.value("window/state")
        return (
            geometry if isinstance(geometry, QByteArray) else None,
            state if isinstance(state, QByteArray) else None,
        )


def _to_int(raw: Any, default: int) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return default
