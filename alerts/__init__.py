"""Alert rules, working-hours calendar, Alertmanager-style routing; I/O only in notifiers/."""
