"""Kafka side of МЦУ monitor: faust app, topics, agents, settings, metrics and the `mcu` CLI."""
