"""Writing outputs safely: the extension names the format, nothing is overwritten without
``force``, and nothing is ever half-written.

Every output is written to a temporary file in its own directory and then moved into place
(``os.link`` / ``os.replace``), so a failure never leaves a half-written file; an existing file
is overwritten only with ``force=True``; a directory that cannot be written to is refused
before any work is done (``check_output``).  An output whose extension names a format we do not
write is refused too (``check_extension``): ``report.xlsx`` is never a CSV in disguise.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeAlias

from .. import _validation as v

#: a file's path, as the functions here take it
PathLike: TypeAlias = "str | os.PathLike[str]"

#: the extensions of each kind of output (the first one is the usual one)
REPORT_EXTENSIONS = (".html", ".htm")
JSON_EXTENSIONS = (".json",)
FIGURE_EXTENSIONS = (".png", ".svg", ".pdf")


def check_extension(path: PathLike, extensions: tuple[str, ...], what: str) -> str:
    """The output's extension (lower case, with the dot) if it is one of ``extensions``, else a
    ValueError listing them.

    Parameters
    ----------
    path : str or path-like
        The output file.
    extensions : tuple of str
        The allowed extensions, lower case, with the dot.
    what : str
        How the error message names the output (e.g. "report").

    Returns
    -------
    str
        The extension, lower case, with the dot.

    Examples
    --------
    >>> from shrinkage.io import check_extension
    >>> check_extension("report.HTML", (".html", ".htm"), "report")
    '.html'
    """
    suffix = Path(path).suffix.lower()
    if suffix not in extensions:
        allowed = (
            ", ".join(extensions[:-1]) + (" or " if len(extensions) > 1 else "") + extensions[-1]
        )
        got = f"its extension is {suffix!r}" if suffix else "it has no extension"
        raise ValueError(
            f"the {what} {str(path)!r} must end in {allowed}: {got}, a format "
            f"the {what} is not written in."
        )
    return suffix


def check_output(path: PathLike, *, force: bool = False, what: str = "output") -> Path:
    """Refuse, before any work, an output that exists (without ``force``) or that cannot be
    written (missing or read-only directory, a file in the way).

    Parameters
    ----------
    path : str or path-like
        The output file.
    force : bool, default=False
        Overwrite an existing file.
    what : str, default="output"
        How error messages name the output (e.g. "report").

    Returns
    -------
    pathlib.Path
        The output's path.

    Examples
    --------
    >>> import tempfile
    >>> from shrinkage.io import check_output
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     print(check_output(f"{folder}/report.html").name)
    report.html
    """
    return v.check_output_path(path, force=force, what=what)


def write_atomic(
    path: PathLike, write: Callable[[str], object], *, force: bool = False, what: str = "output"
) -> Path:
    """Write an output through ``write(temporary_path)``, then move it into place.

    The temporary file lives in the output's directory (so the move is a rename on one file
    system) and is removed whatever happens; without ``force`` an existing file is never
    replaced, even one created meanwhile (the move is ``os.link``, which refuses to overwrite).

    Parameters
    ----------
    path : str or path-like
        The output file.
    write : callable
        ``write(temporary_path)`` writes the whole output to the file it is given.
    force : bool, default=False
        Overwrite an existing file.
    what : str, default="output"
        How error messages name the output (e.g. "report").

    Returns
    -------
    pathlib.Path
        The output's path.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from shrinkage.io import write_atomic
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     out = write_atomic(f"{folder}/a.txt", lambda tmp: Path(tmp).write_text("hi"))
    ...     print(out.read_text())
    hi
    """
    p = check_output(path, force=force, what=what)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        if force:
            os.replace(tmp, p)
        else:
            try:
                os.link(tmp, p)
            except FileExistsError:
                raise FileExistsError(
                    f"the {what} {str(p)!r} exists already; pass --force to "
                    "overwrite it (force=True in Python)."
                ) from None
            except OSError:  # a file system without hard links
                if p.exists():
                    raise FileExistsError(
                        f"the {what} {str(p)!r} exists already; pass --force "
                        "to overwrite it (force=True in Python)."
                    ) from None
                os.replace(tmp, p)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return p


def write_text(path: PathLike, text: str, *, force: bool = False, what: str = "output") -> Path:
    """``write_atomic`` for text (UTF-8).

    Parameters
    ----------
    path : str or path-like
        The output file.
    text : str
        The whole content.
    force : bool, default=False
        Overwrite an existing file.
    what : str, default="output"
        How error messages name the output (e.g. "report").

    Returns
    -------
    pathlib.Path
        The output's path.

    Examples
    --------
    >>> import tempfile
    >>> from shrinkage.io import write_text
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     out = write_text(f"{folder}/a.txt", "hi")
    ...     write_text(out, "again")
    Traceback (most recent call last):
    ...
    FileExistsError: the output '.../a.txt' exists already; pass --force to overwrite it ...
    """
    return write_atomic(
        path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"), force=force, what=what
    )


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
