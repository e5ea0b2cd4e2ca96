"""Lets `python -m bot` behave exactly like the `aplauso` console script."""

from bot.cli import main

raise SystemExit(main())
