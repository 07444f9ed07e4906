"""Bytes → text → YAML nodes → plain data with source positions.

PyYAML's constructor is not used: it silently keeps the last of duplicate keys,
expands aliases without limit and applies YAML 1.1 typing. Instead the C
composer builds the node graph and `_Builder` walks it, checking each of those
as it goes and recording where every value came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from nmx.i18n import t
from nmx.problems import Level, Problem

try:  # the C composer where libyaml is available
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Path_ = tuple  # a path inside the document: ("tasks", 3, "lead", 0)

#: Maximum number of nodes an expanded document may have. Aliases count each
#: time they are followed; the bundled plan has about 1,500 nodes.
ALIAS_BUDGET = 1_000_000

_TAG = "tag:yaml.org,2002:"
_BOOL_WORDS = {"true", "false", "True", "False", "TRUE", "FALSE"}
_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
_constructor = yaml.constructor.SafeConstructor()


@dataclass
class Document:
    """A parsed YAML file: its data, where each value came from, and what was wrong."""

    file: str
    data: object = None
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def where(self, path: Path_) -> tuple[int, int]:
        """Line and column of `path`, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, (1, 1))

    def problem(self, path: Path_, rule: str, message: str, level: Level = Level.ERROR) -> Problem:
        line, col = self.where(path)
        return Problem(self.file, line, col, level, rule, message, format_path(path))


def format_path(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def decode(raw: bytes, doc: Document) -> str | None:
    """UTF-8 text of `raw` (a BOM is dropped), or None with a problem recorded."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        doc.problems.append(Problem(doc.file, 1, 1, Level.ERROR, "encoding", t("enc_utf16")))
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = raw[: exc.start].decode("utf-8", errors="replace")
        line = good.count("\n") + 1
        col = len(good) - (good.rfind("\n") + 1) + 1
        try:
            raw.decode("gb18030")
            message = t("enc_gb18030")
        except UnicodeDecodeError:
            message = t("enc_unknown", byte=exc.start)
        doc.problems.append(Problem(doc.file, line, col, Level.ERROR, "encoding", message))
        return None


def parse(raw: bytes, file: str) -> Document:
    """Parse one YAML file's bytes into plain data, collecting every problem found."""
    doc = Document(file)
    text = decode(raw, doc)
    if text is None:
        return doc
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        doc.problems.append(Problem(file, 1, 1, Level.ERROR, "empty", t("empty_file")))
        return doc
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or str(exc)
        if "expected a single document" in str(exc):
            problem_text = t("multi_document")
            rule = "multi-document"
        else:
            problem_text = t("yaml_syntax", problem=problem)
            rule = "syntax"
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        doc.problems.append(Problem(file, line, col, Level.ERROR, rule, problem_text))
        return doc
    except yaml.YAMLError as exc:  # e.g. a reader error without a mark
        doc.problems.append(Problem(file, 1, 1, Level.ERROR, "syntax", t("yaml_syntax", problem=exc)))
        return doc
    finally:
        loader.dispose()
    if node is None:
        doc.problems.append(Problem(file, 1, 1, Level.ERROR, "empty", t("empty_file")))
        return doc
    try:
        doc.data = _Builder(doc).build(node, ())
    except _BudgetExceeded:
        doc.data = None
        doc.positions.clear()
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        doc.problems.append(
            Problem(file, line, col, Level.ERROR, "alias-budget", t("alias_budget", budget=ALIAS_BUDGET))
        )
        return doc
    if not isinstance(doc.data, dict):
        doc.problems.append(doc.problem((), "structure", t("top_not_mapping")))
    return doc


class _BudgetExceeded(Exception):
    pass


class _Builder:
    """Turns a composed node graph into plain Python data, position by position."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.budget = ALIAS_BUDGET

    def build(self, node: yaml.Node, path: Path_) -> object:
        self.budget -= 1
        if self.budget < 0:
            raise _BudgetExceeded
        self.doc.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _TAG + "seq":
                return self._bad_tag(node, path)
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> object:
        if node.tag != _TAG + "map":
            return self._bad_tag(node, path)
        out: dict[str, object] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            key_pos = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key_node.tag == _TAG + "merge":
                self._add(key_pos, path, "merge-key", t("merge_key"))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self._add(key_pos, path, "key-type", t("complex_key"))
                continue
            key = key_node.value
            if key in out or key in first_line:
                self._add(key_pos, path + (key,), "duplicate-key", t("duplicate_key", key=key, line=first_line[key]))
                continue
            first_line[key] = key_pos[0]
            out[key] = self.build(value_node, path + (key,))
            self.doc.positions[path + (key,)] = key_pos
        return out

    def _scalar(self, node: yaml.ScalarNode, path: Path_) -> object:
        tag = node.tag
        value = node.value
        if tag == _TAG + "str" or tag == _TAG + "timestamp":
            return value  # dates are parsed (and checked) by the models
        if tag == _TAG + "null":
            return None
        if tag == _TAG + "bool":
            if node.style is None and value not in _BOOL_WORDS:
                self._add_at(node, path, "yaml11-bool", t("yaml11_bool", value=value))
                return value
            return value.lower() == "true"
        if tag in (_TAG + "int", _TAG + "float"):
            if node.style is None and _SEXAGESIMAL.match(value):
                self._add_at(node, path, "yaml11-sexagesimal", t("yaml11_sexagesimal", value=value))
                return value
            if tag == _TAG + "int":
                return _constructor.construct_yaml_int(node)
            return _constructor.construct_yaml_float(node)
        return self._bad_tag(node, path)

    def _bad_tag(self, node: yaml.Node, path: Path_) -> None:
        self._add_at(node, path, "tag", t("bad_tag", tag=node.tag))
        return None

    def _add_at(self, node: yaml.Node, path: Path_, rule: str, message: str) -> None:
        self._add((node.start_mark.line + 1, node.start_mark.column + 1), path, rule, message)

    def _add(self, pos: tuple[int, int], path: Path_, rule: str, message: str) -> None:
        self.doc.problems.append(Problem(self.doc.file, pos[0], pos[1], Level.ERROR, rule, message, format_path(path)))
