"""The notebooks in examples/ are committed without outputs and execute without error.

Execution needs nbclient, nbformat and ipykernel (extra ``rtocalc[docs]``) and the
notebooks' own needs, matplotlib and pandas (extras ``plot`` and ``pandas``); without
them these tests skip. Each notebook runs in a fresh kernel with ``examples/`` as its
working directory and the non-interactive Agg backend.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import rtocalc

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{path.name}: strip the outputs before committing"
            assert cell["execution_count"] is None, f"{path.name}: strip the execution counts"


# jupyter_client and jupyter_core raise deprecation warnings of their own on some versions
@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_executes(path, monkeypatch):
    for module in ("nbclient", "nbformat", "ipykernel", "matplotlib", "pandas"):
        pytest.importorskip(module)
    import nbclient
    import nbformat

    monkeypatch.setenv("MPLBACKEND", "Agg")
    # the kernel imports the rtocalc under test (installed, or src/ on PYTHONPATH)
    here = str(Path(rtocalc.__file__).resolve().parent.parent)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([here, os.environ.get("PYTHONPATH", "")]))
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(EXAMPLES)}}
    )
    client.execute()  # raises CellExecutionError naming the failing cell
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert outputs and not [o for o in outputs if o.output_type == "error"]


def test_there_are_notebooks():
    names = {p.name for p in NOTEBOOKS}
    expected = {"negotiation", "cost_curves", "policy_check", "portfolio"}
    assert {f"{n}.ipynb" for n in expected} <= names
