"""The demos behind ``shrinkage demo`` and ``shrinkage nn-demo``, outside the core.

- ``compare``: the diabetes demo's data, target and settings (``shrinkage demo`` runs
  ``compare`` with them).
- ``nn``: an MLP on scikit-learn's digits trained nine ways (needs the ``torch`` extra).

Nothing in the library imports this package; the modules are imported on use, so importing
``shrinkage.demos`` loads neither scikit-learn's data nor PyTorch.
"""
