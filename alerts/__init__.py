"""Alert rules, the working-hours calendar and Alertmanager-style routing; I/O only in notifiers/."""
