"""nmx.lazyclass: dataclasses whose methods are written when first used are the stdlib's
dataclasses, field for field and byte code for byte code, once written; before, nothing of
them is written, and a warm command leaves the plan's models so."""

from __future__ import annotations

import dataclasses
import inspect
import subprocess
import sys
from dataclasses import KW_ONLY, field
from pathlib import Path
from typing import Any, ClassVar

import pytest

from nmx import lazyclass
from nmx.lazyclass import written

ROOT = Path(__file__).resolve().parent.parent


def _twins(make):
    """The class `make(decorator)` defines, with nmx's decorator and with the stdlib's."""
    return make(lazyclass.dataclass), make(dataclasses.dataclass)


def _frozen_kw(dc):
    @dc(frozen=True, kw_only=True)
    class Unit:
        """A unit."""

        id: str
        name: str
        aliases: tuple[str, ...] = ()
        note: str | None = None
        listed: bool = True

    return Unit


def _plain(dc):
    @dc
    class Column:
        """A column."""

        key: str
        title: str
        width: int = 0
        tags: list[str] = field(default_factory=list)
        hidden: int = field(default=0, repr=False, compare=False)
        LIMIT: ClassVar[int] = 9

    return Column


def _frozen_positional(dc):
    @dc(frozen=True)
    class Source:
        """A source."""

        path: str
        reason: str = "bundled"
        extra: dict = field(default_factory=dict, compare=False, hash=False)

    return Source


def _marker_and_no_init_field(dc):
    @dc
    class Grid:
        """A grid."""

        rows: list = field(default_factory=list)
        _: KW_ONLY
        width: int = 80
        cache: dict = field(default_factory=dict, init=False, repr=False)

    return Grid


def _no_eq(dc):
    @dc(eq=False, repr=False)
    class Progress:
        """Progress."""

        done: int = 0

    return Progress


def _string_annotations(dc):
    namespace: dict[str, Any] = {"__annotations__": {"start": "_dt.date", "end": "_dt.date | None", "n": "ClassVar[int]"},
                                 "__doc__": "A period.", "__module__": __name__, "end": None, "n": 3}
    return dc(frozen=True, kw_only=True)(type("Period", (), namespace))


def _inherited(dc):
    @dc(frozen=True, kw_only=True)
    class Base:
        """The base."""

        what: str
        label: str = ""
        basis: str = "stated"

    @dc(frozen=True, kw_only=True)
    class Window(Base):
        """A window."""

        kind: str
        span: str = "month"
        label: str = "overridden"

    return Window


SHAPES = [_frozen_kw, _plain, _frozen_positional, _marker_and_no_init_field, _no_eq, _string_annotations, _inherited]
METHODS = ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__")


def _field_facts(cls: type) -> list[tuple]:
    return [(f.name, f.type, f.default, f.default_factory, f.init, f.repr, f.hash, f.compare, dict(f.metadata),
             f.kw_only, f._field_type.name) for f in cls.__dataclass_fields__.values()]  # type: ignore[attr-defined]


def _code(fn: Any) -> Any:
    """What makes a written method what it is: its byte code, names, constants and defaults."""
    if fn is None:
        return None
    fn = getattr(fn, "__wrapped__", fn)  # __repr__ is wrapped by reprlib.recursive_repr
    code = fn.__code__
    return (fn.__qualname__, code.co_code, code.co_consts, code.co_names, code.co_varnames, code.co_freevars,
            fn.__defaults__, fn.__kwdefaults__)


@pytest.mark.parametrize("make", SHAPES, ids=lambda m: m.__name__.strip("_"))
def test_a_class_is_the_stdlib_dataclass_before_and_after_its_methods_are_written(make):
    ours, theirs = _twins(make)
    assert not written(ours)
    assert _field_facts(ours) == _field_facts(theirs)
    assert dataclasses.is_dataclass(ours) and [f.name for f in dataclasses.fields(ours)] == \
        [f.name for f in dataclasses.fields(theirs)]
    assert ours.__match_args__ == theirs.__match_args__ and ours.__doc__ == theirs.__doc__
    assert not written(ours)  # none of that wrote anything
    assert repr(ours.__dataclass_params__) == repr(theirs.__dataclass_params__)
    assert written(ours)
    fields = dict(ours.__dataclass_fields__)
    for name in METHODS:
        assert _code(ours.__dict__.get(name)) == _code(theirs.__dict__.get(name)), name
        assert (name in ours.__dict__) == (name in theirs.__dict__), name
    assert ours.__dataclass_fields__ == fields and all(a is b for a, b in zip(
        ours.__dataclass_fields__.values(), fields.values()))  # the same Field objects
    assert str(inspect.signature(ours)) == str(inspect.signature(theirs))


@pytest.mark.parametrize("make", SHAPES, ids=lambda m: m.__name__.strip("_"))
@pytest.mark.parametrize("use", ["init", "repr", "eq", "hash", "setattr"])
def test_first_use_of_a_method_writes_them_all_and_it_behaves_as_the_stdlib_s(make, use):
    ours, theirs = _twins(make)
    args = {f.name: f"v{i}" for i, f in enumerate(dataclasses.fields(theirs)) if f.init and
            f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}
    if use == "init":
        obj = ours(**args)
    else:
        obj = object.__new__(ours)
        obj.__dict__.update(theirs(**args).__dict__)  # as the cache rebuilds an object: without __init__
    acts = {"repr": repr, "eq": lambda x: (x == _rebuilt(x), x != _rebuilt(x), x == object()), "hash": _hash,
            "setattr": _assign}
    if "__repr__" not in theirs.__dict__:
        del acts["repr"]  # object's own: the address
    got = acts[use](obj) if use in acts else None
    wrote = theirs.__dict__.get(f"__{use}__") is not None  # a method the stdlib writes (not eq's None hash)
    assert written(ours) is (wrote or use == "init"), use
    assert got == (acts[use](theirs(**args)) if use in acts else None)
    assert {name: act(ours(**args)) for name, act in acts.items()} == \
        {name: act(theirs(**args)) for name, act in acts.items()}


def _rebuilt(obj: Any) -> Any:
    """An equal copy, made without __init__."""
    copy = object.__new__(type(obj))
    copy.__dict__.update(obj.__dict__)
    return copy


def _hash(obj: Any) -> Any:
    if type(obj).__hash__ is object.__hash__:
        return "by identity"
    try:
        return hash(obj)
    except TypeError as exc:
        return f"TypeError: {exc}"


def _assign(obj: Any) -> str:
    try:
        obj.extra_attribute = 1
        del obj.extra_attribute
        setattr(obj, dataclasses.fields(obj)[0].name, "changed")
        return "assigned"
    except dataclasses.FrozenInstanceError as exc:
        return f"FrozenInstanceError: {exc}"


def test_a_subclass_writes_its_bases_first_and_keeps_the_stdlib_s_checks():
    ours = _inherited(lazyclass.dataclass)
    base = ours.__mro__[1]
    assert not written(base) and not written(ours)
    ours(what="w", kind="k")
    assert written(base) and written(ours)
    assert [f.name for f in dataclasses.fields(ours)] == ["what", "label", "basis", "kind", "span"]

    @lazyclass.dataclass
    class Thawed:
        """Not frozen."""

        a: int = 0

    with pytest.raises(TypeError, match="cannot inherit frozen dataclass from a non-frozen one"):
        @lazyclass.dataclass(frozen=True)
        class Frozen(Thawed):
            """Frozen below a base that is not."""


def test_what_two_steps_cannot_reproduce_is_made_at_once():
    @lazyclass.dataclass(frozen=True, slots=True)
    class Slotted:
        """With slots (a new class)."""

        a: int

    @lazyclass.dataclass
    class Undocumented:
        a: int

    @lazyclass.dataclass
    class OwnRepr:
        """Its own __repr__."""

        a: int

        def __repr__(self) -> str:
            return "mine"

    assert all(written(c) for c in (Slotted, Undocumented, OwnRepr))
    assert Undocumented.__doc__ == "Undocumented(a: 'int')" and repr(OwnRepr(1)) == "mine"
    assert Slotted.__slots__ == ("a",)


def test_a_warm_command_leaves_the_plan_s_models_unwritten(tmp_path):
    """What the warm start relies on: the plan read from the cache is rebuilt without __init__,
    and a duties table never compares, hashes or prints a task or a unit."""
    code = ("import atexit, sys\nfrom nmx.cli import main\nsys.argv = ['nmx', 'duties', '市交通运输局']\n"
            "def told():\n    from nmx.lazyclass import written\n    from nmx.plan import models\n"
            "    print([c.__name__ for c in (models.Task, models.Unit, models.Group, models.Window, models.PlanMeta)"
            " if written(c)], file=sys.stderr)\n"
            "atexit.register(told)\nmain()\n")  # main ends the process: what it left is seen on the way out
    env = {"PATH": "/usr/bin:/bin", "NMX_CACHE_DIR": str(tmp_path / "c"), "PYTHONPATH": str(ROOT / "src")}
    for run in ("cold", "warm"):  # the first run fills the cache
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120,
                              check=False, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "[]", done.stderr
