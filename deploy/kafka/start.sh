#!/bin/sh
# docker-compose `kafka` service: fills server.properties from the generated secrets, formats
# the KRaft storage once with the SCRAM users (admin for the broker, mcu-worker for clients),
# then runs the broker. Kafka 3.5+ takes SCRAM users at format time (KIP-900).
set -eu
secrets=/run/secrets/mcu
admin=$(cat "$secrets/kafka_admin_password")
worker=$(cat "$secrets/kafka_worker_password")
data=/var/lib/kafka/data
conf=/tmp/server.properties
sed -e "s|@HOST@|kafka|g" -e "s|@BIND@||g" -e "s|@PORT@|9092|g" -e "s|@CONTROLLER_PORT@|9093|g" \
  -e "s|@DATA@|$data|g" -e "s|@ADMIN_PASSWORD@|$admin|g" /etc/mcu/kafka/server.properties > "$conf"
cat > /tmp/client.properties <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$admin";
PROPS
if [ ! -f "$data/meta.properties" ]; then
  /opt/kafka/bin/kafka-storage.sh format -t "$(/opt/kafka/bin/kafka-storage.sh random-uuid)" \
    -c "$conf" \
    --add-scram "SCRAM-SHA-512=[name=admin,password=$admin]" \
    --add-scram "SCRAM-SHA-512=[name=mcu-worker,password=$worker]"
fi
exec /opt/kafka/bin/kafka-server-start.sh "$conf"
