#!/usr/bin/env bash
# The deployment topology of docker/compose.yaml as processes on this machine:
#
#   PostgreSQL 15 (its own cluster: initdb + pg_ctl in a temporary folder, on a free port)
#   server-1, server-2   node dist/cli/main.js serve   (TRAIN_IN_SERVER=false)
#   worker-1, worker-2   node dist/cli/main.js worker  (the pg-boss queue in that PostgreSQL)
#   HAProxy              docker/haproxy.cfg, in front of the two servers
#
# all four node processes on one DATA_DIR (the cube's shard files): with a
# PostgreSQL DATABASE_URL there is no data-folder lock (that is for the
# embedded PGlite only), shards are immutable files under unique names whose
# rows are committed under a lock, ingest jobs are claimed with FOR UPDATE
# SKIP LOCKED and each batch resolves again under a lock (README, "The cube is
# sharded"). server-1 starts first and alone: it applies the migrations and
# loads the demo; the others start once it is ready.
#
#   scripts/cluster-local.sh               # until Ctrl-C; prints the proxy's URL
#
# Settings (environment):
#   PROXY_PORT        proxy port (default: a free one)
#   DEMO_COUNT        demo galaxies server-1 loads into the empty catalogue (default 2000)
#   API_TOKEN         the bearer token of both servers (default: generated, printed; must be shared)
#   TRAINING_STALE_S  heartbeat window of the workers' runs (default 60)
#   TRAINING_THREADS  threads per worker's run (default 1: two workers on a small machine)
#   CLUSTER_DIR       folder for everything (default: a new /tmp/skycube-cluster-*, removed at exit)
#   CLUSTER_PG_DATA   PostgreSQL's data folder (default CLUSTER_DIR/pg; e.g. on a small tmpfs)
#   CLUSTER_PG_WAL    PostgreSQL's WAL folder, when it should be elsewhere (initdb --waldir)
#   CLUSTER_KEEP=1    keep CLUSTER_DIR at exit
#   CLUSTER_NO_BUILD=1  do not run scripts/build-if-stale.mjs first
#   CLUSTER_WATCH_PID stop when this process is gone (tests and benches: the cluster never outlives them)
#
# When everything answers it writes CLUSTER_DIR/cluster.json (URLs, pids,
# the PostgreSQL URL, data folder and pg_ctl, the token) and prints
# "cluster ready: <proxy URL> (state in …/cluster.json)". Logs: CLUSTER_DIR/logs/.
# On exit (Ctrl-C, SIGTERM, CLUSTER_WATCH_PID gone, a start that failed) it
# stops the proxy, drains the servers and workers (SIGTERM, then SIGKILL
# after 15 s) and stops PostgreSQL (pg_ctl -m fast). It never touches any
# other PostgreSQL (the machine's on 5432 included).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
for tool in node haproxy curl "$PG_BIN/initdb" "$PG_BIN/pg_ctl"; do
  command -v "$tool" >/dev/null || { echo "cluster-local: $tool not found (Debian: apt-get install haproxy postgresql-15 curl)" >&2; exit 3; }
done

OWN_DIR=0
if [ -z "${CLUSTER_DIR:-}" ]; then
  CLUSTER_DIR="$(mktemp -d /tmp/skycube-cluster-XXXXXX)"
  OWN_DIR=1
fi
mkdir -p "$CLUSTER_DIR/logs" "$CLUSTER_DIR/data"
chmod 755 "$CLUSTER_DIR"
PG_DATA="${CLUSTER_PG_DATA:-$CLUSTER_DIR/pg}"
LOGS="$CLUSTER_DIR/logs"
DATA_DIR="$CLUSTER_DIR/data"
STATE="$CLUSTER_DIR/cluster.json"

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
# PostgreSQL refuses to run as root: as root, its programs run as the postgres user.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

PIDS=()        # node processes and the proxy, stopped in reverse order
PG_STARTED=0
STOPPING=0
cleanup() {
  [ "$STOPPING" = 1 ] && return
  STOPPING=1
  trap - INT TERM EXIT
  echo "cluster-local: stopping" >&2
  local pid
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill -TERM "${PIDS[i]}" 2>/dev/null || true; done
  for _ in $(seq 1 150); do
    local alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  if [ "$PG_STARTED" = 1 ]; then as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true; fi
  if [ "$OWN_DIR" = 1 ] && [ "${CLUSTER_KEEP:-0}" != 1 ]; then rm -rf "$CLUSTER_DIR"; fi
}
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap 'cleanup' EXIT

# Waits until `curl URL` succeeds (or the process $2 has exited).
wait_http() {
  local url="$1" pid="$2" what="$3"
  for _ in $(seq 1 1200); do
    curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { echo "cluster-local: $what exited while starting; its log:" >&2; tail -n 20 "$LOGS/$what.log" >&2; return 1; }
    sleep 0.25
  done
  echo "cluster-local: $what did not answer $url within 5 minutes" >&2
  return 1
}
wait_log() {
  local pattern="$1" pid="$2" what="$3"
  for _ in $(seq 1 1200); do
    grep -q "$pattern" "$LOGS/$what.log" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { echo "cluster-local: $what exited while starting; its log:" >&2; tail -n 20 "$LOGS/$what.log" >&2; return 1; }
    sleep 0.25
  done
  echo "cluster-local: $what did not start within 5 minutes" >&2
  return 1
}

[ "${CLUSTER_NO_BUILD:-0}" = 1 ] || (cd "$ROOT" && node scripts/build-if-stale.mjs)

# 1. PostgreSQL: a new cluster of our own, trust auth, loopback only.
PG_PORT="$(free_port)"
mkdir -p "$PG_DATA"
[ "$(id -u)" = 0 ] && chown postgres "$PG_DATA"
chmod 700 "$PG_DATA"
WAL_ARGS=()
if [ -n "${CLUSTER_PG_WAL:-}" ]; then
  mkdir -p "$CLUSTER_PG_WAL"
  [ "$(id -u)" = 0 ] && chown postgres "$CLUSTER_PG_WAL"
  chmod 700 "$CLUSTER_PG_WAL"
  WAL_ARGS=(--waldir "$CLUSTER_PG_WAL")
fi
touch "$LOGS/postgres.log"
[ "$(id -u)" = 0 ] && chown postgres "$LOGS/postgres.log"
as_pg "$PG_BIN/initdb" -D "$PG_DATA" "${WAL_ARGS[@]}" -U postgres --auth=trust -E UTF8 --no-sync >"$LOGS/initdb.log" 2>&1 ||
  { echo "cluster-local: initdb failed:" >&2; tail -n 20 "$LOGS/initdb.log" >&2; exit 1; }
cat >>"$PG_DATA/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_DATA'
max_connections = 200
EOF
as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$LOGS/postgres.log" -w start >/dev/null
PG_STARTED=1
PG_PID="$(head -n 1 "$PG_DATA/postmaster.pid")"
as_pg "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -q -c "CREATE DATABASE skycube" postgres
DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/skycube"

if [ -z "${API_TOKEN:-}" ]; then
  API_TOKEN="$(node -e 'console.log(require("crypto").randomBytes(24).toString("base64url"))')"
  echo "cluster-local: API_TOKEN is not set: mutations need \"Authorization: Bearer $API_TOKEN\" (generated for this run; both servers share it)" >&2
fi

# The environment every node process gets (docker/compose.yaml sets the same).
export DATABASE_URL DATA_DIR API_TOKEN
export HOST=127.0.0.1 TRAIN_IN_SERVER=false TRAINING_QUEUE=pg-boss
export TRAINING_STALE_S="${TRAINING_STALE_S:-60}" TRAINING_THREADS="${TRAINING_THREADS:-1}"
export NODE_ENV="${NODE_ENV:-production}"
DEMO="${DEMO_COUNT:-2000}"

start_node() { # name, then env assignments, then the command's arguments after --
  local name="$1"; shift
  local envs=()
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done
  shift
  (cd "$ROOT" && exec env "${envs[@]}" node dist/cli/main.js "$@") >"$LOGS/$name.log" 2>&1 &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
}

# 2. server-1 alone: migrations and the demo.
S1_PORT="$(free_port)"
start_node server-1 PORT="$S1_PORT" DEMO_COUNT="$DEMO" -- serve
S1_PID=$LAST_PID
wait_http "http://127.0.0.1:$S1_PORT/readyz" "$S1_PID" server-1

# 3. server-2 and the two workers.
S2_PORT="$(free_port)"
start_node server-2 PORT="$S2_PORT" DEMO_COUNT=0 -- serve
S2_PID=$LAST_PID
start_node worker-1 -- worker
W1_PID=$LAST_PID
start_node worker-2 -- worker
W2_PID=$LAST_PID
wait_http "http://127.0.0.1:$S2_PORT/readyz" "$S2_PID" server-2
wait_log "waiting for training runs" "$W1_PID" worker-1
wait_log "waiting for training runs" "$W2_PID" worker-2

# 4. The proxy.
PROXY_PORT="${PROXY_PORT:-$(free_port)}"
SKYCUBE_PROXY_BIND="127.0.0.1:$PROXY_PORT" SKYCUBE_SERVER_1="127.0.0.1:$S1_PORT" SKYCUBE_SERVER_2="127.0.0.1:$S2_PORT" \
  haproxy -db -f "$ROOT/docker/haproxy.cfg" >"$LOGS/proxy.log" 2>&1 &
PROXY_PID=$!
PIDS+=("$PROXY_PID")
wait_http "http://127.0.0.1:$PROXY_PORT/readyz" "$PROXY_PID" proxy

PROXY="http://127.0.0.1:$PROXY_PORT"
cat >"$STATE.tmp" <<EOF
{
  "proxy": "$PROXY",
  "servers": [{ "name": "server-1", "url": "http://127.0.0.1:$S1_PORT", "pid": $S1_PID }, { "name": "server-2", "url": "http://127.0.0.1:$S2_PORT", "pid": $S2_PID }],
  "workers": [{ "name": "worker-1", "pid": $W1_PID }, { "name": "worker-2", "pid": $W2_PID }],
  "proxyPid": $PROXY_PID,
  "postgres": { "url": "$DATABASE_URL", "port": $PG_PORT, "pid": $PG_PID, "data": "$PG_DATA", "pgCtl": "$PG_BIN/pg_ctl", "log": "$LOGS/postgres.log" },
  "dataDir": "$DATA_DIR",
  "logs": "$LOGS",
  "token": "$API_TOKEN",
  "scriptPid": $$
}
EOF
mv "$STATE.tmp" "$STATE"
echo "cluster ready: $PROXY (state in $STATE)"

# 5. Until Ctrl-C / SIGTERM, or the watched process is gone. A server or
# worker that dies is not restarted (the fault tests kill them on purpose).
while :; do
  sleep 1 &
  wait $! || true
  if [ -n "${CLUSTER_WATCH_PID:-}" ] && ! kill -0 "$CLUSTER_WATCH_PID" 2>/dev/null; then
    echo "cluster-local: process $CLUSTER_WATCH_PID is gone" >&2
    break
  fi
done
