"""YAML files people edit (schema, mapping): strict parsing and one-sentence errors.

PyYAML keeps the last of two equal keys without a word, and pydantic's messages are
written for programmers; these helpers refuse duplicates and turn the first problem
into `line N: ...` or `yaml.path: ...` that a person can act on.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

Loc = tuple[str | int, ...]


class Problem(ValueError):
    """A cross-check failure, and where it sits below the model that found it."""

    def __init__(self, at: Loc, problem: str) -> None:
        super().__init__(problem)
        self.at = at


class YamlSyntaxError(ValueError):
    """The text is not YAML; the message starts with `line N:` where it can."""


class DuplicateKey(yaml.MarkedYAMLError):
    """A mapping key given twice: PyYAML would silently keep the last one."""


class StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys, so no field quietly disappears."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    keys: list[Any] = []  # a list, not a set: a key may be unhashable (`? [a, b]`)
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in keys:
            raise DuplicateKey(problem=f"duplicate key '{key}'", problem_mark=key_node.start_mark)
        keys.append(key)
    return loader.construct_mapping(node, deep=True)


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _FastStrictLoader(getattr(yaml, "CSafeLoader", StrictLoader)):  # type: ignore[misc]
    """StrictLoader on libyaml's parser, where PyYAML was built with it: the built-in
    schema parses in 5 ms instead of 34 ms, at the start of every run, before its files
    are read. A file it refuses is parsed again by StrictLoader, whose messages ours are."""


_FastStrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
                                  _construct_mapping)


def parse_yaml(text: str) -> Any:
    """Safe, strict YAML: duplicate keys refused; errors as YamlSyntaxError with a line."""
    try:
        return yaml.load(text, Loader=_FastStrictLoader)  # a SafeLoader: no arbitrary objects
    except (yaml.YAMLError, ValueError):  # libyaml encodes the text first: a lone surrogate
        pass
    try:
        return yaml.load(text, Loader=StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f"line {mark.line + 1}: " if mark is not None else ""
        if isinstance(exc, DuplicateKey):
            raise YamlSyntaxError(f"{line}{exc.problem}") from None
        problem = exc.problem or exc.context or "unreadable"
        raise YamlSyntaxError(f"{line}YAML syntax error ({problem})") from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(f"YAML syntax error ({exc})") from None


M = TypeVar("M", bound=BaseModel)


def keys_of(*models: type[BaseModel]) -> list[str]:
    """The field names of `models`: the keys a file of them may hold."""
    return [n for m in models for n in m.model_fields]


def validated(text: str, model: type[M], *, file: str, error: type[Exception],
              keys: Iterable[str], empty: Any = None, expected: str | None = None) -> M:
    """`text` parsed strictly and validated as `model`; any problem is `error` with one
    sentence naming `file` and the YAML path (`keys` are the known keys, for "did you
    mean"). `empty` stands in for a blank file (None: a blank file is an error too);
    `expected` says what the file should be when its top level is not a mapping."""
    try:
        data = parse_yaml(text)
    except YamlSyntaxError as err:
        raise error(f"{file}: {err}") from None
    if data is None and empty is not None:
        data = empty
    if expected is not None and not isinstance(data, dict):
        raise error(f"{file}: is not {expected}")
    try:
        return model.model_validate(data)
    except ValidationError as err:
        where, problem = first_problem(err, keys)
        raise error(f"{file}: {where + ': ' if where else ''}{problem}") from None


def first_problem(error: ValidationError, known_keys: Iterable[str]) -> tuple[str, str]:
    """Pydantic's first error as (yaml.path, sentence), plus how many more there are."""
    errors = error.errors()
    loc, problem = describe(errors[0], sorted(set(known_keys)))
    if len(errors) > 1:
        problem += f" (and {len(errors) - 1} more)"
    return dotted(loc), problem


def describe(error: Any, known_keys: list[str]) -> tuple[Loc, str]:
    loc: Loc = tuple(part for part in error["loc"] if part != "[key]")
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx", {})
    if kind == "value_error" and isinstance(ctx.get("error"), Problem):
        return loc + ctx["error"].at, str(ctx["error"])
    if kind == "value_error":
        return loc, str(ctx.get("error", error["msg"]))
    if kind == "missing":
        return loc[:-1], f"missing required key '{loc[-1]}'"
    if kind == "extra_forbidden":
        return loc[:-1], f"unknown key '{loc[-1]}'{_did_you_mean(str(loc[-1]), known_keys)}"
    if kind == "literal_error" and loc == ("version",):
        return loc, f"{value!r} is not supported (this migrator reads version 1)"
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", ctx.get("expected", "")) or [ctx.get("expected")]
        return loc, f"{value!r} is not one of {', '.join(map(str, choices))}"
    expected = _EXPECTED.get(kind)
    if expected is not None:
        return loc, f"expected {expected}, got {_kind(value)}"
    if kind in ("greater_than", "too_short"):
        return loc, f"must be greater than {ctx['gt']}" if "gt" in ctx else "must not be empty"
    return loc, error["msg"][:1].lower() + error["msg"][1:]


_EXPECTED = {
    "model_type": "a mapping", "model_attributes_type": "a mapping", "dict_type": "a mapping",
    "list_type": "a list", "string_type": "text", "bool_type": "true or false",
    "bool_parsing": "true or false", "int_type": "a whole number",
    "int_parsing": "a whole number", "int_from_float": "a whole number",
}


def _kind(value: Any) -> str:
    kinds = {dict: "a mapping", list: "a list", type(None): "nothing"}
    return kinds.get(type(value), repr(value))


def _did_you_mean(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""


def dotted(loc: Loc) -> str:
    """('tables', 'contacts', 'foreign_keys', 0) -> 'tables.contacts.foreign_keys[0]'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else str(part)
    return out
