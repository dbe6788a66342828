"""``shrinkage demo``: L1, L2 and Elastic Net compared on scikit-learn's diabetes data.

What the demo runs, in one place: the bundled table in its original units, its target, the
comparison's settings (those of ``shrinkage compare`` by default) and the lines printed before
the comparison.  The CLI reads these and runs ``compare``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..datasets import diabetes_frame

if TYPE_CHECKING:
    import pandas as pd

SOURCE = "diabetes (scikit-learn)"
TARGET = "progression"
PENALTIES = ("l1", "l2", "elasticnet")
CV, REPEATS, BOOTSTRAP = 5, 3, 100
CLASSIFICATION_NOTE = (
    "The demo is a regression; for class labels run `shrinkage compare DATA "
    "--target COLUMN`, which compares L1, L2 and Elastic Net logistic models."
)


def demo_table() -> pd.DataFrame:
    """The demo's data: 442 patients, 10 measurements and the target ``progression``.

    Examples
    --------
    >>> demo_table().columns[-1]
    'progression'
    """
    return diabetes_frame()


def introduction(table: pd.DataFrame) -> str:
    """The lines printed before the comparison: the data, and where class labels go.

    Examples
    --------
    >>> print(introduction(demo_table()).splitlines()[0][:61])
    shrinkage demo: scikit-learn's diabetes data (442 patients, 1
    """
    return (
        f"shrinkage demo: scikit-learn's diabetes data ({len(table)} patients, "
        f"{table.shape[1] - 1} measurements), predicting disease progression.\n"
        f"{CLASSIFICATION_NOTE}"
    )
