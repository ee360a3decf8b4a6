"""`python -m planner`: the command line alone, without the full-screen app (`followup` opens
that)."""

from planner.cli import main

raise SystemExit(main())
