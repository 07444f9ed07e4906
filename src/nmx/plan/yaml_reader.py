"""Bytes → text → YAML nodes → plain data with source positions.

PyYAML's constructor is not used: it silently keeps the last of duplicate keys,
expands aliases without limit and applies YAML 1.1 typing. Instead the C
composer builds the node graph and `_Builder` walks it, checking each of those
as it goes and recording where every value came from.
"""

from __future__ import annotations

import re
from dataclasses import field

import yaml

from nmx.i18n import t
from nmx.bulk import paused_gc
from nmx.lazyclass import dataclass
from nmx.problems import Level, Problem
from nmx.safetext import CONTROL, visible

try:  # the C composer where libyaml is available
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader, made cheaper per node for large files.

    A large plan repeats the same few thousand words (kinds, labels, unit names)
    hundreds of thousands of times: the tag of each plain scalar is remembered instead
    of going through the resolver's regexes again. The safe loader has no path
    resolvers, so every other node gets the default tag and the descend/ascend hooks
    that exist for path resolvers do nothing.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._plain_tags: dict[str, str] = {}
        self._keys: dict[int, int] = {}  # id(mapping node) → keys composed so far
        self._nodes = 0
        self._max_nodes = max_nodes()

    def resolve(self, kind, value, implicit):  # type: ignore[no-untyped-def]
        if kind is yaml.ScalarNode:
            if not implicit[0]:
                return _STR
            tag = self._plain_tags.get(value)
            if tag is None:
                tag = self._plain_tags[value] = super().resolve(kind, value, implicit)
            return tag
        return _MAP if kind is yaml.MappingNode else _SEQ

    def descend_resolver(self, current_node, current_index):  # type: ignore[no-untyped-def]
        # The composer calls this before every child; a key of a mapping has no index. A
        # mapping far larger than any nmx file has is refused here, before a million of
        # its keys become nodes (and a million problems).
        self._nodes += 1
        if self._nodes > self._max_nodes and current_node is not None:
            raise _GraphError(current_node, "node-budget", t("node_budget", max=self._max_nodes))
        if current_index is None and current_node is not None:
            n = self._keys.get(id(current_node), 0) + 1
            self._keys[id(current_node)] = n
            if n > MAX_KEYS:
                raise _GraphError(current_node, "mapping-size", t("mapping_size", max=MAX_KEYS))

    def ascend_resolver(self):  # type: ignore[no-untyped-def]
        pass


assert not _BaseLoader.yaml_path_resolvers, "the shortcuts in _Loader assume no path resolvers"

Path_ = tuple  # a path inside the document: ("tasks", 3, "lead", 0)

#: Maximum number of nodes that aliases may add to a document: each time an alias
#: is followed, the nodes below its anchor count again. The bundled plan uses no
#: aliases; a hand-written plan that shares a few lists stays far below this. It
#: bounds what pydantic sees, however the aliases nest ("billion laughs").
ALIAS_BUDGET = 100_000
#: Maximum nesting of collections. The plan needs 7 levels; the builder recurses
#: once per level, so this also keeps it far from Python's recursion limit (and
#: below libyaml's own limit of 1,000, whose error message is less clear).
MAX_DEPTH = 64
#: Maximum nodes in one file (NMX_MAX_NODES overrides): what composing may hold in memory
#: (some 500 bytes a node) whatever the file's size. The 10,000-task plan has 550,000.
MAX_NODES = 2_000_000


def max_nodes() -> int:
    import os

    try:
        return max(1, int(os.environ.get("NMX_MAX_NODES", MAX_NODES)))
    except ValueError:
        return MAX_NODES


#: Maximum keys in one mapping. Every mapping of an nmx file is one model's fields (a
#: dozen at most); lists hold the many things (tasks, units, records).
MAX_KEYS = 1_000

_TAG = "tag:yaml.org,2002:"
_STR, _SEQ, _MAP, _MERGE = _TAG + "str", _TAG + "seq", _TAG + "map", _TAG + "merge"
# Scalars kept as text: dates are parsed (and checked) by the models; a plain '=' or a
# '<<' that is not a key are text too (YAML 1.1's value and merge types exist only as keys).
_TEXT_TAGS = frozenset(_TAG + name for name in ("str", "timestamp", "value", "merge"))
_BOOL_WORDS = {"true", "false", "True", "False", "TRUE", "FALSE"}
_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
# Integers YAML 1.1 reads differently from YAML 1.2 (and from a person): 010 is
# octal 8, 0b11 is 3, 1_000 is 1000.
_YAML11_INT = re.compile(r"^[-+]?(?:0[0-7_]+|0b[01_]+|[0-9][0-9]*_[0-9_]*)$")
_C_LOADER = _BaseLoader.__name__.startswith("C")  # libyaml reports reader errors by byte offset
_constructor = yaml.constructor.SafeConstructor()


@dataclass
class Document:
    """A parsed YAML file: its data, where each value came from, and what was wrong."""

    file: str
    data: object = None
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    #: the path of each value the builder found a fault in (its data there is not to be trusted)
    faults: list[Path_] = field(default_factory=list)

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
    with paused_gc():  # composing a 6 MB file makes a million nodes and marks, none cyclic
        return _parse(raw, file)


def _parse(raw: bytes, file: str) -> Document:
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
    except _GraphError as exc:
        line, col = exc.node.start_mark.line + 1, exc.node.start_mark.column + 1
        doc.problems.append(Problem(file, line, col, Level.ERROR, exc.rule, exc.message))
        return doc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or str(exc)
        if "expected a single document" in str(exc):
            problem_text = t("multi_document")
            rule = "multi-document"
        elif mark is not None and (found := _indentation(text, mark.line, mark.column, _one_line(problem))):
            problem_text, (line, col) = found
            doc.problems.append(Problem(file, line, col, Level.ERROR, "syntax", problem_text))
            return doc
        else:
            problem = _one_line(problem)
            if exc.context and exc.context_mark and mark and exc.context_mark.line != mark.line:
                # e.g. an unclosed '[' is found on a later line: say where it opened
                problem = t("yaml_context", problem=problem, context=exc.context, line=exc.context_mark.line + 1)
            problem_text = t("yaml_syntax", problem=problem)
            rule = "syntax"
        line, col = _clamp(text, mark.line + 1, mark.column + 1) if mark else (1, 1)
        doc.problems.append(Problem(file, line, col, Level.ERROR, rule, problem_text))
        return doc
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        line, col = _reader_position(text, exc.position)
        what = f"#x{exc.character:04x}" if isinstance(exc.character, int) else repr(exc.character)
        problem = f"unacceptable character {what}: {exc.reason}"
        doc.problems.append(Problem(file, line, col, Level.ERROR, "syntax", t("yaml_syntax", problem=problem)))
        return doc
    except (yaml.YAMLError, RecursionError) as exc:  # RecursionError: the pure-Python composer
        problem = _one_line(str(exc)) or type(exc).__name__
        doc.problems.append(Problem(file, 1, 1, Level.ERROR, "syntax", t("yaml_syntax", problem=problem)))
        return doc
    finally:
        loader.dispose()
    if node is None:
        doc.problems.append(Problem(file, 1, 1, Level.ERROR, "empty", t("empty_file")))
        return doc
    try:
        if "&" in text:  # without an anchor there is no alias to follow
            _check_aliases(node)
        # YAML's reader refuses raw control characters; only a double-quoted escape ("\e",
        # "\x1b", "\N" …) can make one, so without a backslash no scalar needs a look.
        doc.data = _Builder(doc, escapes="\\" in text).build(node, ())
    except _GraphError as exc:
        line, col = exc.node.start_mark.line + 1, exc.node.start_mark.column + 1
        doc.problems.append(Problem(file, line, col, Level.ERROR, exc.rule, exc.message))
        return doc
    if not isinstance(doc.data, dict):
        doc.problems.append(doc.problem((), "structure", t("top_not_mapping")))
    return doc


#: libyaml's (and PyYAML's) words for a block that a line's indentation ended or opened wrongly
_INDENT_ERRORS = ("mapping values are not allowed", "did not find expected key",
                  "did not find expected '-' indicator", "expected <block end>")


def _indentation(text: str, line: int, column: int, problem: str) -> tuple[str, tuple[int, int]] | None:
    """The message and position for an error an indentation explains, or None.

    The error's line (0-based `line`) is the one out of line: its key (or its '- ') is
    compared with the lines still open above it (the previous line, its parents); the one
    whose column is nearest is its sibling. A ': ' earlier on the same line is instead a
    colon in a plain value, which quotes fix.
    """
    if not problem.startswith(_INDENT_ERRORS):
        return None
    lines = text.split("\n")
    if line >= len(lines):
        return None
    own = lines[line]
    if problem.startswith("mapping values") and ": " in own[:column].lstrip(" -"):
        return t("v:colon", problem=problem), (line + 1, column + 1)
    dash, col = _key_column(own)
    levels: list[tuple[int, int]] = []
    floor = None
    for j in range(line - 1, -1, -1):
        above = lines[j]
        stripped = above.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(above) - len(above.lstrip(" "))
        if floor is not None and indent >= floor:
            continue
        floor = indent
        is_dash, key_col = _key_column(above)
        if dash and is_dash:
            levels.append((j, indent))
        elif not dash:
            levels.append((j, key_col))
        if indent == 0:
            break
    own_col = len(own) - len(own.lstrip(" ")) if dash else col
    if not levels:
        return None
    sibling, indent = min(levels, key=lambda level: abs(level[1] - own_col))  # the nearest line on a tie
    if indent == own_col:
        return None
    message = t("v:indent", line=line + 1, col=own_col, sibling=sibling + 1, indent=indent, problem=problem)
    return message, (line + 1, own_col + 1)


def _key_column(line: str) -> tuple[bool, int]:
    """Whether `line` is a list item ('- …'), and the column its key (or value) starts at."""
    col = len(line) - len(line.lstrip(" "))
    dash = line[col:col + 2] in ("- ", "-")
    while line[col:col + 2] == "- ":
        col += 2
        col += len(line[col:]) - len(line[col:].lstrip(" "))
    return dash, col


def _clamp(text: str, line: int, col: int) -> tuple[int, int]:
    """libyaml puts end-of-file errors on the line after a last line without a newline."""
    lines = text.split("\n")
    if line <= len(lines):
        return line, col
    return len(lines), len(lines[-1]) + 1


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _reader_position(text: str, position: int) -> tuple[int, int]:
    """Line and column of a reader error's offset (bytes of UTF-8 for libyaml, else characters)."""
    before = text.encode("utf-8")[:position].decode("utf-8", "replace") if _C_LOADER else text[:position]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


class _GraphError(Exception):
    def __init__(self, node: yaml.Node, rule: str, message: str) -> None:
        super().__init__(message)
        self.node, self.rule, self.message = node, rule, message


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_aliases(root: yaml.Node) -> None:
    """Refuse recursive aliases and alias expansion beyond the budget, before building.

    One pass over the composed graph, each node visited once whatever the aliases,
    so a "billion laughs" file is refused in microseconds at the collection where the
    budget runs out. Iterative, so a deep document cannot exhaust Python's stack.
    """
    size: dict[int, int] = {}  # node → nodes in its expansion
    on_path: set[int] = {id(root)}
    stack = [(root, iter(_children(root)))]
    added = 0
    while stack:
        node, children = stack[-1]
        for child in children:
            key = id(child)
            if key in size:  # seen before: an alias, expanded once more
                added += size[key]
                if added > ALIAS_BUDGET:
                    raise _GraphError(node, "alias-budget", t("alias_budget", budget=ALIAS_BUDGET))
            elif key in on_path:
                raise _GraphError(node, "alias-recursive", t("alias_recursive"))
            elif isinstance(child, yaml.ScalarNode):
                size[key] = 1
            else:
                on_path.add(key)
                stack.append((child, iter(_children(child))))
                break
        else:
            stack.pop()
            on_path.discard(id(node))
            size[id(node)] = 1 + sum(size[id(c)] for c in _children(node))


class _Builder:
    """Turns a composed node graph into plain Python data, position by position."""

    def __init__(self, doc: Document, escapes: bool = True) -> None:
        self.doc = doc
        self.positions = doc.positions
        self.escapes = escapes

    def build(self, node: yaml.Node, path: Path_, pos: tuple[int, int] | None = None) -> object:
        """The data of `node`; `pos` is where `path` is reported (a mapping value: its key)."""
        if len(path) >= MAX_DEPTH:  # the path grows by one per level: recursion stays bounded
            raise _GraphError(node, "nesting-depth", t("nesting_depth", depth=MAX_DEPTH))
        if pos is None:
            pos = (node.start_mark.line + 1, node.start_mark.column + 1)
        self.positions[path] = pos
        kind = type(node)
        if kind is yaml.ScalarNode:
            if self.escapes and node.style == '"':
                self._check_control(node, path)
            return node.value if node.tag in _TEXT_TAGS else self._scalar(node, path)
        if kind is yaml.MappingNode:
            return self._mapping(node, path)
        if node.tag != _SEQ:
            return self._bad_tag(node, path)
        build = self.build
        return [build(item, path + (i,)) for i, item in enumerate(node.value)]

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> object:
        if node.tag != _MAP:
            return self._bad_tag(node, path)
        out: dict[str, object] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            mark = key_node.start_mark
            key_pos = (mark.line + 1, mark.column + 1)
            if type(key_node) is not yaml.ScalarNode:
                self._add(key_pos, path, "key-type", t("complex_key"))
                continue
            if key_node.tag == _MERGE:
                self._add(key_pos, path, "merge-key", t("merge_key"))
                continue
            key = key_node.value
            if self.escapes and key_node.style == '"':
                self._check_control(key_node, path + (key,))
            if key in first_line:
                self._add(key_pos, path + (key,), "duplicate-key", t("duplicate_key", key=key, line=first_line[key]))
                continue
            first_line[key] = key_pos[0]
            out[key] = self.build(value_node, path + (key,), key_pos)
        return out

    def _scalar(self, node: yaml.ScalarNode, path: Path_) -> object:
        tag = node.tag
        value = node.value
        if tag == _TAG + "null":
            return None
        if tag == _TAG + "bool":  # plain style is '' from libyaml, None from the Python parser
            if not node.style and value not in _BOOL_WORDS:
                self._add_at(node, path, "yaml11-bool", t("yaml11_bool", value=value))
                return value
            return value.lower() == "true"
        if tag in (_TAG + "int", _TAG + "float"):
            if not node.style and _SEXAGESIMAL.match(value):
                self._add_at(node, path, "yaml11-sexagesimal", t("yaml11_sexagesimal", value=value))
                return value
            if tag == _TAG + "float":
                return _constructor.construct_yaml_float(node)
            if _YAML11_INT.match(value):
                self._add_at(node, path, "yaml11-int", t("yaml11_int", value=value))
                return value
            try:
                return _constructor.construct_yaml_int(node)
            except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
                self._add_at(node, path, "bad-number", t("bad_number", value=value[:20] + "…"))
                return value
        return self._bad_tag(node, path)

    def _check_control(self, node: yaml.ScalarNode, path: Path_) -> None:
        found = CONTROL.search(node.value)
        if found is not None:
            self._add_at(node, path, "control-char", t("control_char", char=visible(found.group()), index=found.start() + 1))

    def _bad_tag(self, node: yaml.Node, path: Path_) -> None:
        self._add_at(node, path, "tag", t("bad_tag", tag=node.tag))
        return None

    def _add_at(self, node: yaml.Node, path: Path_, rule: str, message: str) -> None:
        self._add((node.start_mark.line + 1, node.start_mark.column + 1), path, rule, message)

    def _add(self, pos: tuple[int, int], path: Path_, rule: str, message: str) -> None:
        self.doc.faults.append(path)
        self.doc.problems.append(Problem(self.doc.file, pos[0], pos[1], Level.ERROR, rule, message, format_path(path)))
