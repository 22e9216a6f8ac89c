#!/usr/bin/env bash
# Load test against the real stack on loopback: gunicorn (gthread, several workers), uvicorn
# for websockets, a Celery worker, PostgreSQL and Redis. Starts everything, seeds, runs locust
# headless for a bounded time, samples CPU/memory per process, stops everything, and prints
# the Markdown tables for bench/README.md.
#
#   bench/load/run.sh                      # USERS=200 SPAWN=20 DURATION=3m
#   bench/load/run.sh --full               # 1,000 users, ramp 100 s, 10 minutes (below)
#   bench/load/run.sh --smoke              # CI: 20 users, 45 s, fails on any error
#
# Uses its own database (LOAD_DATABASE_URL, default .../stride_load, created and migrated if
# missing) and Redis (LOAD_REDIS_URL, default REDIS_URL or redis://127.0.0.1:6379/0).
set -Eeuo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BIN=${BIN:-$ROOT/.venv/bin}

if [[ "${1:-}" == "--smoke" ]]; then
  # Long enough for every task to run at least once, the chat and live sockets included.
  USERS=${USERS:-20} SPAWN=${SPAWN:-10} DURATION=${DURATION:-45s} SEED_USERS=${SEED_USERS:-20}
  WEB_WORKERS=${WEB_WORKERS:-2} SOCKET_SECONDS=${SOCKET_SECONDS:-10,20}
elif [[ "${1:-}" == "--full" ]]; then
  # Issue 13's target on a machine of its own (8+ cores): 1,000 members ramped up at 10/s,
  # 10 minutes, 500 seeded people (each signed in twice), 4 locust processes.
  USERS=${USERS:-1000} SPAWN=${SPAWN:-10} DURATION=${DURATION:-10m} SEED_USERS=${SEED_USERS:-500}
  WEB_WORKERS=${WEB_WORKERS:-4} WS_WORKERS=${WS_WORKERS:-2} LOCUST_PROCESSES=${LOCUST_PROCESSES:-4}
fi
USERS=${USERS:-200}
SPAWN=${SPAWN:-20}
DURATION=${DURATION:-3m}
SEED_USERS=${SEED_USERS:-$(( USERS < 500 ? USERS : 500 ))}
WEB_WORKERS=${WEB_WORKERS:-3}
WEB_THREADS=${WEB_THREADS:-8}
WS_WORKERS=${WS_WORKERS:-2}  # each runs the consumers' database calls on one thread
SOCKET_SECONDS=${SOCKET_SECONDS:-30,60}  # how long a member stays in a chat or a live run
LOCUST_PROCESSES=${LOCUST_PROCESSES:-1}
PORT=${LOAD_PORT:-8613}
WS_PORT=${LOAD_WS_PORT:-8614}
OUT=${LOAD_OUT:-$(mktemp -d /tmp/stride-load.XXXXXX)}
mkdir -p "$OUT"

export DJANGO_SETTINGS_MODULE=config.settings.production
export DATABASE_URL=${LOAD_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/stride_load}
# A read replica for the replica-safe reads (apps/core/db_router.py), if there is one.
[[ -n "${LOAD_DATABASE_REPLICA_URL:-}" ]] && export DATABASE_REPLICA_URL=$LOAD_DATABASE_REPLICA_URL
export REDIS_URL=${LOAD_REDIS_URL:-${REDIS_URL:-redis://127.0.0.1:6379/0}}
export CELERY_BROKER_URL=$REDIS_URL
export CACHE_KEY_PREFIX=stride-load  # never read cached rows of another database on this Redis
export DJANGO_SECRET_KEY=load-test-only-$(printf '%040d' 0)
export METRICS_TOKEN=load-test
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export FIELD_ENCRYPTION_KEYS=$("$BIN/python" -c 'import base64,hashlib;print(base64.urlsafe_b64encode(hashlib.sha256(b"load").digest()).decode())')
export PRIVACY_ZONE_SECRET=load-test-privacy-zone-secret-0000000000
export DJANGO_SECURE_SSL_REDIRECT=0
export API_THROTTLE_USER=100000/min API_THROTTLE_ANON=100000/min
export LOG_LEVEL=WARNING EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
export MEDIA_ROOT=$OUT/media
export DEVICES_SANDBOX_ENABLED=1  # seed_demo connects the demo runner to the sandbox provider

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 20); do  # up to 20 s to stop gracefully, then no more waiting
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 1
  done
  for pid in "${pids[@]}"; do
    pkill -KILL -P "$pid" 2>/dev/null || true  # its workers (a stuck one keeps the port)
    kill -KILL "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

db_name=${DATABASE_URL##*/}
admin_url=${DATABASE_URL%/*}/postgres
# (not `psql | grep -q`: grep quitting early can fail psql with SIGPIPE under pipefail)
exists=$(psql "$admin_url" -Atc "select 1 from pg_database where datname='$db_name'")
if [[ "$exists" != 1 ]]; then
  psql "$admin_url" -qc "create database \"$db_name\""
fi
echo "--- migrate, static, seed ($SEED_USERS people) into $db_name; output in $OUT"
"$BIN/python" manage.py migrate --noinput -v0
manifest=staticfiles/staticfiles.json  # compressing every file takes a minute: only when stale
if [[ ! -f $manifest ]] || [[ -n "$(find static -newer "$manifest" -print -quit)" ]]; then
  "$BIN/python" manage.py collectstatic --noinput -v0
fi
"$BIN/python" bench/load/seed_users.py "$SEED_USERS" "$OUT"

for port in "$PORT" "$WS_PORT"; do  # a server left over on a port would be measured instead
  if (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is in use (LOAD_PORT / LOAD_WS_PORT): stop what listens there first" >&2
    exit 2
  fi
done
echo "--- start: gunicorn ($WEB_WORKERS x $WEB_THREADS threads), uvicorn ($WS_WORKERS), celery worker"
# --keep-alive above the longest idle gap of a member's HTTP connection: gunicorn closes idle
# connections after 2 s by default, racing a client that reuses one (ConnectionResetError in
# locust). The gap is the think time, or up to 60 s while the member is in a chat or live-run
# socket (a 1,000-member run with 30 s had one such reset); a load balancer in front sets its
# own idle timeout below this one.
"$BIN/gunicorn" config.wsgi:application --bind "127.0.0.1:$PORT" --worker-class gthread \
  --workers "$WEB_WORKERS" --threads "$WEB_THREADS" --keep-alive 120 --no-control-socket --log-level warning \
  >"$OUT/gunicorn.log" 2>&1 &
pids+=($!); web_pid=$!
DATABASE_POOL_MAX_SIZE=10 "$BIN/uvicorn" config.asgi:application --host 127.0.0.1 --port "$WS_PORT" \
  --workers "$WS_WORKERS" --timeout-graceful-shutdown 5 --log-level warning >"$OUT/uvicorn.log" 2>&1 &
pids+=($!); ws_pid=$!
"$BIN/celery" -A config worker -Q default,sync,notifications,ml --concurrency 2 -l WARNING \
  -n "load-$$@%h" --without-gossip --without-mingle >"$OUT/celery.log" 2>&1 &
pids+=($!); worker_pid=$!

for _ in $(seq 1 60); do
  curl -fsS -H "Host: 127.0.0.1" "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  sleep 1
done
curl -fsS -H "Host: 127.0.0.1" "http://127.0.0.1:$PORT/readyz" >/dev/null
for name in web_pid ws_pid worker_pid; do
  kill -0 "${!name}" 2>/dev/null || { echo "${name%_pid} did not start: see $OUT/*.log" >&2; exit 2; }
done
# Warm every worker up (imports, first connections, template compilation) before measuring.
token=$("$BIN/python" -c "import json,sys;print(json.load(open(sys.argv[1]))[0])" "$OUT/tokens.json")
for _ in $(seq 1 $(( WEB_WORKERS * 3 ))); do
  for path in /dashboard/ /feed/ /api/v1/feed/ /api/v1/activities/ /api/v1/notifications/ /api/v1/progress/; do
    curl -s -o /dev/null -H "X-Session-Token: $token" -b "sessionid=$token" "http://127.0.0.1:$PORT$path" || true
  done
done

postgres_pid=$(psql "$admin_url" -Atc "show data_directory" | xargs -I{} head -1 {}/postmaster.pid 2>/dev/null || true)
redis_pid=$(pgrep -o -x redis-server || true)

echo "--- locust: $USERS users (+$SPAWN/s) for $DURATION, $LOCUST_PROCESSES process(es)"
locust_args=()
((LOCUST_PROCESSES > 1)) && locust_args+=(--processes "$LOCUST_PROCESSES")
# --stop-timeout: a member in the middle of a chat or a live run (up to 60 s) finishes it.
LOAD_OUT=$OUT LOAD_WS_URL="ws://127.0.0.1:$WS_PORT" LOAD_SOCKET_SECONDS=$SOCKET_SECONDS "$BIN/locust" -f bench/load/locustfile.py \
  --headless --host "http://127.0.0.1:$PORT" -u "$USERS" -r "$SPAWN" -t "$DURATION" \
  --stop-timeout 75 "${locust_args[@]}" --csv "$OUT/locust" --only-summary \
  --exit-code-on-error 1 --loglevel WARNING 2>"$OUT/locust.log" &
locust_pid=$!
pids+=("$locust_pid")
# CPU and memory per process (with its children) once a second while locust runs; locust
# itself too, to see whether the load generator had CPU to spare.
roles=(gunicorn="$web_pid" uvicorn="$ws_pid" celery="$worker_pid" locust="$locust_pid")
[[ -n "$postgres_pid" ]] && roles+=(postgres="$postgres_pid")
[[ -n "$redis_pid" ]] && roles+=(redis="$redis_pid")
"$BIN/python" bench/load/sample_processes.py "$OUT/processes.json" "${roles[@]}" &
sampler=$!
set +e
wait "$locust_pid"
status=$?
set -e
kill -TERM "$sampler"; wait "$sampler" || true

echo "--- results ($OUT)"
"$BIN/python" bench/load/report.py "$OUT/locust" "$OUT/processes.json" \
  --users "$USERS" --spawn "$SPAWN" --duration "$DURATION" --seeded "$SEED_USERS" \
  --web "$WEB_WORKERS x $WEB_THREADS" --ws "$WS_WORKERS" --locust "$LOCUST_PROCESSES" \
  | tee "$OUT/report.md"
if ((status != 0)); then
  echo "locust reported errors (exit $status): see $OUT/locust_failures.csv and $OUT/*.log"
  tail -20 "$OUT/gunicorn.log" || true
fi
exit "$status"
