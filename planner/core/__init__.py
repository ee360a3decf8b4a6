"""The vocabulary every layer shares: dates and zones, cadences, safe text, errors, the
working-day calendar. Imports nothing else of followup."""
