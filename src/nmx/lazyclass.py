"""Dataclasses whose methods are written when first used.

The stdlib decorator writes and compiles a class's `__init__`, `__repr__`, `__eq__`, `__hash__`
and (frozen) `__setattr__`/`__delattr__` as the class is defined: about a millisecond for a
frozen class of ten fields, some 20 ms of every nmx start, for classes most runs never
construct, compare or print (a plan answered from the cache is rebuilt without `__init__`).

`dataclass` here applies the stdlib's decorator in two steps. When the class is defined: its
fields only (`init=False, repr=False, eq=False`), which writes no code; `fields()`,
`is_dataclass()` and pydantic see the class complete. When one of the methods, or
`__dataclass_params__`, is first used: the stdlib decorator again, with the arguments given,
which writes everything exactly as it always does (its fields are the same `Field` objects).
A class it cannot treat so (slots, order, unsafe_hash, a method of its own, no docstring —
the stdlib would write one from `__init__`'s signature) gets the stdlib decorator at once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T", bound=type)

#: The methods the stdlib decorator may write that a class may not define itself here.
_OWN = ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__")
#: Options the two steps cannot reproduce: these classes are made at once.
_AT_ONCE = ("order", "unsafe_hash", "slots", "weakref_slot")

#: Classes defined but not yet written: class -> (the names standing in for its methods,
#: the decorator's arguments, the fields-only step's `__dataclass_params__`).
_PENDING: dict[type, tuple[tuple[str, ...], dict[str, Any], Any]] = {}
_defining: list[type] = []  # classes in their fields-only step (their bases answer as fields-only)


def dataclass(cls: T | None = None, /, **options: Any) -> Any:
    """`dataclasses.dataclass(cls, **options)`, its methods written when first used."""

    def wrap(cls: T) -> T:
        if not _deferrable(cls, options):
            return dataclasses.dataclass(**options)(cls)
        _defining.append(cls)
        try:
            dataclasses.dataclass(init=False, repr=False, eq=False, kw_only=options.get("kw_only", False),
                                  match_args=options.get("match_args", True))(cls)
        finally:
            _defining.pop()
        names = _stand_ins(options)
        _PENDING[cls] = (names, options, cls.__dict__["__dataclass_params__"])
        for name in names:
            setattr(cls, name, _Method(cls, name))
        if options.get("eq", True) and not options.get("frozen", False):
            cls.__hash__ = None  # type: ignore[assignment]  # what the stdlib writes for eq without frozen
        return cls

    return wrap if cls is None else wrap(cls)


def _deferrable(cls: type, options: dict[str, Any]) -> bool:
    if any(options.get(name) for name in _AT_ONCE) or not cls.__doc__:
        return False
    if any(name in cls.__dict__ for name in _OWN):
        return False
    frozen = options.get("frozen", False)
    for base in cls.__mro__[1:]:
        if base in _PENDING:
            if _PENDING[base][1].get("frozen", False) != frozen:
                return False  # the stdlib decorator says why not, now
        elif dataclasses.is_dataclass(base) and base.__dataclass_params__.frozen:  # type: ignore[attr-defined]
            return False  # the fields-only step (not frozen) may not follow a frozen base
    return True


def _stand_ins(options: dict[str, Any]) -> tuple[str, ...]:
    """The names the stdlib decorator will write, held by a `_Method` until then."""
    names = ["__dataclass_params__"]
    names += [n for n, on in (("__init__", "init"), ("__repr__", "repr"), ("__eq__", "eq")) if options.get(on, True)]
    if options.get("frozen", False):
        names += ["__setattr__", "__delattr__"]
        if options.get("eq", True):
            names.append("__hash__")
    return tuple(names)


def written(cls: type) -> bool:
    """Whether `cls`'s methods are written (a class not made here always is)."""
    return cls not in _PENDING


def write(cls: type) -> None:
    """Write `cls`'s methods now (its bases' first), as the stdlib decorator does."""
    if cls not in _PENDING:
        return
    for base in reversed(cls.__mro__[1:]):
        write(base)
    import inspect

    names, options, _ = _PENDING.pop(cls)
    for name in (*names, "__hash__"):
        if name in cls.__dict__:
            delattr(cls, name)  # the stand-ins, and the None for __hash__: the stdlib writes its own
    own = inspect.get_annotations(cls)
    for name, field in cls.__dict__["__dataclass_fields__"].items():
        if name in own:
            setattr(cls, name, field)  # the same Field objects again (defaults, factories, flags)
    dataclasses.dataclass(**options)(cls)


class _Method:
    """Stands in for one of a class's methods (or its `__dataclass_params__`) until first used."""

    __slots__ = ("cls", "name")

    def __init__(self, cls: type, name: str) -> None:
        self.cls = cls
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if self.name == "__dataclass_params__" and _defining and self.cls in _PENDING:
            return _PENDING[self.cls][2]  # a subclass's fields-only step reads its base's as fields-only
        write(self.cls)
        value = self.cls.__dict__[self.name]
        getter: Callable[..., Any] | None = getattr(type(value), "__get__", None)
        return value if getter is None else getter(value, obj, owner)
