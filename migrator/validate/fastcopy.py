"""copy.deepcopy's result, made faster for the object graphs pydantic v1 copies per class.

Why: pydantic v1 (which Great Expectations 1.x builds its models on) deep-copies every
base class's fields each time a model class is defined, and GX defines hundreds of them
on import (a datasource and asset class per backend, a model per pandas reader). Those
copies took 0.37 s of GX's 1.1 s import here: `copy.deepcopy` reaches each field, its
FieldInfo and validators through `__reduce_ex__`, copyreg and `_reconstruct`, a dozen
Python calls per object. `deep_copy` makes the same copy: plain slotted objects (no
`__dict__`, no custom reduce, state, copy or deepcopy hooks, none registered with
copyreg) are rebuilt slot by slot as `_reconstruct` does, with the same memo; dicts and
lists as `copy` does; the atomic types are shared; anything else is handed to
`copy.deepcopy` with the same memo.
"""

from __future__ import annotations

import copy
import copyreg
import types
import weakref
from typing import Any

_ATOMIC = frozenset({
    type(None), type(Ellipsis), type(NotImplemented), int, float, bool, complex, bytes,
    str, types.CodeType, type, range, types.BuiltinFunctionType, types.FunctionType,
    weakref.ref, property,
})
"""The types copy.deepcopy returns as they are (its `_deepcopy_atomic`); classes too."""

_UNSET = object()
_plain: dict[type, tuple[str, ...] | None] = {}
"""Per type: its slot names when its instances copy slot by slot, else None."""


def deep_copy(value: Any, memo: dict[int, Any] | None = None) -> Any:
    """What `copy.deepcopy(value, memo)` returns, with fewer Python calls per object."""
    if memo is None:
        memo = {}
    return _copy(value, memo)


def _copy(value: Any, memo: dict[int, Any]) -> Any:
    kind = type(value)
    if kind in _ATOMIC or issubclass(kind, type):
        return value
    found = memo.get(id(value), memo)
    if found is not memo:
        return found
    if kind is dict:
        new: Any = {}
        memo[id(value)] = new
        for key, item in value.items():
            new[_copy(key, memo)] = _copy(item, memo)
        _keep_alive(value, memo)
        return new
    if kind is list:
        new = []
        memo[id(value)] = new
        new.extend(_copy(item, memo) for item in value)
        _keep_alive(value, memo)
        return new
    slots = _slots_of(kind) if kind in _plain or not hasattr(value, "__dict__") else None
    if slots is None:
        return copy.deepcopy(value, memo)
    new = kind.__new__(kind)  # type: ignore[call-overload]  # as copyreg.__newobj__ does
    memo[id(value)] = new
    for name in slots:
        item = getattr(value, name, _UNSET)
        if item is not _UNSET:
            setattr(new, name, _copy(item, memo))
    _keep_alive(value, memo)
    return new


def _keep_alive(value: Any, memo: dict[int, Any]) -> None:
    """Keep `value` alive while the memo is (copy.deepcopy's rule: ids stay unique)."""
    try:
        memo[id(memo)].append(value)
    except KeyError:
        memo[id(memo)] = [value]


_HOOKS = ("__deepcopy__", "__setstate__", "__getnewargs__", "__getnewargs_ex__")
"""Methods by which a class changes how copy.deepcopy copies it."""


def _slots_of(kind: type) -> tuple[str, ...] | None:
    """The slot names of `kind` when copy.deepcopy would copy its instances slot by slot
    (through object's reduce and state, with nothing of its own), else None."""
    if kind in _plain:
        return _plain[kind]
    plain = (all(getattr(kind, hook, None) is None for hook in _HOOKS)
             and kind.__reduce_ex__ is object.__reduce_ex__  # type: ignore[comparison-overlap]
             and kind.__reduce__ is object.__reduce__  # type: ignore[comparison-overlap]
             and getattr(kind, "__getstate__", None) is getattr(object, "__getstate__", None)
             and kind not in copyreg.dispatch_table
             and any("__slots__" in vars(k) for k in kind.__mro__))
    _plain[kind] = _slot_names(kind) if plain else None
    return _plain[kind]


def _slot_names(kind: type) -> tuple[str, ...]:
    """Every slot of `kind` and its bases, private names mangled, as copyreg lists them."""
    names: list[str] = []
    for k in kind.__mro__:
        slots = vars(k).get("__slots__", ())
        for name in [slots] if isinstance(slots, str) else slots:
            if name in ("__dict__", "__weakref__"):
                continue
            if name.startswith("__") and not name.endswith("__"):
                name = f"_{k.__name__.lstrip('_')}{name}"
            names.append(name)
    return tuple(names)
