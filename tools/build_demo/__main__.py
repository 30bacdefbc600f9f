"""``python -m tools.build_demo``: see the package docstring and ``cli``."""

from .cli import main

raise SystemExit(main())
