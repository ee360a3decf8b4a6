"""Modal dialogs: each asks one thing and returns its answer with `dismiss`."""
