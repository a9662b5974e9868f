"""Incidents: one problem, one unit of work — joining, response policy, time-ordered wake-ups."""
