"""Great Expectations, imported at a third less cost.

GX imports jsonschema (for its JSON-schema expectation; altair would too), and
jsonschema's format checkers import rfc3987_syntax when it is installed (JupyterLab's
jupyter-events brings it), which builds 38 Lark grammars: 2.2 s of GX's 7.4 s import on
this machine, for an `iri` format check no suite of ours uses. Hiding that one module
while GX first loads skips it; jsonschema is then without the `iri` check in this
process, and only when GX was the first to import jsonschema.

GX also imports `scipy.stats` (1.2 s of the rest) for its KL-divergence and KS-test
expectations, and `altair` (0.23 s of the 1.2 s left) to draw the KL-divergence chart in
Data Docs; no suite of ours uses either. `jsonschema` itself (0.18 s) is read only when
a JSON-schema expectation runs (GX's import went 1.49-1.74 -> 1.36-1.55 s without it,
3 runs each). Each is given a stand-in module that imports the real one on first use, by
GX or anyone else. (The standard library's LazyLoader does
not serve: on Python 3.11 the import system itself reads the module's `__spec__` on
`from scipy import stats`, which loads it.)
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from pandas.core.arrays.string_ import StringArray

_SKIPPED = "rfc3987_syntax"
_DEFERRED = ("scipy.stats", "altair", "jsonschema")


def import_gx() -> ModuleType:
    """The `great_expectations` module, imported once per process.

    A run imports it while it reads (`read_sources(meanwhile=...)`), where it displaces
    some of the cleaning done ahead; begun in a thread beside dedupe instead, it made the
    100,000-customer run 7.44 -> 8.40 s (medians of 5 interleaved pairs)."""
    if "great_expectations" in sys.modules:
        return sys.modules["great_expectations"]
    hide = _SKIPPED not in sys.modules and "jsonschema" not in sys.modules
    if hide:
        sys.modules[_SKIPPED] = None  # type: ignore[assignment]  # makes its import fail
    for name in _DEFERRED:
        _defer(name)
    try:
        with _fields_copied_faster():
            import great_expectations
    finally:
        if hide and sys.modules.get(_SKIPPED, ...) is None:
            del sys.modules[_SKIPPED]
    return great_expectations


@contextmanager
def _fields_copied_faster() -> Iterator[None]:
    """pydantic v1 copies each base class's fields with `fastcopy.deep_copy` for the block:
    the same copies as its `smart_deepcopy`, in a third of the time (GX's import took
    0.96-1.04 s here, 0.76-0.83 s with it; see fastcopy)."""
    try:
        from pydantic.v1 import main as models
    except ImportError:  # another pydantic: GX imports as it would
        yield
        return
    from migrator.validate.fastcopy import deep_copy

    smart = models.smart_deepcopy

    def faster(obj: Any) -> Any:
        return deep_copy(obj) if type(obj) is dict and obj else smart(obj)

    models.smart_deepcopy = faster
    try:
        yield
    finally:
        models.smart_deepcopy = smart


@contextmanager
def without_fingerprint() -> Iterator[None]:
    """GX's pandas engine without its batch fingerprint, for the block.

    GX hashes every batch under 1 GB (`hash_pandas_object` over all rows, then MD5) into
    a `pandas_data_fingerprint` marker of the results: 0.4 s of the 1.8 s that checking
    100,000 customers and 300,000 sales took here, for a marker no suite or report of
    ours reads (the run report names the data by its source files' SHA-256). GX itself
    skips it above its threshold; the block sets that threshold to 0, and puts it back.
    """
    engine = sys.modules.get("great_expectations.execution_engine.pandas_execution_engine")
    saved = getattr(engine, "HASH_THRESHOLD", None)
    if engine is None or saved is None:
        yield
        return
    engine.HASH_THRESHOLD = 0  # type: ignore[attr-defined]
    try:
        yield
    finally:
        engine.HASH_THRESHOLD = saved  # type: ignore[attr-defined]


@contextmanager
def kwargs_read_once() -> Iterator[None]:
    """GX's expectations build their configuration once per question about their kwargs,
    for the block.

    An Expectation's `configuration` is built anew from its pydantic fields on every read,
    and GX's `_get_runtime_kwargs` reads it once per key, through `_get_success_kwargs`,
    `_get_domain_kwargs` and `_get_success_kwarg`: 4,224 builds to validate the run
    benchmark's 58 expectations, about 0.1 s of its 1.0 s. Within the outermost of those
    calls the expectation cannot change, and they only read the kwargs, so the block
    builds it once per outermost call and lets the nested reads share it. Any other
    read (a result's `expectation_config`) gets its own, as before.
    """
    try:
        from great_expectations.expectations.expectation import Expectation
    except ImportError:  # another GX: it runs as it would
        yield
        return
    prop = Expectation.__dict__.get("configuration")
    names = ("_get_runtime_kwargs", "_get_success_kwargs", "_get_domain_kwargs",
             "_get_success_kwarg")
    methods = {name: Expectation.__dict__.get(name) for name in names}
    if not isinstance(prop, property) or prop.fget is None \
            or not all(callable(m) for m in methods.values()):
        yield
        return
    build = prop.fget
    asked: dict[int, tuple[Any, Any]] = {}

    def configuration(self: Any) -> Any:
        hit = asked.get(id(self))
        return hit[1] if hit is not None and hit[0] is self else build(self)

    def once(method: Any) -> Any:
        def reading(self: Any, *args: Any, **kwargs: Any) -> Any:
            if id(self) in asked:  # nested: the outer call's configuration serves
                return method(self, *args, **kwargs)
            asked[id(self)] = (self, build(self))
            try:
                return method(self, *args, **kwargs)
            finally:
                del asked[id(self)]
        return reading

    Expectation.configuration = property(configuration)  # type: ignore[method-assign,assignment]
    for name, method in methods.items():
        setattr(Expectation, name, once(method))
    try:
        yield
    finally:
        Expectation.configuration = prop  # type: ignore[method-assign,assignment]
        for name, method in methods.items():
            setattr(Expectation, name, method)


@contextmanager
def ids_remembered() -> Iterator[None]:
    """GX's metric configurations find the id of kwargs they already met again, for the
    block.

    Each MetricConfiguration GX builds names its kwargs by `IDDict.to_id`: every value
    made JSON-ready (a dozen isinstance and numpy dtype checks each), dumped sorted, and
    hashed with MD5. Validating the run benchmark's 58 expectations builds some 2,900 of
    them, mostly from the same few dicts of a column's name and a batch id. The id of a
    dict whose values are all str, int, float, bool or None depends only on its type,
    keys and values (a float by its repr: 0.0 and -0.0 dump apart), so the block keeps
    it by those; any other dict gets its id as before. Validating 200 rows of each
    table, GX's own cost: 0.21 -> 0.19 s (with `_context`'s unsaved configuration, 0.16 s).
    """
    try:
        from great_expectations.core.id_dict import IDDict
    except ImportError:  # another GX: it runs as it would
        yield
        return
    original = IDDict.__dict__.get("to_id")
    if not callable(original):
        yield
        return
    simple = (str, int, bool, type(None))
    known: dict[tuple[Any, ...], Any] = {}

    def to_id(self: Any, id_keys: Any = None, id_ignore_keys: Any = None) -> Any:
        if id_keys is not None or id_ignore_keys is not None:
            return original(self, id_keys, id_ignore_keys)
        try:
            key = (type(self), tuple(sorted(
                (k, type(v), repr(v) if type(v) is float else v) for k, v in self.items())))
        except TypeError:  # keys that do not sort
            return original(self)
        if not all(type(v) in simple for _, _, v in key[1]):  # a float is its repr here
            return original(self)
        found = known.get(key)
        if found is None:
            found = known[key] = original(self)
        return found

    IDDict.to_id = to_id  # type: ignore[method-assign]
    try:
        yield
    finally:
        IDDict.to_id = original  # type: ignore[method-assign]


@contextmanager
def frozen_texts() -> Iterator[None]:
    """pandas' str arrays whose cells cannot change answer `isna` once, and map each of
    their few distinct values once, for the block.

    GX tests an expectation's column for missing values in each metric it computes: 123
    times over the 24 text columns it checked of 100,000 customers and 300,000 sales, a
    pass over every cell each time. It also runs a regular expression or takes the
    length of every cell, where 300,000 sale dates hold a few hundred values and their
    currency one. A read-only array that owns its cells (the frames GX is given are made
    so, `check._gx_frame`) gives the same answers every time: its missing cells are kept
    for the block, and a str method maps its distinct values, then spreads the results
    over the rows, when an even sample finds it repeats its values (a column of codes
    is mapped cell by cell, as pandas does), and tells that no cell repeats another, where
    none does, by a set (`without_repeats`: a key's uniqueness check, 2.7x sooner for
    3,000,000 sale ids). Any other array (another thread's too) is asked as usual.
    Validating those rows took 1.33 -> 1.06 s with the blanks kept, and 1.02 -> 0.93 s
    more with the values mapped once (medians of 6 interleaved runs each).
    """
    import numpy as np
    from pandas.api.types import infer_dtype
    from pandas.core.arrays.string_ import StringArray

    from migrator.distinct import codes_if_repeated, without_repeats

    asked, mapped, repeats = StringArray.isna, StringArray._str_map, StringArray.duplicated
    kept: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    unique: dict[int, tuple[np.ndarray, bool]] = {}
    distinct: dict[int, tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None]] = {}

    def frozen(cells: np.ndarray) -> bool:
        return not cells.flags.writeable and cells.base is None

    def isna(self: StringArray) -> np.ndarray:
        cells = self._ndarray
        if not frozen(cells):
            return asked(self)
        hit = kept.get(id(cells))
        if hit is None or hit[0] is not cells:  # all str (no blank) tells in a fifth of isna
            blank = np.zeros(len(cells), dtype=bool) \
                if infer_dtype(cells, skipna=False) == "string" else asked(self)
            hit = kept[id(cells)] = (cells, blank)
        return hit[1].copy()  # the caller's to change, as pandas' own answer is

    def str_map(self: StringArray, f: Any, *args: Any, **kwargs: Any) -> Any:
        cells = self._ndarray
        if not frozen(cells):
            return mapped(self, f, *args, **kwargs)
        hit = distinct.get(id(cells))
        if hit is None or hit[0] is not cells:
            hit = distinct[id(cells)] = (cells, codes_if_repeated(cells, _REPEATS))
        if hit[1] is None:
            return mapped(self, f, *args, **kwargs)
        codes, uniques = hit[1]
        result = mapped(self._from_backing_data(uniques), f, *args, **kwargs)
        return result[codes] if isinstance(result, np.ndarray) else result.take(codes)

    def duplicated(self: StringArray, keep: Any = "first") -> np.ndarray:
        cells = self._ndarray
        if not frozen(cells):
            return repeats(self, keep=keep)
        hit = unique.get(id(cells))
        if hit is None or hit[0] is not cells:
            hit = unique[id(cells)] = (cells, without_repeats(cells))
        return np.zeros(len(cells), dtype=bool) if hit[1] else repeats(self, keep=keep)

    StringArray.isna = isna  # type: ignore[method-assign]
    StringArray._str_map = str_map  # type: ignore[method-assign]
    StringArray.duplicated = duplicated  # type: ignore[method-assign]
    try:
        yield
    finally:
        StringArray.isna = asked  # type: ignore[method-assign]
        StringArray._str_map = mapped  # type: ignore[method-assign]
        StringArray.duplicated = repeats  # type: ignore[method-assign]


_REPEATS = 0.5
"""A column with at most this share of distinct values is mapped value by value."""


def read_only(series: pd.Series) -> pd.Series:
    """A copy of `series` whose cells cannot change, for `frozen_texts` (a str column;
    any other comes back as it is)."""
    from pandas.core.arrays.string_ import StringArray

    if type(series.array) is not StringArray:
        return series
    copy = series.copy(deep=True)
    copy.array._ndarray.flags.writeable = False
    return copy


def _defer(name: str) -> None:
    """Put a stand-in for module `name` in sys.modules, unless it is there already."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None:
        return
    sys.modules[name] = _Deferred(name, spec)


class _Deferred(ModuleType):
    """A module that is imported for real when an attribute it lacks is first read; it
    then stands for the real one, which takes its place in sys.modules."""

    def __init__(self, name: str, spec: ModuleSpec) -> None:
        super().__init__(name)
        self.__spec__ = spec
        self._real: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        real = self.__dict__.get("_real")
        if real is None:
            if sys.modules.get(self.__name__) is self:
                del sys.modules[self.__name__]
            real = importlib.import_module(self.__name__)
            self.__dict__["_real"] = real
        return getattr(real, attr)
