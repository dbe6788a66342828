"""Tables in and out: the file formats, reading a table, writing one.

The format follows the extension: CSV (``.csv``), TSV (``.tsv``, ``.tab``), Parquet
(``.parquet``, ``.pq``; needs pyarrow: ``pip install 'shrinkage[parquet]'``) and JSON lines
(``.jsonl``, ``.ndjson``; ``.json`` holding JSON lines or one array of records).  The text
formats may be compressed (``.gz``, ``.bz2``, ``.xz``, ``.zip``).  Empty cells and the usual
markers (NA, NaN, null, None, N/A, ...) are missing values.

Every column has its own name: a header that names a column twice is refused (pandas would
silently rename the second ``y`` to ``y.1``, and a duplicated target would become a feature).
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import json
import lzma
import zipfile
from collections import Counter
from collections.abc import Callable
from io import TextIOWrapper
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .files import PathLike, write_atomic

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    import pandas as pd

FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
}
#: compressed text: the suffix and pandas' name of the method
COMPRESSION = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz", ".zip": "zip"}
_TEXT_FORMATS = ("csv", "tsv", "jsonl", "json")
_FORMAT_NAMES = {
    "csv": "CSV",
    "tsv": "TSV",
    "parquet": "Parquet",
    "jsonl": "JSON lines",
    "json": "JSON",
}
SUPPORTED = (
    ".csv, .tsv (.tab), .parquet (.pq), .jsonl (.ndjson) or .json; the text formats "
    "may end in .gz, .bz2, .xz or .zip"
)


def table_format(path: PathLike, *, what: str = "data file") -> str:
    """ "csv", "tsv", "parquet", "jsonl" or "json", from the file name's extension.

    A compression suffix (``.gz``, ``.bz2``, ``.xz``, ``.zip``) is allowed after a text format
    only; anything else is refused with the list of supported extensions.

    Parameters
    ----------
    path : str or path-like
        The file name.
    what : str, default="data file"
        How error messages name the file.

    Returns
    -------
    str
        The format.

    Examples
    --------
    >>> from shrinkage.io import table_format
    >>> table_format("houses.csv.gz"), table_format("runs.jsonl")
    ('csv', 'jsonl')
    """
    p = Path(path)
    fmt, _ = _format_and_compression(p)
    if fmt is None:
        raise ValueError(
            f"cannot tell the format of the {what} {str(p)!r} from its extension; use {SUPPORTED}."
        )
    return fmt


def _format_and_compression(p: Path) -> tuple[str | None, str | None]:
    suffixes = [s.lower() for s in p.suffixes]
    compression = None
    if suffixes and suffixes[-1] in COMPRESSION:
        compression = COMPRESSION[suffixes.pop()]
    fmt = FORMATS.get(suffixes[-1]) if suffixes else None
    if compression is not None and fmt not in _TEXT_FORMATS:
        fmt = None
    return fmt, compression


# --------------------------------------------------------------------------------------------
# reading


def read_table(path: PathLike) -> pd.DataFrame:
    """The table at ``path`` as a pandas DataFrame (format from the extension; module docs).

    Column names are text; a name used twice in the file is refused (``ValueError`` naming it).

    Parameters
    ----------
    path : str or path-like
        A .csv, .tsv, .parquet, .jsonl or .json file (text formats possibly compressed).

    Returns
    -------
    pandas.DataFrame
        The table.

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> from shrinkage.io import read_table
    >>> houses = pd.DataFrame({"area": [50, 80], "price": [100, 150]})
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     houses.to_csv(f"{folder}/houses.csv", index=False)
    ...     print(read_table(f"{folder}/houses.csv"))
       area  price
    0    50    100
    1    80    150
    """
    import pandas as pd

    p = Path(path)
    fmt = table_format(p)
    if p.is_dir():
        raise IsADirectoryError(f"{str(p)!r} is a directory, not a data file.")
    if not p.exists():
        raise FileNotFoundError(f"data file {str(p)!r} not found.")
    source = p.name
    options = {"skipinitialspace": True} if fmt == "csv" else {"sep": "\t"}
    with _reading(source, fmt):
        names = _header(p, fmt, options)
    check_unique_columns(names, source)
    with _reading(source, fmt):
        if fmt in ("csv", "tsv"):
            df = pd.read_csv(p, **options)
        elif fmt == "parquet":
            df = pd.read_parquet(p)
        else:
            df = pd.read_json(
                p, lines=fmt == "jsonl" or not _starts_with_bracket(p), precise_float=True
            )
    df.columns = [str(c) for c in df.columns]
    check_unique_columns(df.columns, source)
    return df


def check_unique_columns(names: Iterable[str], source: str) -> None:
    """Refuse a table whose header names a column more than once (empty names aside).

    Parameters
    ----------
    names : iterable
        The header's column names.
    source : str
        How the error message names the table (e.g. the file name).

    Examples
    --------
    >>> from shrinkage.io import check_unique_columns
    >>> check_unique_columns(["x", "y", "x"], "data.csv")
    Traceback (most recent call last):
    ...
    ValueError: data.csv has duplicate column names: 'x' 2 times; ...
    """
    counts = Counter(str(n) for n in names if n is not None and str(n) != "")
    repeated = [n for n, k in counts.items() if k > 1]
    if repeated:
        times = ", ".join(f"{n!r} {counts[n]} times" for n in repeated[:8])
        more = f" and {len(repeated) - 8} more" if len(repeated) > 8 else ""
        raise ValueError(
            f"{source} has duplicate column names: {times}{more}; give each "
            "column its own name in the header (e.g. "
            f"{repeated[0] + '_2'!r}) and run again."
        )


@contextlib.contextmanager
def _reading(source: str, fmt: str) -> Iterator[None]:
    """Errors of the readers as one ValueError naming the file and the format."""
    import pandas as pd

    try:
        yield
    except pd.errors.EmptyDataError:
        raise ValueError(f"{source} is empty: no header and no rows.") from None
    except (FileNotFoundError, PermissionError, IsADirectoryError):
        raise
    except (ValueError, UnicodeDecodeError, OSError, EOFError, zipfile.BadZipFile) as e:
        raise ValueError(f"cannot read {source} as {_FORMAT_NAMES[fmt]}: {_one_line(e)}") from None


def _header(p: Path, fmt: str, options: dict[str, Any]) -> list[str]:
    """The column names as the file writes them (pandas renames a repeated name: y, y.1)."""
    if fmt == "parquet":
        _require_pyarrow()
        import pyarrow.parquet as pq

        return list(pq.read_schema(p).names)
    if fmt in ("csv", "tsv"):
        import pandas as pd

        head = pd.read_csv(p, header=None, nrows=1, dtype=str, keep_default_na=False, **options)
        return [] if head.empty else [str(x) for x in head.iloc[0]]
    return _json_keys(p, fmt == "jsonl" or not _starts_with_bracket(p))


def _open_binary(p: Path) -> IO[bytes] | gzip.GzipFile | bz2.BZ2File | lzma.LZMAFile | _ZipMember:
    """The file's bytes, decompressed by its extension (the first member of a zip)."""
    _, compression = _format_and_compression(p)
    if compression == "gzip":
        return gzip.open(p, "rb")
    if compression == "bz2":
        return bz2.open(p, "rb")
    if compression == "xz":
        return lzma.open(p, "rb")
    if compression == "zip":
        archive = zipfile.ZipFile(p)
        names = archive.namelist()
        if not names:
            archive.close()
            raise ValueError("the zip archive is empty.")
        return _ZipMember(archive, names[0])
    return open(p, "rb")


class _ZipMember(contextlib.AbstractContextManager["_ZipMember"]):
    """One member of a zip archive, closing the archive with the member."""

    def __init__(self, archive: zipfile.ZipFile, name: str) -> None:
        self.archive, self.file = archive, archive.open(name)

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.file)

    def read(self, size: int = -1) -> bytes:
        return self.file.read(size)

    def __exit__(self, *exc: object) -> None:
        self.file.close()
        self.archive.close()


def _starts_with_bracket(p: Path) -> bool:
    with _open_binary(p) as f:
        head = f.read(4096).lstrip()
    return head.startswith(b"[")


class _Record(dict[str, Any]):
    """A JSON object that remembers the keys it held twice (``json`` keeps the last one)."""

    repeated: tuple[str, ...] = ()


def _record(pairs: list[tuple[str, Any]]) -> _Record:
    out = _Record(pairs)
    if len(out) < len(pairs):
        counts = Counter(k for k, _ in pairs)
        out.repeated = tuple(k for k, n in counts.items() if n > 1)
    return out


def _json_keys(p: Path, lines: bool) -> list[str]:
    """The keys of the records, a key repeated within one record listed twice."""
    with _open_binary(p) as f:
        if lines:
            records = (json.loads(line, object_pairs_hook=_record) for line in f if line.strip())
            keys = _keys(records)
        else:
            keys = _keys(json.load(f, object_pairs_hook=_record))
    return keys


def _keys(records: Iterable[object]) -> list[str]:
    seen: dict[str, None] = {}
    for r in records:
        if isinstance(r, _Record):
            if r.repeated:
                return [*r.repeated, *r.repeated]
            seen.update(dict.fromkeys(r))
    return list(seen)


def _require_pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise ValueError(
            "Parquet needs pyarrow, which is not installed: pip install "
            "'shrinkage[parquet]' (or pip install pyarrow)."
        ) from None


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split())


# --------------------------------------------------------------------------------------------
# writing


def write_table(
    df: pd.DataFrame, path: PathLike, *, force: bool = False, what: str = "predictions"
) -> Path:
    """A DataFrame in the format its extension names (the formats ``read_table`` reads),
    atomically; any other extension is refused, listing the supported ones.

    ``.json`` is one array of records, ``.jsonl`` one record per line (numbers written in full,
    missing cells as null); a compression suffix compresses a text format.

    Parameters
    ----------
    df : pandas.DataFrame
        The table.
    path : str or path-like
        The output file.
    force : bool, default=False
        Replace an existing file.
    what : str, default="predictions"
        How error messages name the file.

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> from shrinkage.io import read_table, write_table
    >>> predictions = pd.DataFrame({"prediction": [1.5, 2.25]})
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     out = write_table(predictions, f"{folder}/preds.csv.gz")
    ...     read_table(out)["prediction"].tolist()
    [1.5, 2.25]
    """
    p = Path(path)
    fmt = table_format(p, what=what)
    _, compression = _format_and_compression(p)
    if fmt == "parquet":
        _require_pyarrow()

    def write(tmp: str) -> None:
        if fmt == "parquet":
            df.to_parquet(tmp, index=False)
            return
        with _text_writer(tmp, compression, member=p.name.removesuffix(p.suffix)) as f:
            if fmt in ("csv", "tsv"):
                df.to_csv(f, sep="\t" if fmt == "tsv" else ",", index=False)
            else:
                _write_json_records(df, f, lines=fmt == "jsonl")

    return write_atomic(p, write, force=force, what=what)


@contextlib.contextmanager
def _text_writer(path: str, compression: str | None, member: str) -> Iterator[IO[str]]:
    """A UTF-8 text stream into ``path``, compressed as named (a zip holds one ``member``)."""
    if compression == "zip":
        with (
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
            archive.open(member, "w") as raw,
            TextIOWrapper(raw, encoding="utf-8", newline="") as f,
        ):
            yield f
        return
    openers: dict[str | None, Callable[..., IO[str]]] = {
        None: open,
        "gzip": gzip.open,
        "bz2": bz2.open,
        "xz": lzma.open,
    }
    opener = openers[compression]
    with opener(path, "wt", encoding="utf-8", newline="") as f:
        yield f


def _write_json_records(df: pd.DataFrame, f: IO[str], *, lines: bool) -> None:
    """Records as JSON, floats in full (repr round-trips), missing cells as null."""
    records = df.astype(object).where(df.notna(), None).to_dict(orient="records")
    if lines:
        for r in records:
            f.write(json.dumps(r, default=str, allow_nan=False) + "\n")
    else:
        json.dump(records, f, default=str, allow_nan=False)
        f.write("\n")
