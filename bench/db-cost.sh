#!/usr/bin/env bash
# Measures what the shared PostgreSQL does per published article with N nodes running:
# transactions and rows read, from pg_stat_database before and after a publish burst.
# Usage: bench/db-cost.sh [NODES=3] [ARTICLES=1000]   (needs target/newspush.jar, psql, curl)
set -euo pipefail
cd "$(dirname "$0")/.."
NODES=${1:-3}
ARTICLES=${2:-1000}
JAR=target/newspush.jar
TOKEN=db-cost-publisher-token-0123456789
WORK=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

wait_ready() { for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$1/health/ready" >/dev/null && return 0; sleep 0.5; done; echo "node on $1 not ready" >&2; exit 1; }

# Node 1 runs the embedded PostgreSQL; the others share it.
NEWSPUSH_HTTP_PORT=18081 NEWSPUSH_DATA_DIR="$WORK/n1" NEWSPUSH_PUBLISHER_TOKEN=$TOKEN java -jar $JAR > "$WORK/n1.log" 2>&1 &
pids+=($!)
wait_ready 18081
DB=$(grep -o 'postgresql://[^ ]*' "$WORK/n1.log" | head -1)
for i in $(seq 2 "$NODES"); do
  NEWSPUSH_HTTP_PORT=$((18080 + i)) NEWSPUSH_DB_URL=$DB NEWSPUSH_DATA_DIR="$WORK/n$i" NEWSPUSH_PUBLISHER_TOKEN=$TOKEN java -jar $JAR > "$WORK/n$i.log" 2>&1 &
  pids+=($!)
done
for i in $(seq 2 "$NODES"); do wait_ready $((18080 + i)); done

stats() { psql "$DB" -Atc "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()"; }
# Backends flush their statistics lazily (up to ~10 s when idle), so every window is followed by a settle.
sleep 12
idle_start=$(stats); sleep 30; idle_end=$(stats)
start=$(date +%s.%N); before=$(stats)
for i in $(seq 1 "$ARTICLES"); do
  curl -fs -o /dev/null -X POST "http://127.0.0.1:18081/v1/articles" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' -d "{\"topic\":\"bench/db\",\"title\":\"article $i\"}"
done
sleep 12
after=$(stats); end=$(date +%s.%N)
awk -v b="$before" -v a="$after" -v is="$idle_start" -v ie="$idle_end" -v t0="$start" -v t1="$end" -v n="$ARTICLES" -v nodes="$NODES" 'BEGIN {
  idle = (ie - is) / 30;
  printf "nodes=%d articles=%d, published one at a time to node 1\n", nodes, n;
  printf "idle: %.2f transactions/s (safety polls of all nodes)\n", idle;
  printf "per article: %.2f transactions (idle polling subtracted)\n", ((a - b) - idle * (t1 - t0)) / n;
}'
