"""The planner engine: working-day calendar, call windows, lower bound, min-cost-flow solver,
and the service that keeps the stored plan up to date."""
