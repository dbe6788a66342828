"""A progress bar for long loops: rich on stderr, shown only when it helps.

``progress=None`` (the default everywhere) shows the bar only when stderr is a terminal and the
work is projected, from the first finished tasks, to take more than ``AUTO_SECONDS``;
``progress=True`` always shows it, ``progress=False`` never.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from . import _validation as v

T = TypeVar("T")

AUTO_SECONDS = 2.0


def track(
    results: Iterable[T],
    total: int,
    description: str,
    progress: bool | None,
    *,
    size: Callable[[T], int] | None = None,
) -> Iterator[T]:
    """Yield ``results`` unchanged, advancing a bar of ``total`` steps when one is wanted.

    Each result advances the bar by ``size(result)`` steps (1 without ``size``).
    """
    progress = v.check_progress(progress)
    wanted = progress is True or (progress is None and _stderr_is_terminal())
    if not wanted:
        yield from results
        return
    start = time.perf_counter()
    bar = _Bar(description, total, 0) if progress else None
    done = 0
    try:
        for item in results:
            step = 1 if size is None else size(item)
            done += step
            if bar is not None:
                bar.advance(step)
            elif _projected(start, done, total) > AUTO_SECONDS:
                bar = _Bar(description, total, done)
            yield item
    finally:
        if bar is not None:
            bar.stop()


def _projected(start: float, done: int, total: int) -> float:
    return (time.perf_counter() - start) / done * total


def _stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class _Bar:
    def __init__(self, description: str, total: int, completed: int):
        import rich.progress as rp
        from rich.console import Console

        self.progress = rp.Progress(
            rp.TextColumn("{task.description}"),
            rp.BarColumn(),
            rp.MofNCompleteColumn(),
            rp.TimeElapsedColumn(),
            rp.TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.progress.start()
        self.task = self.progress.add_task(description, total=total, completed=completed)

    def advance(self, step: int) -> None:
        self.progress.advance(self.task, step)

    def stop(self) -> None:
        self.progress.stop()
