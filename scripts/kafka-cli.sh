#!/usr/bin/env bash
# Kafka's own command-line tools, from the jars `npm run dev` / `npm test` installed under .local/tools.
#   npm run kafka -- producer --topic sender.requests --property parse.key=true --property key.separator='|'
#   npm run kafka -- consumer --topic sender.status --from-beginning --property print.key=true --property print.headers=true
#   npm run kafka -- topics --list          npm run kafka -- groups --describe --group temporal-sender-bridge
set -euo pipefail
cd "$(dirname "$0")/.."
libs=$(ls -d .local/tools/kafka-*/libs 2>/dev/null | tail -n 1)
[ -n "$libs" ] || { echo "kafka-cli: no Kafka jars yet; run npm run dev once" >&2; exit 1; }
tool=${1:-}
shift || true
case "$tool" in
  producer) class=org.apache.kafka.tools.ConsoleProducer ;;
  consumer) class=org.apache.kafka.tools.consumer.ConsoleConsumer ;;
  topics) class=org.apache.kafka.tools.TopicCommand ;;
  groups) class=org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
  *) echo "usage: npm run kafka -- producer|consumer|topics|groups [options]" >&2; exit 2 ;;
esac
exec java -cp "$libs/*" "$class" --bootstrap-server "${KAFKA_BROKERS:-127.0.0.1:9092}" "$@"
