"""Storage: the database binding and its write transaction, the models, versioned migrations,
backups and settings. Imports only `planner.core`."""
