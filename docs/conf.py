"""Sphinx configuration: ``sphinx-build -W -b html docs docs/_build/html``.

The Markdown pages are read by myst-parser, docstrings by numpydoc; the API reference
(``api.rst``) lists every name of ``rtocalc.__all__`` and the build fails (with ``-W``)
when one is missing from it.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE / "_ext"))

import rtocalc  # noqa: E402

project = "rtocalc"
author = "rtocalc developers"
copyright = "rtocalc developers"
release = version = rtocalc.__version__

root_doc = "contents"
extensions = [
    "myst_nb",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    # MathJax 3 served from _static/mathjax (a packaged copy), not from a CDN: the
    # equations render offline and from a file:// copy of the docs
    "sphinx-mathjax-offline",
    # field tables for the input classes, the CLI reference
    "rtocalc_docs",
]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]

# The notebooks of examples/ are rendered as pages: copied (with the files they read)
# into docs/notebooks/ at build time and executed there, since they are committed
# without outputs. A notebook that raises fails the build.
nb_execution_mode = "auto"
nb_execution_in_temp = False
nb_execution_timeout = 180
nb_execution_raise_on_error = True
nb_execution_show_tb = True
templates_path = ["_templates"]

myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 4

autosummary_generate = True
autodoc_typehints = "none"
autodoc_member_order = "bysource"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

html_theme = "pydata_sphinx_theme"
html_title = f"rtocalc {release}"
html_theme_options = {"navigation_with_keys": False}


def _check_api_page(app: object) -> None:
    """Warn (an error with -W) for a public name the API reference does not list."""
    from sphinx.util import logging

    listed = set(re.findall(r"^\s+(\w+)\s*$", (HERE / "api.rst").read_text(), re.M))
    missing = [n for n in rtocalc.__all__ if not n.startswith("_") and n not in listed]
    if missing:
        logging.getLogger(__name__).warning(
            "api.rst does not list rtocalc.%s; add it to an autosummary", ", rtocalc.".join(missing)
        )


def _copy_notebooks(app: object) -> None:
    """Copy examples/ (notebooks and the files they read) into docs/notebooks/."""
    import shutil

    src, dst = HERE.parent / "examples", HERE / "notebooks"
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))


def setup(app: object) -> None:
    app.connect("config-inited", lambda app, config: _copy_notebooks(app))  # type: ignore[attr-defined]
    app.connect("builder-inited", _check_api_page)  # type: ignore[attr-defined]
