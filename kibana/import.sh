#!/bin/sh
# Imports the МЦУ saved objects into Kibana 8 or OpenSearch Dashboards 2, overwriting by id.
# docker-compose runs it once (curl image); by hand: KIBANA_URL=http://127.0.0.1:5601 sh kibana/import.sh
# FLAVOR=kibana (default) or FLAVOR=opensearch-dashboards.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
url=${KIBANA_URL:-http://kibana:5601}
flavor=${FLAVOR:-kibana}
case "$flavor" in
  kibana) file="$here/saved_objects/kibana.ndjson"; xsrf="kbn-xsrf: true" ;;
  opensearch-dashboards) file="$here/saved_objects/opensearch-dashboards.ndjson"; xsrf="osd-xsrf: true" ;;
  *) echo "FLAVOR: kibana или opensearch-dashboards, получено $flavor" >&2; exit 2 ;;
esac
auth=""
if [ -n "${KIBANA_USER:-}" ]; then auth="-u ${KIBANA_USER}:${KIBANA_PASSWORD:-}"; fi

tries=0
# Kibana answers 503 while it starts; wait up to 5 minutes.
until curl -fsS $auth -o /dev/null "$url/api/status"; do
  tries=$((tries + 1))
  if [ "$tries" -ge 60 ]; then echo "$url не отвечает" >&2; exit 1; fi
  sleep 5
done

out=$(curl -fsS $auth -X POST -H "$xsrf" "$url/api/saved_objects/_import?overwrite=true" \
  --form "file=@$file")
echo "$out"
case "$out" in
  *'"success":true'*) echo "сохранённые объекты МЦУ импортированы в $url" ;;
  *) echo "импорт не удался" >&2; exit 1 ;;
esac
