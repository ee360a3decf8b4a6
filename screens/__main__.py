"""`python -m screens` behaves exactly like the `followup` command."""

from screens.launch import main

raise SystemExit(main())
