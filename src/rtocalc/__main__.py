"""``python -m rtocalc``: the command line."""

from .cli import main

raise SystemExit(main())
