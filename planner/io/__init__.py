"""Files in and out: contact importers, agenda and contact exports, and the demo database."""
