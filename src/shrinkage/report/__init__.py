"""Reports of a comparison: one self-contained HTML file (``build_report``, ``write_report``)."""

from .html import build_report, write_report

__all__ = ["build_report", "write_report"]
