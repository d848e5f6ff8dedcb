"""Findings, wording, charts and the Word/Excel writers (no Qt)."""
