"""The local real servers: Kafka, OpenSearch, Prometheus, an SMTP server and a Bot-API server on loopback."""
