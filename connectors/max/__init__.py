"""MAX messenger: the Bot API (long polling with `marker`, or a webhook with a secret)."""
