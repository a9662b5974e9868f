"""The faust agents, one module each: tag, index (rules and notify come with alerts)."""
