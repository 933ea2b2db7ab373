#!/usr/bin/env bash
# Runs the same load against Nchan (nginx + Debian's libnginx-mod-nchan) and newspush on this
# machine, one server at a time, with io.newspush.bench.Bench as the client, and prints one table.
#
#   bench/compare-nchan.sh                 full scenarios (about 20 minutes on 2 cores)
#   SCALE=0.2 bench/compare-nchan.sh       connection counts times 0.2
#   QUICK=1 bench/compare-nchan.sh         SCALE=0.05, a quarter of the articles, 3 s hold, one round (about 2 minutes)
#   bench/compare-nchan.sh --table DIR     the table again, from a run kept with KEEP=1
#
# Scenarios (before SCALE):
#   a  1,000 WS + 1,000 SSE, 200 articles of ~600 bytes at 10/s, in A_ROUNDS rounds (3) that
#      alternate the servers: rows a.1, a.2, ... and a line with each server's median. One
#      round's p99 is the tail of a few articles, and on this machine it moves by several
#      milliseconds from one run of the same server to the next; the medians are what compare.
#   b  9,900 WS + 9,900 SSE, 100 articles at 10/s
#   c  9,900 WS + 9,900 SSE idle for 10 s: memory per connection
# 19,800 connections fit one client process under this machine's 20,000 open-files limit, and
# the server's too; Bench says so plainly if they do not.
#
# Servers are restarted for every scenario so each starts from the same state. Before a scenario
# that publishes, a warm-up load runs against the fresh server (unmeasured, WARMUPS rounds of
# 400 subscribers and 1,500 articles): otherwise the JVM's JIT compiler, busy for the first minute
# or two, is billed to newspush's deliveries (18-30 % of its CPU in the measured window after
# one or two rounds; a server runs for days; the table shows what is left as "JIT"). Code run
# once per article (publish, PostgreSQL, encoding) needs thousands of articles before the JIT
# has compiled it; with 300 per round it was still compiling during the measured run. Each
# measured run then starts with unmeasured articles (Bench --warmup, reported apart) for the
# client's own fresh JVM: 20 in scenario b; 300 (30 s) in scenario a, whose p99 is a target,
# because the client's write path (pongs to WebSocket pings, publishes: a few hundred calls a
# second) reaches its C2 compilation only 20-30 s into a run, and that compilation, in the
# measured window, took a core for a few tenths of a second from whichever server it caught.
# The memory scenario measures a cold server, whose heap has not grown yet. newspush runs with the JVM options the README recommends
# (NEWSPUSH_JAVA_OPTS, default -XX:+UseParallelGC -XX:CompileThresholdScaling=0.1) and logs its GC pauses to the work directory.
# The client runs with BENCH_JAVA_OPTS against both servers: the parallel collector (it uses more
# CPU than either server, on the same two cores, and G1's concurrent refinement threads were
# about a tenth of it) and a 1 GB young generation, touched at start. Bench collects its garbage
# once after the warm-up articles, so a run's allocation (about 20 MB/s in scenario a) fits in the
# young generation and the client does not pause while scenario a's deliveries are timed; its
# collections are logged to the work directory ($name-$target-client-gc.log).
#
# Environment: NCHAN_PORT (8081), NEWSPUSH_PORT (8080), SSE_PING_SECONDS (15) and WS_PING_SECONDS (25)
# for both servers' keep-alives, A_ROUNDS (3; 1 with QUICK=1), JAR (target/newspush.jar; built if
# missing), KEEP=1 keeps the work directory (configs, logs, JSON results, per-article CSVs). Installing nginx needs
# root. Everything started here is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

SCALE=${SCALE:-$([ "${QUICK:-0}" = 1 ] && echo 0.05 || echo 1)}
ARTICLE_SHARE=$([ "${QUICK:-0}" = 1 ] && echo 4 || echo 1)
HOLD=$([ "${QUICK:-0}" = 1 ] && echo 3 || echo 10)
WARMUPS=${WARMUPS:-$([ "${QUICK:-0}" = 1 ] && echo 1 || echo 8)}
A_ROUNDS=${A_ROUNDS:-$([ "${QUICK:-0}" = 1 ] && echo 1 || echo 3)}
# Every scenario publishes articles of this size at this rate (issue 7: ~600 bytes at 10/s).
ARTICLE_BYTES=600
RATE=10
NEWSPUSH_JAVA_OPTS=${NEWSPUSH_JAVA_OPTS:--XX:+UseParallelGC -XX:CompileThresholdScaling=0.1}
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:--XX:+UseParallelGC -Xms2g -Xmn1g -XX:+AlwaysPreTouch}
# newspush's keep-alive defaults (conf/newspush.json), given to both servers: Nchan sends none
# unless told, and a client that answers pings and reads comments from one server only is not
# doing the same work against both.
SSE_PING_SECONDS=${SSE_PING_SECONDS:-15}
WS_PING_SECONDS=${WS_PING_SECONDS:-25}
NCHAN_PORT=${NCHAN_PORT:-8081}
NEWSPUSH_PORT=${NEWSPUSH_PORT:-8080}
TOKEN="bench-publisher-token-$RANDOM$RANDOM"
NCHAN_MODULE=/usr/share/nginx/modules/ngx_nchan_module.so

print_table() {
  echo "| scenario | server | subscribed | deliveries/s | p50 ms | p99 ms | server CPU µs/delivery (of it JIT compiler) | server bytes/idle conn | lost/dup/ooo | client CPU % (of it JIT compiler) | bytes/message | load 1m |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|"
  # a, a.1, a.2, ... sort before b and c; older runs' labels (a2) print as they were.
  for name in $(find "$1" -maxdepth 1 -name '*.json' -printf '%f\n' | sed -E 's/-(nchan|newspush)\.json$//' | sort -uV); do
    for target in nchan newspush; do
      file="$1/$name-$target.json"
      [ -f "$file" ] || continue
      # Memory per connection only from the cold servers of the idle scenario: after a warm-up the
      # JVM's heap has room to spare and the connections hardly show in its RSS.
      jq -r --arg name "$name" --arg load "$(cat "$1/$name-$target.load")" '
        def r(d): if . < 0 then "-" else (. * d | round / d | tostring) end;
        def load(f): if .articles == 0 then "-" else f end;
        "| \($name) | \(.target) | \(.subscribed) of \(.ws + .sse)"
        + (if .open_files_limit_hit then " (open-files limit)" else "" end)
        + " | " + load(.deliveries_per_second | r(1))
        + " | " + load(.latency_ms.p50 | r(10))
        + " | " + load(.latency_ms.p99 | r(10))
        + " | " + load((.server_cpu_us_per_delivery | r(10))
            + (if (.server_jit_cpu_us_per_delivery // 0) > 0 then " (JIT \(.server_jit_cpu_us_per_delivery | r(10)))" else "" end))
        + " | " + (if .articles == 0 then (.server_rss_bytes_per_connection | tostring) else "-" end)
        + " | " + load("\(.lost)/\(.duplicated)/\(.out_of_order)")
        + " | " + load((.client_cpu_percent | r(1))
            + (if (.client_jit_cpu_percent // 0) > 0 then " (JIT \(.client_jit_cpu_percent | r(10)))" else "" end))
        + " | " + load(.message_bytes // -1 | r(1))
        + " | \($load) |"' "$file"
    done
  done
  print_medians "$1"
}

# Each server's median over the rounds of scenario a (the middle value; the upper middle of an
# even count), with every round's value after it.
print_medians() {
  local rounds
  rounds=$(find "$1" -maxdepth 1 -name 'a.*-nchan.json' | wc -l)
  [ "$rounds" -gt 1 ] || return 0
  echo
  echo "Scenario a over $rounds rounds, each server's median (every round in order):"
  for target in nchan newspush; do
    jq -rs --arg target "$target" '
      def r: . * 10 | round / 10;
      def median: sort | .[length / 2 | floor] | r;
      def each(f): map(f | r | tostring) | join(", ");
      "- \($target): p99 \(map(.latency_ms.p99) | median) ms (\(each(.latency_ms.p99))); "
      + "p50 \(map(.latency_ms.p50) | median) ms; "
      + "server CPU \(map(.server_cpu_us_per_delivery) | median) µs/delivery (\(each(.server_cpu_us_per_delivery)))"' \
      $(find "$1" -maxdepth 1 -name "a.*-$target.json" | sort -V)
  done
}

if [ "${1:-}" = --table ]; then
  print_table "$2"
  exit 0
fi

work=$(mktemp -d /tmp/newspush-compare-XXXXXX)
server_pid=""

stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"
    for _ in $(seq 60); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}

cleanup() {
  stop_server
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

if ! command -v nginx >/dev/null || [ ! -f "$NCHAN_MODULE" ]; then
  echo "installing nginx and libnginx-mod-nchan"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx libnginx-mod-nchan
fi
if [ -z "${JAR:-}" ]; then
  JAR=target/newspush.jar
  [ -f "$JAR" ] || mvn -q -B package -DskipTests
fi
# A private copy: a rebuild of target/ during the run must not pull the jar from under the server.
cp "$JAR" "$work/newspush.jar"

for port in "$NCHAN_PORT" "$NEWSPUSH_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is in use; set NCHAN_PORT / NEWSPUSH_PORT" >&2
    exit 1
  fi
done

mkdir -p "$work/nginx/temp"
cat >"$work/nginx/nginx.conf" <<EOF
load_module $NCHAN_MODULE;
user root;
worker_processes auto;                  # one worker per core
worker_rlimit_nofile 20000;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 20000; }
http {
  access_log off;
  client_body_temp_path $work/nginx/temp/body;
  proxy_temp_path $work/nginx/temp/proxy;
  fastcgi_temp_path $work/nginx/temp/fastcgi;
  uwsgi_temp_path $work/nginx/temp/uwsgi;
  scgi_temp_path $work/nginx/temp/scgi;
  nchan_message_buffer_length 1000;     # like newspush's resumable backlog, though in memory only
  nchan_message_timeout 1h;
  server {
    listen 127.0.0.1:$NCHAN_PORT backlog=4096;
    location ~ ^/pub/(.+)\$ { nchan_publisher; nchan_channel_id \$1; }
    location ~ ^/sub/(.+)\$ {
      nchan_subscriber websocket eventsource; nchan_channel_id \$1;
      # The keep-alives newspush sends: a ": ping" comment on every SSE stream, a ping frame on
      # every WebSocket, each on its own subscriber's schedule.
      nchan_eventsource_ping_interval $SSE_PING_SECONDS; nchan_eventsource_ping_comment ping; nchan_eventsource_ping_event "";
      nchan_websocket_ping_interval $WS_PING_SECONDS;
    }
  }
}
EOF

start_nchan() {
  nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
  server_pid=$!
  for _ in $(seq 50); do
    workers=$(pgrep -d, -P "$server_pid" || true)
    [ -n "$workers" ] && (exec 3<>"/dev/tcp/127.0.0.1/$NCHAN_PORT") 2>/dev/null && break
    sleep 0.2
  done
  [ -n "$workers" ] || { echo "nginx did not start; see $work/nginx/error.log" >&2; exit 1; }
  # The master and every worker: the workers hold the connections and do the work.
  pids="$server_pid,$workers"
  url="http://127.0.0.1:$NCHAN_PORT"
}

start_newspush() {
  NEWSPUSH_HTTP_HOST=127.0.0.1 NEWSPUSH_HTTP_PORT=$NEWSPUSH_PORT NEWSPUSH_PUBLISHER_TOKEN=$TOKEN \
    NEWSPUSH_SSE_PING_SECONDS=$SSE_PING_SECONDS NEWSPUSH_WS_PING_SECONDS=$WS_PING_SECONDS \
    NEWSPUSH_DATA_DIR="$work/newspush-data" java $NEWSPUSH_JAVA_OPTS -Xlog:gc:file="$work/$name-newspush-gc.log" \
    -jar "$work/newspush.jar" >>"$work/newspush.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 240); do
    curl -sf "http://127.0.0.1:$NEWSPUSH_PORT/health/ready" >/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { echo "newspush exited; see $work/newspush.log" >&2; exit 1; }
    sleep 0.5
  done
  # The JVM only: the embedded PostgreSQL's work is per article, not per delivery.
  pids="$server_pid"
  url="http://127.0.0.1:$NEWSPUSH_PORT"
}

scaled() { awk -v n="$1" -v s="$SCALE" 'BEGIN { v = int(n * s + 0.5); print (v < 1 ? 1 : v) }'; }

# name ws sse articles hold warmup-articles rounds
scenarios=(
  "a $(scaled 1000) $(scaled 1000) $((200 / ARTICLE_SHARE)) 0 $((300 / ARTICLE_SHARE)) $A_ROUNDS"
  "b $(scaled 9900) $(scaled 9900) $((100 / ARTICLE_SHARE)) 0 20 1"
  "c $(scaled 9900) $(scaled 9900) 0 $HOLD 0 1"
)

echo "work directory $work; SCALE=$SCALE; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
runs=()
for scenario in "${scenarios[@]}"; do
  read -r name ws sse articles hold warmup rounds <<<"$scenario"
  for round in $(seq "$rounds"); do
    label=$name
    [ "$rounds" -eq 1 ] || label="$name.$round"
    runs+=("$label $ws $sse $articles $hold $warmup")
  done
done

for run in "${runs[@]}"; do
  read -r name ws sse articles hold warmup <<<"$run"
  for target in nchan newspush; do
    "start_$target"
    traffic="$articles articles of $ARTICLE_BYTES bytes at $RATE/s"
    [ "$articles" -gt 0 ] || traffic="no articles"
    echo "== scenario $name: $target, $ws WS + $sse SSE, $traffic, hold ${hold}s"
    if [ "$articles" -gt 0 ]; then
      for round in $(seq "$WARMUPS"); do
        java $BENCH_JAVA_OPTS -cp "$work/newspush.jar" io.newspush.bench.Bench --target "$target" --url "$url" --token "$TOKEN" \
          --ws 200 --sse 200 --articles 1500 --rate 300 --drain 5 >"$work/$name-$target.warmup$round" 2>&1 \
          || echo "(warm-up not clean: $work/$name-$target.warmup$round)"
      done
    fi
    cut -d' ' -f1 /proc/loadavg >"$work/$name-$target.load"
    java $BENCH_JAVA_OPTS -Xlog:gc:file="$work/$name-$target-client-gc.log" -cp "$work/newspush.jar" \
      io.newspush.bench.Bench --target "$target" --url "$url" --token "$TOKEN" \
      --ws "$ws" --sse "$sse" --articles "$articles" --rate "$RATE" --size "$ARTICLE_BYTES" --hold "$hold" --warmup "$warmup" \
      --server-pid "$pids" --json "$work/$name-$target.json" --articles-csv "$work/$name-$target-articles.csv" \
      || echo "(bench exit code $?: see above)"
    stop_server
  done
done

echo
print_table "$work"
