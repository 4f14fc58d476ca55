"""fastcopy.deep_copy makes the copies copy.deepcopy makes: the same objects, shared where
deepcopy shares them and new where it makes new ones, for every model GX defines."""

from __future__ import annotations

import copy
import importlib
from typing import Any

import pytest

from migrator.validate.engine import import_gx
from migrator.validate.fastcopy import deep_copy

engine = importlib.import_module("migrator.validate.engine")


def shape(value: Any, originals: set[int], seen: dict[int, int] | None = None) -> Any:
    """The graph of `value` as plain data: each object's type, whether it is one of the
    `originals` (shared, not copied), and what it holds; a second visit is a reference
    to the first, so sharing and cycles show."""
    seen = {} if seen is None else seen
    if id(value) in seen:
        return ("ref", seen[id(value)])
    seen[id(value)] = len(seen)
    kind = type(value)
    shared = id(value) in originals
    if isinstance(value, dict):
        return (kind.__name__, shared, [(shape(k, originals, seen), shape(v, originals, seen))
                                        for k, v in value.items()])
    if isinstance(value, list | tuple):
        return (kind.__name__, shared, [shape(v, originals, seen) for v in value])
    slots = _slots(kind)
    if slots and not hasattr(value, "__dict__"):
        return (kind.__name__, shared, [(name, shape(getattr(value, name), originals, seen))
                                        for name in slots if hasattr(value, name)])
    if hasattr(value, "__dict__") and not isinstance(value, type) and not callable(value):
        return (kind.__name__, shared, [(name, shape(v, originals, seen))
                                        for name, v in sorted(vars(value).items())])
    return (kind.__name__, shared, repr(value))


def _slots(kind: type) -> list[str]:
    names: list[str] = []
    for k in kind.__mro__:
        slots = vars(k).get("__slots__", ())
        names += [slots] if isinstance(slots, str) else [s for s in slots if s != "__weakref__"]
    return names


def reachable(value: Any, found: set[int] | None = None) -> set[int]:
    """The ids of every object `value` reaches (what a copy must not share unless
    deepcopy shares it too)."""
    found = set() if found is None else found
    if id(value) in found:
        return found
    found.add(id(value))
    if isinstance(value, dict):
        for k, v in value.items():
            reachable(k, found)
            reachable(v, found)
    elif isinstance(value, list | tuple | set | frozenset):
        for v in value:
            reachable(v, found)
    elif not isinstance(value, type) and not callable(value):
        for name in _slots(type(value)):
            if hasattr(value, name):
                reachable(getattr(value, name), found)
        for v in getattr(value, "__dict__", {}).values():
            reachable(v, found)
    return found


def models() -> list[type]:
    from pydantic.v1 import BaseModel

    found, todo = [], [BaseModel]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found


def test_every_gx_models_fields_copy_as_deepcopy_copies_them() -> None:
    import_gx()
    compared = 0
    for model in models():
        fields = model.__fields__
        if not fields:
            continue
        originals = reachable(fields)
        assert shape(deep_copy(fields), originals) == shape(copy.deepcopy(fields), originals), \
            model
        compared += 1
    assert compared > 300  # GX's datasources, assets, expectations and results


def test_a_copied_fields_mutable_parts_are_its_own() -> None:
    import_gx()
    from pydantic.v1 import BaseModel, validator

    class Base(BaseModel):
        name: str = "x"
        tags: list[str] = []

        @validator("name")
        def stripped(cls, v: str) -> str:  # noqa: N805 (pydantic's signature)
            return v.strip()

    fields = Base.__fields__
    copied = deep_copy(fields)
    assert copied.keys() == fields.keys()
    for name in fields:
        assert copied[name] is not fields[name]
        assert copied[name].field_info is not fields[name].field_info
        assert copied[name].class_validators is not fields[name].class_validators
        assert copied[name].type_ is fields[name].type_  # types are shared, as deepcopy does
    copied["name"].class_validators.clear()
    assert fields["name"].class_validators


class Plain:
    __slots__ = ("a", "b", "__secret")

    def __init__(self, a: Any, b: Any = None) -> None:
        self.a, self.b = a, b


class Hooked(Plain):
    __slots__ = ()

    def __deepcopy__(self, memo: dict[int, Any]) -> Hooked:
        return self  # shared on purpose: deepcopy asks the object


class WithState(Plain):
    __slots__ = ()

    def __setstate__(self, state: Any) -> None:
        _, slots = state
        for name, value in slots.items():
            object.__setattr__(self, name, value if name != "a" else ("restored", value))


class WithDict:
    def __init__(self, a: Any) -> None:
        self.a = a


@pytest.mark.parametrize("make", [
    lambda: {"x": [1, 2.5, "s", None, (1, [2])], "y": {"z": b"q"}},
    lambda: Plain([1], {"k": [2]}),
    lambda: Plain(Hooked([3])),
    lambda: Plain(WithState([4])),
    lambda: [WithDict([5]), Plain(1)],
    lambda: Plain(int, len),
], ids=["containers", "slots", "deepcopy hook", "setstate", "dict object", "atomic"])
def test_the_same_copy_as_deepcopy(make: Any) -> None:
    value = make()
    originals = reachable(value)
    assert shape(deep_copy(value), originals) == shape(copy.deepcopy(value), originals)


def test_shared_objects_and_cycles_stay_shared_and_cyclic() -> None:
    inner = [1]
    value: dict[str, Any] = {"a": inner, "b": inner, "p": Plain(inner)}
    value["self"] = value
    copied = deep_copy(value)
    assert copied["a"] is copied["b"] is copied["p"].a
    assert copied["a"] is not inner and copied["a"] == [1]
    assert copied["self"] is copied
    unset = Plain(1)
    del unset.b
    assert not hasattr(deep_copy(unset), "b")


def test_gx_is_imported_with_the_faster_copy_and_pydantics_own_is_put_back() -> None:
    from pydantic.v1 import main

    own = main.smart_deepcopy
    with engine._fields_copied_faster():
        assert main.smart_deepcopy is not own
        fields = {"n": main.BaseModel.__config__}  # any dict: copied as deepcopy would
        assert main.smart_deepcopy(fields) == fields
        assert main.smart_deepcopy({}) == {} and main.smart_deepcopy(3) == 3
    assert main.smart_deepcopy is own
    with pytest.raises(RuntimeError), engine._fields_copied_faster():
        raise RuntimeError
    assert main.smart_deepcopy is own
