"""fileio.read_input's bound: what it reads, and that it never asks for a buffer of the limit."""

from __future__ import annotations

import io

import pytest

from nmx.errors import UsageError
from nmx.fileio import _read_bounded, read_input


def test_a_limit_of_petabytes_reads_a_small_file(tmp_path):
    """A read of n bytes allocates n first: a limit of 2**50 bytes (the report's state may have a
    limit of tens of gigabytes) was a MemoryError before a byte was read."""
    path = tmp_path / "f"
    path.write_bytes(b"x" * 1000)
    assert read_input(path, limit=1 << 50) == b"x" * 1000


def test_the_limit_is_exact(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"y" * 4096)
    assert read_input(path, limit=4096) == b"y" * 4096
    with pytest.raises(UsageError):
        read_input(path, limit=4095)


class Growing(io.RawIOBase):
    """A file that is `size` bytes when looked at and goes on growing while it is read."""

    def __init__(self, size: int, grows_to: int) -> None:
        self.left, self.asked = grows_to, []

    def read(self, n: int = -1) -> bytes:
        self.asked.append(n)
        got = min(n, self.left, 300_000)
        self.left -= got
        return b"z" * got


@pytest.mark.parametrize("grows_to, want", [(5_000_000, 3_000_001), (2_500_000, 2_500_000), (1000, 1000)])
def test_a_file_that_grows_while_read_is_read_to_one_past_the_limit(grows_to, want):
    fh = Growing(1000, grows_to)
    data = _read_bounded(fh, 1000, 3_000_000)
    assert len(data) == want  # one past the limit: read_input says it is too large
    assert max(fh.asked) <= 1 << 20  # never the limit at once
