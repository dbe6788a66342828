"""Data in, models out: tables into numeric features, safe outputs and safe model files.

- ``tables``: the file formats (by extension), ``read_table`` and ``write_table``; a header
  naming a column twice is refused.
- ``encoding``: the rules (one-hot encoding, missing values, the checks) and their record, a
  ``Preprocessing``; ``preprocessor``: ``Preprocessor``, those rules as a scikit-learn
  transformer, and ``prepare`` (the target and the features of a table) and ``transform``
  (replaying a ``Preprocessing`` on new data), both through it.
- ``index_columns``: the row labels R and pandas write into files, left out of the features.
- ``files``: outputs written atomically, never over an existing file without ``force``, in the
  format their extension names (``check_extension``).
- ``model_files``: ``save`` / ``load`` any estimator, preprocessor or pipeline of them (JSON,
  never pickle; the format is in that module's docstring), checked against a schema with
  ``schema`` after a bounded parse by ``safe_json``, rebuilt only from our classes.

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
    dumps_model,
    load,
    read_model,
    save,
    save_model,
)
from .preprocessor import Preprocessor, prepare, transform
from .tables import FORMATS, check_unique_columns, read_table, table_format, write_table

__all__ = [
    "ALPHA_SCALING",
    "FIGURE_EXTENSIONS",
    "FORMATS",
    "JSON_EXTENSIONS",
    "MAX_ABS_VALUE",
    "MODEL_FORMAT",
    "MODEL_FORMAT_VERSION",
    "PENALTY_NAMES",
    "PREPROCESSING_VERSION",
    "REPORT_EXTENSIONS",
    "STANDARDIZATION",
    "ColumnSpec",
    "Prepared",
    "Preprocessing",
    "Preprocessor",
    "check_extension",
    "check_model",
    "check_output",
    "check_unique_columns",
    "dumps_model",
    "find_index_columns",
    "load",
    "prepare",
    "read_model",
    "read_table",
    "save",
    "save_model",
    "table_format",
    "transform",
    "write_atomic",
    "write_table",
    "write_text",
]
