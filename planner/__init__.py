"""followup's domain layer: models, services and the command line. Never imports Textual."""

__version__ = "0.1.0"
