"""fileio.put_files: a file given as a list of parts is written as their concatenation."""

from __future__ import annotations


def test_parts_are_written_one_after_the_other(tmp_path):
    from nmx.fileio import put_files

    folder = tmp_path / "new"
    folder.mkdir()
    written = put_files(folder, [("a/state.json", [b'{"x":', b"", "中".encode(), b"}\n"]), ("b.html", "<p>中</p>"),
                                 ("c.ics", b"BEGIN")])
    assert written == ["a/state.json", "b.html", "c.ics"]
    assert (folder / "a/state.json").read_bytes() == '{"x":中}\n'.encode()
    assert (folder / "b.html").read_bytes() == "<p>中</p>".encode() and (folder / "c.ics").read_bytes() == b"BEGIN"
