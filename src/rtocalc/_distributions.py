"""Distributions of uncertain inputs: uniform, triangular, lognormal, samples.

Private module of :mod:`rtocalc.uncertainty`, which re-exports the distribution classes
(their public home is ``rtocalc.uncertainty`` and ``rtocalc``). A number that is not a
distribution is a point value: :func:`median_of`, :func:`quantile_of`, :func:`draw` and
:func:`has_spread` take either.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import Field, field_validator, model_validator

from ._frozen import RESULT_CONFIG, FrozenModel
from .units import FieldError

FloatArray = NDArray[np.float64]

# standard normal 90th percentile, scipy.special.ndtri(0.9) (a test checks it): a literal
# keeps scipy.special, about 0.15 s, out of `import rtocalc`
Z90 = 1.2815515655446004


class Frozen(FrozenModel):
    model_config = RESULT_CONFIG


# --- distributions -----------------------------------------------------------------------


class Uniform(Frozen):
    """Uniform distribution on ``[low, high]`` (text: ``"2 TB..4 TB"``).

    Examples
    --------
    >>> float(Uniform(low=2.0, high=4.0).quantile(0.25))
    2.5
    """

    kind: Literal["uniform"] = Field("uniform", description="Distribution family.")
    low: float = Field(description="Lower end, in the field's canonical unit.")
    high: float = Field(description="Upper end, in the field's canonical unit.")

    @model_validator(mode="after")
    def _order(self) -> Uniform:
        if not (math.isfinite(self.low) and math.isfinite(self.high) and self.low <= self.high):
            raise FieldError(
                "uniform", f"low {self.low!r} and high {self.high!r} must be finite with "
                "low <= high; use e.g. '2 TB..4 TB'"
            )
        return self

    def sample(self, n: int, rng: np.random.Generator) -> FloatArray:
        """``n`` independent draws."""
        return np.asarray(self.low + (self.high - self.low) * rng.random(n), dtype=float)

    def quantile(self, q: Any) -> Any:
        """Inverse CDF at ``q`` in [0, 1]."""
        return self.low + (self.high - self.low) * np.asarray(q, dtype=float)

    @property
    def median(self) -> float:
        """The 50th percentile."""
        return float(self.quantile(0.5))


class Triangular(Frozen):
    """Triangular distribution (text: ``"triangular(2 TB, 3 TB, 5 TB)"``).

    Examples
    --------
    >>> float(Triangular(low=0.0, mode=0.0, high=1.0).quantile(0.75))
    0.5
    """

    kind: Literal["triangular"] = Field("triangular", description="Distribution family.")
    low: float = Field(description="Lower end, in the field's canonical unit.")
    mode: float = Field(description="Most likely value, in the field's canonical unit.")
    high: float = Field(description="Upper end, in the field's canonical unit.")

    @model_validator(mode="after")
    def _order(self) -> Triangular:
        ends = (self.low, self.mode, self.high)
        if not (all(math.isfinite(x) for x in ends) and self.low <= self.mode <= self.high):
            raise FieldError(
                "triangular", f"{ends!r} must be finite with low <= mode <= high; use e.g. "
                "'triangular(2 TB, 3 TB, 5 TB)'"
            )
        return self

    def quantile(self, q: Any) -> Any:
        """Inverse CDF at ``q`` in [0, 1]."""
        a, c, b = self.low, self.mode, self.high
        u = np.asarray(q, dtype=float)
        w = b - a
        if w == 0.0:
            return a + 0.0 * u
        fc = (c - a) / w
        left = a + np.sqrt(u * w * (c - a))
        right = b - np.sqrt((1.0 - u) * w * (b - c))
        return np.where(u < fc, left, right)

    def sample(self, n: int, rng: np.random.Generator) -> FloatArray:
        """``n`` independent draws (inverse CDF of uniform draws)."""
        return np.asarray(self.quantile(rng.random(n)), dtype=float)

    @property
    def median(self) -> float:
        """The 50th percentile."""
        return float(self.quantile(0.5))


class LogNormal(Frozen):
    """Log-normal distribution given by its median and 90th percentile.

    Text: ``"lognormal(median=3 TB, p90=5 TB)"``; ``sigma = ln(p90 / median) / z_0.9``.

    Examples
    --------
    >>> round(float(LogNormal(median=3.0, p90=5.0).quantile(0.9)), 9)
    5.0
    """

    kind: Literal["lognormal"] = Field("lognormal", description="Distribution family.")
    median: float = Field(description="Median, in the field's canonical unit.")
    p90: float = Field(description="90th percentile, in the field's canonical unit.")

    @model_validator(mode="after")
    def _order(self) -> LogNormal:
        if not (0.0 < self.median <= self.p90 < math.inf):
            raise FieldError(
                "lognormal", f"median {self.median!r} and p90 {self.p90!r} must satisfy "
                "0 < median <= p90; use e.g. 'lognormal(median=3 TB, p90=5 TB)'"
            )
        return self

    @property
    def sigma(self) -> float:
        """Standard deviation of the logarithm."""
        return math.log(self.p90 / self.median) / Z90

    def quantile(self, q: Any) -> Any:
        """Inverse CDF at ``q`` in [0, 1]."""
        from scipy.special import ndtri  # heavy (about 0.15 s): only when a quantile is asked

        return self.median * np.exp(self.sigma * ndtri(np.asarray(q, dtype=float)))

    def sample(self, n: int, rng: np.random.Generator) -> FloatArray:
        """``n`` independent draws."""
        return np.asarray(self.median * np.exp(self.sigma * rng.standard_normal(n)), dtype=float)


class Samples(Frozen):
    """An empirical distribution: draws are taken from ``values`` with replacement.

    Examples
    --------
    >>> Samples(values=(1.0, 2.0, 3.0)).median
    2.0
    """

    kind: Literal["samples"] = Field("samples", description="Distribution family.")
    values: tuple[float, ...] = Field(
        min_length=1, description="Observed values, in the field's canonical unit."
    )

    @field_validator("values")
    @classmethod
    def _finite(cls, v: tuple[float, ...]) -> tuple[float, ...]:
        if not all(math.isfinite(x) for x in v):
            raise FieldError("samples", f"{v!r} must all be finite numbers")
        return v

    def quantile(self, q: Any) -> Any:
        """Empirical quantile (linear interpolation) at ``q`` in [0, 1]."""
        return np.quantile(np.asarray(self.values, dtype=float), q)

    def sample(self, n: int, rng: np.random.Generator) -> FloatArray:
        """``n`` draws with replacement."""
        idx = rng.integers(0, len(self.values), n)
        return np.asarray(np.asarray(self.values, dtype=float)[idx], dtype=float)

    @property
    def median(self) -> float:
        """The 50th percentile."""
        return float(self.quantile(0.5))


Distribution = Annotated[Uniform | Triangular | LogNormal | Samples, Field(discriminator="kind")]
DIST_TYPES = (Uniform, Triangular, LogNormal, Samples)


Uncertain = float | Distribution


def median_of(x: Uncertain) -> float:
    return x.median if isinstance(x, DIST_TYPES) else float(x)


def quantile_of(x: Uncertain, q: float) -> float:
    return float(x.quantile(q)) if isinstance(x, DIST_TYPES) else float(x)


def draw(x: Uncertain, n: int, rng: np.random.Generator) -> FloatArray:
    return x.sample(n, rng) if isinstance(x, DIST_TYPES) else np.full(n, float(x))


def has_spread(x: Uncertain) -> bool:
    return isinstance(x, DIST_TYPES) and quantile_of(x, 0.05) != quantile_of(x, 0.95)
