#!/bin/sh
# docker-compose `es-setup` service: once Elasticsearch (security on) answers, sets the
# kibana_system password and creates the worker's own user, limited to the mcu-* indices.
set -eu
secrets=/run/secrets/mcu
ca=/usr/share/elasticsearch/config/certs/ca/ca.crt
es=https://elasticsearch:9200
elastic="elastic:$(cat "$secrets/elastic_password")"
until curl -s --cacert "$ca" "$es" | grep -q "missing authentication credentials"; do sleep 5; done
call() {
  curl -fsS --cacert "$ca" -u "$elastic" -H "Content-Type: application/json" -X "$1" "$es$2" -d "$3"
  echo
}
call POST /_security/user/kibana_system/_password \
  "{\"password\":\"$(cat "$secrets/kibana_password")\"}"
call PUT /_security/role/mcu_worker \
  '{"cluster":["monitor","manage_index_templates"],"indices":[{"names":["mcu-*"],"privileges":["all"]}]}'
call PUT /_security/user/mcu-worker \
  "{\"password\":\"$(cat "$secrets/es_worker_password")\",\"roles\":[\"mcu_worker\"]}"
echo "Elasticsearch: пароли и пользователь mcu-worker настроены"
