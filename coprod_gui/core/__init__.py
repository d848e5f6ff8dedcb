"""The Qt-free core: reading, mapping, preparing and analysing surveys.

Nothing in this package may import PySide6 or the ``report``/``ui`` layers
(enforced by the import-linter contracts in ``pyproject.toml``).
"""
