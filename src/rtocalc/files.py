"""Scenario files (TOML): workload, requirements, impact and catalog overrides.

Errors are collected for the whole file and reported together, each naming the file,
the path of the field, the value given and the accepted form.
"""

from __future__ import annotations

import os
import stat
import sys
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from types import UnionType
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from . import models, units
from .models import BusinessImpact, Catalog, Requirements, Workload

__all__ = ["InputError", "ScenarioFile", "default_scenario_path", "load_scenario"]


class InputError(ValueError):
    """Invalid input file: ``errors`` holds one line per problem."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


class ScenarioFile(BaseModel):
    """A planning scenario as written in a TOML file.

    ``[workload]``, ``[requirements]`` and ``[impact]`` follow :class:`Workload`,
    :class:`Requirements` and :class:`BusinessImpact`; ``[catalog]`` holds overrides
    merged into the default catalog, or ``catalog.file`` names a catalog file (relative
    to the scenario file) to start from.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    workload: Workload = Field(description="The protected system.")
    requirements: Requirements = Field(description="The business ask.")
    impact: BusinessImpact = Field(
        default_factory=BusinessImpact, description="Downtime and data-loss costs, scenarios."
    )
    catalog: Catalog = Field(default_factory=Catalog.default, description="Priced options.")


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif "[" in part or "function-" in part:
            continue  # pydantic's names for union members and validators
        else:
            out += ("." if out else "") + str(part)
    return out


def _model_classes() -> dict[str, type[BaseModel]]:
    """Every input model, by class name: those of :mod:`rtocalc.models` and this module,
    and every subclass of the input models' base (e.g. the policy files' models)."""
    found = {
        obj.__name__: obj
        for module in (models, sys.modules[__name__])
        for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, BaseModel) and obj is not BaseModel
    }
    todo: list[type[BaseModel]] = [models.InputModel]
    while todo:
        cls = todo.pop()
        found.setdefault(cls.__name__, cls)
        todo += cls.__subclasses__()
    return found


def _unwrap(tp: Any) -> Any:
    """The model, mapping or sequence type inside ``X | None`` and similar unions."""
    if get_origin(tp) in (Union, UnionType):
        inner = [a for a in get_args(tp) if a is not type(None)]
        return inner[0] if len(inner) == 1 else None
    return tp


def _model_at(root: type[BaseModel] | None, loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The model class that ``loc`` (relative to ``root``) points into, if any."""
    tp: Any = root
    for part in loc:
        tp = _unwrap(tp)
        origin = get_origin(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            field = tp.model_fields.get(str(part))
            if field is None:
                return None
            tp = field.annotation
        elif origin in (dict, Mapping) and isinstance(part, str):
            tp = get_args(tp)[1]
        elif origin in (tuple, list) and isinstance(part, int):
            tp = get_args(tp)[0]
        else:
            return None
    tp = _unwrap(tp)
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def _unknown_field(name: str, value: Any, model: type[BaseModel] | None) -> str:
    msg = f"{units.excerpt(value)} is not a known field; check the spelling"
    if model is None:
        return msg
    import difflib  # only for a misspelt field: not on every command's start-up path

    fields = list(model.model_fields)
    close = difflib.get_close_matches(name, fields, n=1)
    if close:
        msg += f" (did you mean {close[0]!r}?)"
    return msg + "; use one of " + ", ".join(fields)


def _fields_of(class_name: Any) -> str:
    model = _model_classes().get(str(class_name))
    return ", ".join(model.model_fields) if model is not None else "its fields"


def _generic_message(e: Mapping[str, Any]) -> str | None:
    """Pydantic's own messages, rewritten as ``<value> <problem>; use <accepted form>``."""
    kind = e["type"]
    ctx = e.get("ctx") or {}
    given = units.excerpt(e.get("input"))
    if kind == "literal_error":
        return f"{given} is not accepted; use one of {ctx.get('expected')}"
    if kind == "string_pattern_mismatch":
        return f"{given} does not have the accepted form; use a text matching {ctx.get('pattern')}"
    bounds = {
        "greater_than_equal": ("at least", "ge"),
        "greater_than": ("more than", "gt"),
        "less_than_equal": ("at most", "le"),
        "less_than": ("less than", "lt"),
    }
    if kind in bounds:
        word, key = bounds[kind]
        return f"{given} is out of range; use a number {word} {ctx.get(key)}"
    if kind in ("bool_type", "bool_parsing"):
        return f"{given} is not a boolean; use true or false"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"{given} is not a whole number; use e.g. 14"
    if kind in ("float_type", "float_parsing", "finite_number"):
        return f"{given} is not a number; use e.g. 0.023"
    if kind == "string_type":
        return f"{given} is not a text; use a quoted string"
    if kind == "string_too_short":
        return f"{given} is too short; use at least {ctx.get('min_length')} character(s)"
    if kind in ("model_type", "model_attributes_type"):
        fields = _fields_of(ctx.get("class_name"))
        return f"{given} is not a table; use a table with {fields}"
    if kind == "dict_type":
        return f"{given} is not a table; use a table of entries by key"
    if kind in ("tuple_type", "list_type"):
        return f'{given} is not a list; use a TOML array, e.g. ["a", "b"]'
    return None


def _named_field(e: Mapping[str, Any]) -> str | None:
    """The field an error's message starts with, from pydantic's structured ``ctx``.

    A validator raises :class:`~rtocalc.units.FieldError` or
    :class:`~rtocalc.units.UnitError` (pydantic keeps the exception as ``ctx["error"]``
    of a ``value_error``); :func:`rtocalc.models.raise_errors` puts the field in
    ``ctx["field"]``. Any other error names no field.
    """
    ctx = e.get("ctx") or {}
    error = ctx.get("error")
    if isinstance(error, units.FieldError | units.UnitError):
        return error.field
    field = ctx.get("field")
    return field if isinstance(field, str) else None


def _merge_name(path: str, msg: str, e: Mapping[str, Any]) -> tuple[str, str]:
    """Drop the field name a message starts with, extending ``path`` by what it adds.

    Messages of the validators start with the field they are about (``"rpo.site: 'soon'
    is not a duration"``), which the error carries as a field (:func:`_named_field`); the
    location already names ``rpo``, so the line becomes ``rpo.site: 'soon' is not a
    duration``. A message rewritten by :func:`_generic_message` no longer starts with it
    and is left alone.
    """
    named = _named_field(e)
    if not named or not msg.startswith(f"{named}: "):
        return path, msg
    if not path:  # a model-level error: the message names the field
        return named, msg[len(named) + 2 :]
    parts = path.split(".") if path else []
    names = named.split(".")
    for k in range(min(len(parts), len(names)), 0, -1):
        if parts[len(parts) - k :] == names[:k]:
            return ".".join(parts + names[k:]), msg[len(named) + 2 :]
    return path, msg


def format_validation_error(
    err: ValidationError, prefix: str = "", *, under: str = ""
) -> list[str]:
    """One line per error: ``prefix: under.path.to.field: message``.

    ``under`` is the dotted path of the validated value inside the file (e.g.
    ``"workload"``); the error's title names the model that was validated.
    """
    root = _model_classes().get(err.title)
    lines = []
    for e in err.errors():
        loc = tuple(e["loc"])
        path = _loc(loc)
        msg = str(e["msg"]).removeprefix("Value error, ")
        if e["type"] == "missing":
            msg = "is required"
        elif e["type"] == "extra_forbidden":
            msg = _unknown_field(str(loc[-1]), e.get("input"), _model_at(root, loc[:-1]))
        else:
            msg = _generic_message(e) or msg
        path, msg = _merge_name(path, msg, e)
        if under:
            path = f"{under}.{path}" if path else under
        where = f"{prefix}: " if prefix else ""
        lines.append(f"{where}{path}: {msg}" if path else f"{where}{msg}")
    return lines


def default_scenario_path(name: str = "default") -> Path:
    """A shipped example scenario: ``examples/default.toml`` (``rtocalc plan``) or
    ``examples/zero_downtime.toml`` (``rtocalc negotiate``).

    Parameters
    ----------
    name : {"default", "zero_downtime"}
        Which example.

    Returns
    -------
    pathlib.Path
        The file packaged with rtocalc, or the repository's ``examples/`` copy when run
        from a source checkout.
    """
    packaged = resources.files("rtocalc.data").joinpath(f"{name}_scenario.toml")
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "examples" / f"{name}.toml"


#: Largest input file read [bytes]; a 10,000-system inventory is about 3 MB.
MAX_FILE_BYTES = 64 * 2**20
#: Deepest nesting of tables and arrays accepted in an input file [levels].
MAX_DEPTH = 32
#: The file name that means standard input on the command line.
STDIN = "-"


def _read_bytes(p: Path) -> bytes:
    """The bytes of a regular file (or of standard input for ``-``), at most
    :data:`MAX_FILE_BYTES`; never blocks on a pipe or device named as a file."""
    if str(p) == STDIN:
        if sys.stdin is None:
            raise InputError(["-: there is no standard input to read"])
        data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    else:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise InputError([f"{p}: is not a regular file; give the path of a TOML file"])
            if hasattr(os, "set_blocking"):
                os.set_blocking(fd, True)
            with os.fdopen(fd, "rb", closefd=False) as fh:
                data = fh.read(MAX_FILE_BYTES + 1)
        finally:
            os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        raise InputError(
            [f"{p}: is larger than {MAX_FILE_BYTES // 2**20} MiB; split it into smaller files"]
        )
    return data


def _depth_error(data: Any) -> str | None:
    """Where ``data`` nests deeper than :data:`MAX_DEPTH`, if it does (no recursion)."""
    todo: list[tuple[Any, int, str]] = [(data, 0, "")]
    while todo:
        value, depth, path = todo.pop()
        if depth > MAX_DEPTH:
            return f"{path or 'the file'}: nests tables or arrays more than {MAX_DEPTH} deep"
        if isinstance(value, Mapping):
            todo += [(v, depth + 1, f"{path}.{k}" if path else str(k)) for k, v in value.items()]
        elif isinstance(value, list):
            todo += [(v, depth + 1, f"{path}[{i}]") for i, v in enumerate(value)]
    return None


def read_toml(path: str | Path) -> dict[str, Any]:
    """Read a TOML file, turning I/O and syntax errors into an :class:`InputError`.

    ``-`` reads standard input. Only regular files of at most :data:`MAX_FILE_BYTES`,
    in UTF-8 and nested at most :data:`MAX_DEPTH` deep, are accepted.
    """
    p = Path(path)
    try:
        raw = _read_bytes(p)
    except FileNotFoundError:
        raise InputError([f"{p}: no such file"]) from None
    except IsADirectoryError:
        raise InputError([f"{p}: is a directory; give the path of a TOML file"]) from None
    except OSError as exc:
        raise InputError([f"{p}: cannot read: {exc.strerror}"]) from None
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise InputError(
            [
                f"{p}: is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                "save it as UTF-8"
            ]
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError([f"{p}: not valid TOML: {units.excerpt(str(exc), 200)[1:-1]}"]) from None
    except RecursionError:
        raise InputError(
            [f"{p}: nests tables or arrays too deeply (at most {MAX_DEPTH} levels)"]
        ) from None
    deep = _depth_error(data)
    if deep is not None:
        raise InputError([f"{p}: {deep}"])
    return data


def resolve_reference(
    name: str, base: Path | None, *, field: str, source: str, allow_outside: bool = False
) -> Path:
    """The path of a file that another file names (``catalog.file``, ``policy``).

    Relative names are relative to ``base`` (the directory of the naming file; the
    working directory when None). Unless ``allow_outside``, the reference must stay in
    that directory or below it (symbolic links resolved), so that a file cannot make
    rtocalc read, and quote in its errors, files elsewhere on the machine.

    Raises
    ------
    InputError
        Naming ``source`` and ``field`` when the reference leaves the directory.
    """
    root = base if base is not None else Path(".")
    path = root / name
    if allow_outside:
        return path
    inside = root.resolve()
    target = path.resolve()
    if target != inside and inside not in target.parents:
        raise InputError(
            [
                f"{source}: {field}: {units.excerpt(name)} is outside the directory of "
                f"{source} ({inside}); use a path inside it, or allow it on the command "
                "line with --allow-outside-paths"
            ]
        )
    return path


def load_scenario(
    path: str | Path | None = None, *, allow_outside: bool = False
) -> ScenarioFile:
    """Load and validate a scenario file (the shipped example when ``path`` is None).

    Parameters
    ----------
    path : str or Path, optional
        TOML file with ``[workload]``, ``[requirements]``, optional ``[impact]`` and
        ``[catalog]`` tables; None loads ``examples/default.toml``; ``"-"`` reads
        standard input (a ``catalog.file`` is then relative to the working directory).
    allow_outside : bool, default False
        Let ``catalog.file`` name a file outside the scenario file's directory.

    Returns
    -------
    ScenarioFile

    Raises
    ------
    InputError
        With every problem of the file, one line each.
    """
    p = Path(path) if path is not None else default_scenario_path()
    data = read_toml(p)
    return scenario_from_dict(
        data, source=str(p), base=base_of(p), allow_outside=allow_outside
    )


def base_of(path: Path) -> Path:
    """The directory references in ``path`` are relative to (cwd for standard input)."""
    return Path(".") if str(path) == STDIN else path.parent


def scenario_from_dict(
    data: Mapping[str, Any],
    *,
    source: str = "<scenario>",
    base: Path | None = None,
    allow_outside: bool = False,
) -> ScenarioFile:
    """Validate a scenario given as nested mappings; see :func:`load_scenario`."""
    errors: list[str] = []
    raw = dict(data)
    unknown = sorted(set(raw) - {"workload", "requirements", "impact", "catalog"})
    for key in unknown:
        errors.append(
            f"{source}: {key}: unknown table; use [workload], [requirements], [impact], [catalog]"
        )
    catalog, catalog_errors = scenario_catalog(
        raw.get("catalog", {}), source=source, base=base, allow_outside=allow_outside
    )
    errors += catalog_errors
    currency = catalog.currency if catalog is not None else "USD"
    parts: dict[str, Any] = {}
    for key, model in (
        ("workload", Workload),
        ("requirements", Requirements),
        ("impact", BusinessImpact),
    ):
        if key not in raw:
            if key != "impact":
                errors.append(f"{source}: [{key}]: missing table")
            continue
        if not isinstance(raw[key], Mapping):
            errors.append(
                f"{source}: {key}: {units.excerpt(raw[key])} is not a table; use [{key}] with "
                + ", ".join(model.model_fields)
            )
            continue
        try:
            parts[key] = model.model_validate(raw[key], context={"currency": currency})
        except ValidationError as exc:
            errors += format_validation_error(exc, source, under=key)
    if catalog is not None and "requirements" in parts:
        # a key of the catalog's [isolated_recovery]: checked against this file's catalog
        # here, so that no command meets it first inside the model
        try:
            parts["requirements"].isolated(catalog)
        except units.FieldError as exc:
            errors.append(f"{source}: requirements.{exc.field}: {exc.detail}")
    if errors:
        raise InputError(errors)
    if catalog is not None:
        parts["catalog"] = catalog
    return ScenarioFile(**parts)


def scenario_catalog(
    value: Any, *, source: str, base: Path | None, allow_outside: bool = False
) -> tuple[Catalog | None, list[str]]:
    """The catalog of a scenario: a catalog file or the default, with overrides merged in."""
    if not isinstance(value, Mapping):
        return None, [
            f"{source}: catalog: {units.excerpt(value)} is not a table; use a table of "
            "overrides, e.g. "
            "[catalog.targets.object_hot] price_per_gb_month = 0.02, or "
            'file = "my-catalog.toml"'
        ]
    overrides = dict(value)
    file = overrides.pop("file", None)
    if file is None:
        start = Catalog.default()
    elif not isinstance(file, str) or not file:
        return None, [
            f"{source}: catalog.file: {units.excerpt(file)} is not a file name; use e.g. "
            'file = "my-catalog.toml" (relative to the scenario file)'
        ]
    else:
        try:
            path = resolve_reference(
                file, base, field="catalog.file", source=source, allow_outside=allow_outside
            )
        except InputError as exc:
            return None, exc.errors
        try:
            start = Catalog.from_dict(read_toml(path))
        except InputError as exc:
            return None, [f"{source}: catalog.file: {line}" for line in exc.errors]
        except ValidationError as exc:
            return None, format_validation_error(exc, str(path))
    try:
        return (start.override(overrides) if overrides else start), []
    except ValidationError as exc:
        return None, format_validation_error(exc, source, under="catalog")
