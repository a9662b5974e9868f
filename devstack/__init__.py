"""The local real servers on loopback: Kafka, OpenSearch, Prometheus, SMTP and Bot API."""
