"""The kernel's output over the whole default space, bit for bit.

Changes to how the kernel iterates (which rows are evaluated together, whether figures go
on the catalog grid or on the rows, how a path's choice is updated) must not change one
bit of its output. Two checks:

- row independence, everywhere: the whole default space evaluated at once equals the
  evaluations of its rows in blocks of several sizes (on both sides of the threshold where
  the ask's figures move from the rows to the grid), put back together;
- a fingerprint: SHA-256 digests of every array of the evaluation of both shipped
  examples' whole spaces (both interval rules), recorded in
  ``tests/data/kernel_fingerprint.json`` per environment: the numpy version, the machine
  and the SIMD targets numpy dispatches to on this CPU. Elementwise functions round
  differently with other SIMD code (numpy 2.4's ``AVX512_ICL`` loops change the last bit
  of some costs against its ``X86_V3`` and ``X86_V4`` loops), so an environment with no record
  skips the comparison (with that reason). A change that is meant to change what the
  kernel computes records the digests again, in each environment kept:
  ``python tests/test_kernel_fingerprint.py --write`` (numpy's
  ``NPY_DISABLE_CPU_FEATURES`` gives the lower targets on a newer CPU, e.g.
  ``NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL AVX512_SPR"`` for ``X86_V3``).
"""

from __future__ import annotations

import hashlib
import json
import platform
import sys
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rtocalc import load_scenario
from rtocalc.space import build_space, evaluate_space, gather_rows

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "tests" / "data" / "kernel_fingerprint.json"
EXAMPLES = ("default", "zero_downtime")


def _digest(value: Any, h: Any) -> None:
    """Feed every array (dtype, shape, bytes) and every other value (repr) of ``value``."""
    if isinstance(value, np.ndarray):
        h.update(f"{value.dtype}{value.shape}".encode())
        h.update(np.ascontiguousarray(value).tobytes())
    elif isinstance(value, dict):
        for k in value:
            h.update(str(k).encode())
            _digest(value[k], h)
    elif hasattr(value, "__dataclass_fields__"):
        for k in value.__dataclass_fields__:
            # a model's repr, and a private memo of figures (DesignSpace._codes), are not
            # what the kernel computed
            if k != "catalog" and not k.startswith("_"):
                h.update(k.encode())
                _digest(getattr(value, k), h)
    else:
        h.update(repr(value).encode())


def _fields(ev: Any) -> dict[str, str]:
    out = {}
    for name in ev.__dataclass_fields__:
        if name.startswith("_"):  # how the kernel grouped rows (Evaluation._kinds): no output
            continue
        h = hashlib.sha256()
        _digest(getattr(ev, name), h)
        out[name] = h.hexdigest()
    return out


def fingerprint() -> dict[str, dict[str, str]]:
    """Digests of every field of each shipped example's whole-space evaluation."""
    out = {}
    for name in EXAMPLES:
        sc = load_scenario(ROOT / "examples" / f"{name}.toml")
        space = build_space(sc.catalog, sc.requirements.retention)
        for rule in ("longest", "shortest"):
            ev = evaluate_space(
                space, sc.workload, sc.requirements, sc.impact, sc.catalog, interval_rule=rule
            )
            out[f"{name}/{rule}"] = _fields(ev)
    return out


def _simd_targets() -> list[str]:
    """The SIMD targets numpy's dispatched loops use on this CPU (those it was built with
    and the CPU has, less any that ``NPY_DISABLE_CPU_FEATURES`` turns off)."""
    try:
        from numpy._core import _multiarray_umath as umath
    except ImportError:  # numpy 1.x
        from numpy.core import _multiarray_umath as umath  # type: ignore[no-redef]
    features = umath.__cpu_features__
    return [t for t in umath.__cpu_dispatch__ if features.get(t)]


def _environment() -> dict[str, Any]:
    major_minor = ".".join(np.__version__.split(".")[:2])
    return {
        "numpy": major_minor,
        "machine": platform.machine(),
        "system": platform.system(),
        "simd": _simd_targets(),
    }


def _records() -> list[dict[str, Any]]:
    return json.loads(RECORD.read_text(encoding="utf-8"))["records"]  # type: ignore[no-any-return]


def test_the_whole_space_equals_its_row_blocks(default):
    """Evaluated at once or in blocks (put back together), every field is the same bits."""
    sc = default
    space = build_space(sc.catalog, sc.requirements.retention)
    whole = _fields(evaluate_space(space, sc.workload, sc.requirements, sc.impact, sc.catalog))
    n = len(space)
    # blocks of 512 rows (figures on rows), ~4,000 (ask on the grid) and the rest
    cuts = [0, 512, 1024, 5000, 9000, 30000, n]
    parts = []
    for lo, hi in pairwise(cuts):
        rows = np.arange(lo, hi)
        ev = evaluate_space(space.take(rows), sc.workload, sc.requirements, sc.impact, sc.catalog)
        parts.append((rows, ev))
    blocks = _fields(gather_rows(parts))
    assert blocks.keys() == whole.keys()
    differ = [k for k in whole if k != "space" and blocks[k] != whole[k]]
    assert not differ, f"fields that differ: {differ}"


def test_the_kernel_output_is_the_recorded_one():
    """Every field of both examples' whole-space evaluations: the recorded digests."""
    env = _environment()
    records = [r for r in _records() if r["environment"] == env]
    if not records:
        pytest.skip(
            f"no digests recorded for {env} (recorded: "
            f"{[r['environment'] for r in _records()]}): rounding of elementwise functions "
            "may differ"
        )
    now = fingerprint()
    differ = [
        f"{case}: {name}"
        for case, fields in records[0]["digests"].items()
        for name, digest in fields.items()
        if now.get(case, {}).get(name) != digest
    ]
    assert not differ, (
        f"the kernel's output changed in {differ}; if that is meant, record it again: "
        "python tests/test_kernel_fingerprint.py --write"
    )


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python tests/test_kernel_fingerprint.py --write")
    env = _environment()
    kept = [r for r in _records() if r["environment"] != env] if RECORD.exists() else []
    records = [*kept, {"environment": env, "digests": fingerprint()}]
    records.sort(key=lambda r: json.dumps(r["environment"], sort_keys=True))
    RECORD.write_text(json.dumps({"records": records}, indent=1) + "\n", encoding="utf-8")
    print(f"recorded {RECORD} for {env}; {len(kept)} other environments kept")
