"""One hypothesis profile for the property tests: derandomized (the same examples on every run),
no example database, no deadline (the first fit of a kernel compiles it) and few examples."""

from hypothesis import HealthCheck, settings

settings.register_profile(
    "shrinkage",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=30,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.load_profile("shrinkage")
