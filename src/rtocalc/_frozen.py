"""Read-only mappings for the input models.

Inputs are frozen pydantic models, and the kernel remembers figures keyed by the
identity of a catalog, workload, ask or impact. That is only correct if an input can
never change after validation, mappings included: a field holding a plain ``dict``
would let ``catalog.targets["x"] = ...`` change the prices behind a remembered figure.
``FrozenMap[K, V]`` validates like ``dict[K, V]`` and holds a :class:`FrozenDict`, a
``dict`` that refuses every change; it serialises, copies and pickles as a dict, so JSON
round trips are unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, NoReturn, Self, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict

__all__ = ["RESULT_CONFIG", "FrozenDict", "FrozenMap", "FrozenModel", "freeze"]

#: the one configuration of every result model: frozen, no unknown fields, and inf/nan
#: written as the JSON strings "Infinity"/"NaN" (JSON has no number for them)
RESULT_CONFIG = ConfigDict(frozen=True, extra="forbid", ser_json_inf_nan="strings")

K = TypeVar("K")
V = TypeVar("V")


class FrozenDict(dict):  # type: ignore[type-arg]
    """A ``dict`` that cannot be changed after it is made."""

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError(
            "this mapping belongs to a frozen rtocalc model and cannot be changed; make a "
            "new model, e.g. catalog.override({...}) or model.model_copy(update={...})"
        )

    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (dict(self),))

    def __copy__(self) -> FrozenDict:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenDict:
        from copy import deepcopy

        return type(self)(deepcopy(dict(self), memo))

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))


def freeze(value: Any) -> Any:
    """``value`` as a :class:`FrozenDict` if it is a mapping, a tuple if it is a list,
    else unchanged."""
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, FrozenDict) or not isinstance(value, Mapping):
        return value
    return FrozenDict(value)


class FrozenModel(BaseModel):
    """A pydantic model whose copies stay deeply immutable.

    ``model_copy(update=...)`` does not validate (pydantic's contract), so an update
    holding a plain ``dict`` or ``list`` would make the copy mutable; here each updated
    value is frozen (:func:`freeze`) first.
    """

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy with ``update`` applied, mappings and lists in it frozen."""
        frozen = None if update is None else {k: freeze(v) for k, v in update.items()}
        return super().model_copy(update=frozen, deep=deep)


#: ``dict[K, V]`` on input, a read-only mapping once validated, a dict on output
FrozenMap = Annotated[Mapping[K, V], AfterValidator(freeze)]
