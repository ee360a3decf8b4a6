"""`python -m planner` behaves exactly like the `followup` command."""

from planner.cli import main

raise SystemExit(main())
