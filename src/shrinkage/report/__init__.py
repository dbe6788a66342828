"""Reports of a comparison: one self-contained HTML page, returned as text (``build_report``);
the caller writes it."""

from .html import build_report

__all__ = ["build_report"]
