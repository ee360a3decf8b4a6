"""Exports: the agenda in five formats (`agenda.py`), every contact (`contacts.py`), and the one
owner-only, atomic file writer they share (`files.py`)."""
