"""The nn demo runs on one thread: its tensors are tiny and pytest-xdist runs workers side by
side (as in tests/torch)."""

import pytest

try:
    import torch
except ImportError:  # users without the extra: the test modules skip themselves
    torch = None


@pytest.fixture(autouse=True, scope="session")
def _one_thread():
    if torch is None:
        yield
        return
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
