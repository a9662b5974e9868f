#!/bin/sh
# docker-compose `secrets` service: generates every password and token the stack needs, once,
# into the `generated-secrets` volume (SECRETS_DIR), and the Elasticsearch certificates
# (CERTS_DIR, with elasticsearch-certutil as in Elastic's own docker-compose example).
# Existing files are kept: a restart never changes a password.
set -eu
dir=${SECRETS_DIR:-/run/secrets/mcu}
mkdir -p "$dir"
umask 077
for name in elastic_password kibana_password es_worker_password kafka_admin_password \
    kafka_worker_password grafana_admin_password api_token; do
  if [ ! -s "$dir/$name" ]; then
    # 32 characters from [A-Za-z0-9]: about 190 bits.
    value=$(head -c 96 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32)
    printf '%s' "$value" > "$dir/$name"
    echo "создан секрет $name"
  fi
done
# Each service reads them as its own user (grafana 472, kibana 1000, worker nobody).
chmod 0755 "$dir"
chmod 0444 "$dir"/*

certs=${CERTS_DIR:-}
if [ -n "$certs" ] && [ ! -f "$certs/ca/ca.crt" ]; then
  cd /usr/share/elasticsearch
  bin/elasticsearch-certutil ca --silent --pem -out /tmp/ca.zip
  unzip -q -o /tmp/ca.zip -d "$certs"
  printf 'instances:\n  - name: elasticsearch\n    dns: [elasticsearch, localhost]\n' \
    > /tmp/instances.yml
  bin/elasticsearch-certutil cert --silent --pem -out /tmp/certs.zip --in /tmp/instances.yml \
    --ca-cert "$certs/ca/ca.crt" --ca-key "$certs/ca/ca.key"
  unzip -q -o /tmp/certs.zip -d "$certs"
  chown -R 1000:0 "$certs"
  find "$certs" -type d -exec chmod 0755 {} +
  find "$certs" -type f -exec chmod 0640 {} +
  # The CA certificate (not its key) is read by the worker and Kibana.
  chmod 0644 "$certs/ca/ca.crt"
  echo "созданы сертификаты Elasticsearch"
fi
