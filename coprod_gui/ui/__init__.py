"""The PySide6 window: Import, Results and Report tabs over a worker thread."""
