"""Data in, models out: tables into numeric features, safe outputs and safe model files.

- ``tables``: the file formats (by extension), ``read_table`` and ``write_table``; a header
  naming a column twice is refused.
- ``encoding``: ``prepare`` (the target and the numeric features: one-hot encoding, missing
  values, the checks), recorded in a ``Preprocessing`` that ``transform`` replays on new data.
- ``index_columns``: the row labels R and pandas write into files, left out of the features.
- ``files``: outputs written atomically, never over an existing file without ``force``, in the
  format their extension names (``check_extension``).
- ``model_files``: ``save_model`` / ``load_model`` (JSON, never pickle; the format is in that
  module's docstring), checked against a schema with ``schema`` after a bounded parse by
  ``safe_json``.

Examples
--------
>>> from shrinkage.io import prepare, read_table  # doctest: +SKIP
>>> prepared = prepare(read_table("houses.csv"), "price")  # doctest: +SKIP
"""

from .encoding import (
    MAX_ABS_VALUE,
    PREPROCESSING_VERSION,
    STANDARDIZATION,
    ColumnSpec,
    Prepared,
    Preprocessing,
    prepare,
    transform,
)
from .files import (
    FIGURE_EXTENSIONS,
    JSON_EXTENSIONS,
    REPORT_EXTENSIONS,
    check_extension,
    check_output,
    write_atomic,
    write_text,
)
from .index_columns import find_index_columns
from .model_files import (
    ALPHA_SCALING,
    MODEL_FORMAT,
    MODEL_FORMAT_VERSION,
    PENALTY_NAMES,
    check_model,
    load_model,
    model_predict,
    save_model,
)
from .tables import FORMATS, check_unique_columns, read_table, table_format, write_table

__all__ = [
    "ALPHA_SCALING", "FIGURE_EXTENSIONS", "FORMATS", "JSON_EXTENSIONS", "MAX_ABS_VALUE",
    "MODEL_FORMAT", "MODEL_FORMAT_VERSION", "PENALTY_NAMES", "PREPROCESSING_VERSION",
    "REPORT_EXTENSIONS", "STANDARDIZATION", "ColumnSpec", "Prepared", "Preprocessing",
    "check_extension", "check_model", "check_output", "check_unique_columns",
    "find_index_columns", "load_model", "model_predict", "prepare", "read_table", "save_model",
    "table_format", "transform", "write_atomic", "write_table", "write_text",
]
