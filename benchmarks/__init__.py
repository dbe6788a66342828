"""Side-by-side benchmarks of shrinkage against scikit-learn, skglm, celer and glum.

Run ``python -m benchmarks.run --help`` from the repository root.
"""
