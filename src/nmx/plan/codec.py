"""Models ↔ plain data, directed by their type hints: how the cache stores what it keeps.

What is read back from disk is JSON, so it can only ever produce lists, dicts, strings,
numbers, booleans and None — never an object of a type the file names (as a pickle can,
and so run code). The models are rebuilt from that data by converters compiled once per
type from the dataclasses' annotations: a dataclass is a list of its fields in order, a
date its ISO text, an enum its value, a union of several dataclasses `[member, data]`, a
dict with non-text keys a list of pairs. Data of the wrong shape raises `CodecError`, and
the cache treats the entry as missing.

Objects are rebuilt without calling `__init__` (frozen dataclasses would pay a
`object.__setattr__` per field). Containers, dataclasses, dates, enums and unions are
checked against the hints; text and numbers are taken as they come (the entry is the
user's own file, written by `dump`; the checks are there for a format change or a
damaged file, not for a forger, whom the cache's ownership rules keep out).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import sys
import types
import typing
from collections.abc import Callable
from functools import lru_cache
from typing import Any

Convert = Callable[[Any], Any]


class CodecError(ValueError):
    """The data does not have the shape the type asks for."""


def dump(value: Any, tp: Any) -> Any:
    """`value` (of type `tp`) as plain data."""
    return _encoder(tp)(value)


def load(data: Any, tp: Any) -> Any:
    """The value of type `tp` that `data` (from `dump`) stands for; CodecError when it cannot."""
    try:
        return _decoder(tp)(data)
    except CodecError:
        raise
    except (TypeError, ValueError, KeyError, IndexError, AttributeError) as exc:
        raise CodecError(f"{type(exc).__name__}: {exc}") from None


def _identity(value: Any) -> Any:
    return value


def _args(tp: Any) -> tuple:
    return typing.get_args(tp)


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) is typing.Union or isinstance(tp, types.UnionType)


@lru_cache(maxsize=None)
def _encoder(tp: Any) -> Convert:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:  # validation.py tags the schedule union for pydantic
        return _encoder(typing.get_args(tp)[0])
    if tp in (str, int, float, bool, type(None), Any, object, dict) or origin is typing.Literal:
        return _identity
    if tp is dt.date:
        return dt.date.isoformat
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return lambda value: value.value
    if _is_union(tp):
        return _union_encoder(tp)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass_encoder(tp)
    if isinstance(tp, type) and issubclass(tp, tuple) and hasattr(tp, "_fields"):  # a NamedTuple
        return _fixed_encoder(tuple(hints(tp).values()))
    if origin in (tuple, list, set, frozenset):
        args = _args(tp)
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            return _fixed_encoder(args)
        item = _encoder(args[0])
        if item is _identity:
            return list
        return lambda value: [item(v) for v in value]
    if origin is dict:
        key_tp, value_tp = _args(tp)
        key, val = _encoder(key_tp), _encoder(value_tp)
        if key_tp is str:
            return lambda value: {k: val(v) for k, v in value.items()}
        return lambda value: [[key(k), val(v)] for k, v in value.items()]
    raise TypeError(f"no plain form for {tp!r}")


def _fixed_encoder(args: tuple) -> Convert:
    parts = tuple(_encoder(a) for a in args)
    return lambda value: [enc(v) for enc, v in zip(parts, value, strict=True)]


def _union_encoder(tp: Any) -> Convert:
    members = [a for a in _args(tp) if a is not type(None)]
    optional = len(members) < len(_args(tp))
    if len(members) == 1:
        inner = _encoder(members[0])
        return lambda value: None if value is None else inner(value)
    encoders = [(m, _encoder(m)) for m in members]

    def encode(value: Any) -> Any:
        if value is None and optional:
            return None
        for i, (member, enc) in enumerate(encoders):
            if isinstance(value, typing.get_origin(member) or member):
                return [i, enc(value)]
        raise TypeError(f"{type(value).__name__} is not a member of {tp!r}")

    return encode


def hints(cls: type) -> dict[str, Any]:
    """The type of each annotated attribute of `cls` and its bases, as `typing.get_type_hints`
    gives it (without `Annotated`), but each distinct annotation text is evaluated once per
    module: a warm start compiles the decoders of every model, and that must stay cheap."""
    out: dict[str, Any] = {}
    for base in reversed(cls.__mro__):
        annotations = base.__dict__.get("__annotations__", {})
        if not annotations:
            continue
        namespace = sys.modules[base.__module__].__dict__
        for name, text in annotations.items():
            out[name] = _evaluate(text, base.__module__, namespace) if isinstance(text, str) else text
    return out


_EVALUATED: dict[tuple[str, str], Any] = {}


def _evaluate(text: str, module: str, namespace: dict[str, Any]) -> Any:
    key = (module, text)
    tp = _EVALUATED.get(key)
    if tp is None and text.startswith("Literal["):
        # a Literal is decoded as it comes (a union member is chosen by its index, not by its
        # tag), and building typing.Literal objects costs milliseconds at every start
        tp = _EVALUATED[key] = Any
    if tp is None:
        tp = _EVALUATED[key] = eval(text, namespace)  # noqa: S307 - nmx's own annotations, never data
    return tp


def _dataclass_encoder(cls: type) -> Convert:
    types_ = hints(cls)
    fields = [(f.name, _encoder(types_[f.name])) for f in dataclasses.fields(cls)]
    return lambda value: [enc(getattr(value, name)) for name, enc in fields]


@lru_cache(maxsize=None)
def _decoder(tp: Any) -> Convert:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _decoder(typing.get_args(tp)[0])
    if tp in (str, int, float, bool, Any, object):
        return _identity
    if tp is type(None):
        return _none
    if tp is dict:
        return _plain_dict
    if origin is typing.Literal:
        return _literal(_args(tp))
    if tp is dt.date:
        return dt.date.fromisoformat  # TypeError/ValueError on anything but ISO text: a CodecError
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        members = tp._value2member_map_
        return lambda value: members[value]
    if _is_union(tp):
        return _union_decoder(tp)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass_decoder(tp)
    if isinstance(tp, type) and issubclass(tp, tuple) and hasattr(tp, "_fields"):
        fixed = _fixed_decoder(tuple(hints(tp).values()))
        return lambda value: tp._make(fixed(value))
    if origin in (tuple, list, set, frozenset):
        args = _args(tp)
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            fixed = _fixed_decoder(args)
            return lambda value: tuple(fixed(value))
        item = _decoder(args[0])
        if item is _identity:
            return lambda value: origin(_list(value))
        return lambda value: origin(map(item, _list(value)))
    if origin is dict:
        key_tp, value_tp = _args(tp)
        key, val = _decoder(key_tp), _decoder(value_tp)
        if key_tp is str:
            return lambda value: {k: val(v) for k, v in _dict(value).items()}
        return lambda value: {key(k): val(v) for k, v in _list(value)}
    raise TypeError(f"no plain form for {tp!r}")


def _none(value: Any) -> None:
    if value is not None:
        raise CodecError("expected null")
    return None


def _plain_dict(value: Any) -> dict:
    return _dict(value)


def _list(value: Any) -> list:
    if type(value) is not list:
        raise CodecError(f"expected a list, got {type(value).__name__}")
    return value


def _dict(value: Any) -> dict:
    if type(value) is not dict:
        raise CodecError(f"expected an object, got {type(value).__name__}")
    return value


def _literal(allowed: tuple) -> Convert:
    def check(value: Any) -> Any:
        if value not in allowed:
            raise CodecError(f"{value!r} is not one of {allowed!r}")
        return value

    return check


def _fixed_decoder(args: tuple) -> Convert:
    parts = tuple(_decoder(a) for a in args)
    size = len(parts)
    if all(p is _identity for p in parts):
        def plain(value: Any) -> list:
            if type(value) is not list or len(value) != size:
                raise CodecError(f"expected {size} items")
            return value

        return plain

    def decode(value: Any) -> list:
        if len(_list(value)) != len(parts):
            raise CodecError(f"expected {len(parts)} items")
        return [dec(v) for dec, v in zip(parts, value)]

    return decode


def _union_decoder(tp: Any) -> Convert:
    members = [a for a in _args(tp) if a is not type(None)]
    optional = len(members) < len(_args(tp))
    if len(members) == 1:
        inner = _decoder(members[0])
        if inner is _identity:
            return _identity
        return lambda value: None if value is None else inner(value)
    decoders = [_decoder(m) for m in members]

    def decode(value: Any) -> Any:
        if value is None and optional:
            return None
        index, data = _list(value)
        if type(index) is not int or not 0 <= index < len(decoders):
            raise CodecError("bad union member")
        return decoders[index](data)

    return decode


def _dataclass_decoder(cls: type) -> Convert:
    types_ = hints(cls)
    names = tuple(f.name for f in dataclasses.fields(cls))
    size = len(names)
    converted = tuple((i, name, dec) for i, name in enumerate(names)
                      if (dec := _decoder(types_[name])) is not _identity)
    slotted = "__slots__" in cls.__dict__
    new = object.__new__

    def decode(value: Any) -> Any:
        if type(value) is not list or len(value) != size:
            raise CodecError(f"{cls.__name__}: expected {size} fields")
        if slotted:
            values = dict(zip(names, value))
            for i, name, dec in converted:
                values[name] = dec(value[i])
            return cls(**values)
        obj = new(cls)
        attrs = obj.__dict__
        attrs.update(zip(names, value))
        for i, name, dec in converted:
            attrs[name] = dec(value[i])
        return obj

    return decode
