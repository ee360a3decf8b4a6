"""The Textual full-screen app. Everything here is UI; the domain lives in `planner/`."""
