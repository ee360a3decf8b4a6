"""What a person can do: contacts, interactions, the ledger, the agenda, schedule actions and
drafts. Each service writes in one transaction and re-plans through `planner.scheduling.service`."""
