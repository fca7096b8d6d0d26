"""``rtocalc.show_versions()``: what to paste into a bug report."""

from __future__ import annotations

import platform
import sys
from importlib.metadata import PackageNotFoundError, version
from typing import TextIO

__all__ = ["show_versions", "versions"]

#: the required dependencies, then the optional ones (extras plot and pandas)
_PACKAGES = ("rtocalc", "numpy", "scipy", "pydantic", "pydantic-core", "pandas", "matplotlib")


def versions() -> dict[str, str | None]:
    """Versions of Python, the platform and rtocalc's dependencies.

    Returns
    -------
    dict of str to str or None
        ``python``, ``platform``, then one entry per package (None when not installed).
    """
    out: dict[str, str | None] = {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
    }
    for name in _PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def show_versions(file: TextIO | None = None) -> None:
    """Print the versions of Python, the platform and rtocalc's dependencies.

    Parameters
    ----------
    file : file-like, optional
        Where to print; default standard output.

    Examples
    --------
    >>> import rtocalc
    >>> rtocalc.show_versions()  # doctest: +ELLIPSIS
    python: ...
    """
    info = versions()
    width = max(len(k) for k in info)
    for key, value in info.items():
        print(f"{key + ':':<{width + 1}} {value or 'not installed'}", file=file or sys.stdout)
