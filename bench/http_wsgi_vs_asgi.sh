#!/usr/bin/env bash
# HTTP throughput of the same Django code under gunicorn gthread (WSGI, config.wsgi) and
# uvicorn workers (ASGI, config.asgi), measured with wrk on 127.0.0.1. See bench/README.md.
#
#   bench/http_wsgi_vs_asgi.sh                     # 2 servers x 2 endpoints x 2 runs of 15 s
#   BENCH_EXTRAS=1 bench/http_wsgi_vs_asgi.sh      # + the one-query view with gthread without
#                                                  #   persistent connections and with uvicorn on
#                                                  #   CONN_MAX_AGE=60 (what the settings give it)
#   DURATION=3 RUNS=1 bench/http_wsgi_vs_asgi.sh   # a quick look (KEEP_LOGS=1 keeps the logs)
#
# What it does: creates a PostgreSQL role and database for the bench (the role has a
# connection limit, so a misbehaving server cannot take every connection of a shared
# PostgreSQL), migrates and seeds it, starts each server on 127.0.0.1 with 2 workers and
# bench.settings (production settings + bench URLs), warms it up, runs wrk for a bounded
# time against a plain Django view with one query and a DRF list of 20 rows, alternating the
# servers, and prints a table. The servers are stopped on exit (trap), and each also runs
# under `timeout`, so none outlives the script even if the script is killed with SIGKILL.
# Needs wrk (apt-get install -y wrk), curl, PostgreSQL 14+ and Redis.
set -euo pipefail

cd "$(dirname "$0")/.."
BIN=.venv/bin
HOST=127.0.0.1 # never anything else: this is a load generator

DURATION=${DURATION:-15}            # seconds per wrk measurement (at most 120)
RUNS=${RUNS:-2}                     # every measurement is repeated: the machine is shared
WARMUP=${WARMUP:-3}                 # seconds of unmeasured load per server and endpoint
WRK_THREADS=${WRK_THREADS:-2}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-32}
WORKERS=${WORKERS:-2}               # processes per server
GTHREAD_THREADS=${GTHREAD_THREADS:-4}
BENCH_EXTRAS=${BENCH_EXTRAS:-0}
# Created if missing, through the admin connection (a superuser, trust auth on 127.0.0.1).
BENCH_ADMIN_URL=${BENCH_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
BENCH_DB_ROLE=${BENCH_DB_ROLE:-stride_bench}
BENCH_DB_NAME=${BENCH_DB_NAME:-stride_bench}
BENCH_DB_CONNECTION_LIMIT=${BENCH_DB_CONNECTION_LIMIT:-40}
BENCH_REDIS_URL=${BENCH_REDIS_URL:-redis://127.0.0.1:6379/15}

die() {
    echo "http_wsgi_vs_asgi: $*" >&2
    exit 1
}

# --- Preconditions ------------------------------------------------------------------------
command -v wrk >/dev/null ||
    die "wrk is not installed. Install it (Debian/Ubuntu: sudo apt-get install -y wrk) and run again."
command -v curl >/dev/null || die "curl is not installed (Debian/Ubuntu: apt-get install -y curl)."
for tool in python gunicorn uvicorn; do
    [[ -x $BIN/$tool ]] || die "$BIN/$tool is missing: run 'make install' first."
done
for n in DURATION RUNS WARMUP WRK_THREADS WRK_CONNECTIONS WORKERS GTHREAD_THREADS \
    BENCH_DB_CONNECTION_LIMIT; do
    [[ ${!n} =~ ^[0-9]+$ && ${!n} -gt 0 ]] || die "$n must be a positive integer (got '${!n}')."
done
((DURATION <= 120)) || die "DURATION is capped at 120 s per measurement."
[[ $BENCH_DB_ROLE =~ ^[a-z_][a-z0-9_]*$ && $BENCH_DB_NAME =~ ^[a-z_][a-z0-9_]*$ ]] ||
    die "BENCH_DB_ROLE and BENCH_DB_NAME must be plain lower-case identifiers."

port_in_use() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# --- Environment: production settings with throwaway secrets -------------------------------
admin_host=${BENCH_ADMIN_URL#*@}
admin_host=${admin_host%%/*}
export DJANGO_SETTINGS_MODULE=bench.settings
export DATABASE_URL="postgres://$BENCH_DB_ROLE@$admin_host/$BENCH_DB_NAME"
export REDIS_URL=$BENCH_REDIS_URL
export CELERY_BROKER_URL=$BENCH_REDIS_URL
DJANGO_SECRET_KEY=$($BIN/python -c 'import secrets; print(secrets.token_urlsafe(50))')
export DJANGO_SECRET_KEY
export METRICS_TOKEN=bench-only
export FIELD_ENCRYPTION_KEYS=YmVuY2gtb25seS1ub3QtYS1rZXktMDEyMzQ1Njc4OTA=
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DJANGO_SECURE_SSL_REDIRECT=0
export LOG_FORMAT=json LOG_LEVEL=WARNING
export PYTHONWARNINGS=ignore # whitenoise warns in every worker that staticfiles/ is absent
unset DATABASE_CONN_MAX_AGE BENCH_DB_POOL SENTRY_DSN

LOGDIR=$(mktemp -d -t stride-bench-http.XXXXXX)
SERVER_PIDS=()

stop_servers() {
    local pid i
    for pid in "${SERVER_PIDS[@]}"; do
        # Each server runs in the process group of its `timeout`: stop the whole group.
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${SERVER_PIDS[@]}"; do
        for i in $(seq 50); do
            kill -0 -- "-$pid" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL -- "-$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    SERVER_PIDS=()
}

cleanup() {
    local status=$?
    stop_servers
    if ((status != 0)) || [[ ${KEEP_LOGS:-0} == 1 ]]; then
        echo "http_wsgi_vs_asgi: server logs and wrk outputs are in $LOGDIR" >&2
    else
        rm -rf "$LOGDIR"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- Database -----------------------------------------------------------------------------
echo "== database $DATABASE_URL (role connection limit $BENCH_DB_CONNECTION_LIMIT)"
$BIN/python - "$BENCH_ADMIN_URL" "$BENCH_DB_ROLE" "$BENCH_DB_NAME" "$BENCH_DB_CONNECTION_LIMIT" <<'PY'
import sys

import psycopg
from psycopg import sql

admin_url, role, name, limit = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
with psycopg.connect(admin_url, autocommit=True) as conn:
    ident = sql.Identifier(role)
    if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone():
        conn.execute(sql.SQL("ALTER ROLE {} CONNECTION LIMIT {}").format(ident, limit))
    else:
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER CONNECTION LIMIT {}").format(ident, limit)
        )
    owner = conn.execute(
        "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s", [name]
    ).fetchone()
    if owner is None:
        conn.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(name), ident)
        )
        print(f"created database {name} owned by {role}")
    elif owner[0] != role:
        sys.exit(f"database {name} exists but belongs to {owner[0]}, not {role}: drop it first")
PY
$BIN/python manage.py migrate --noinput -v0
$BIN/python -m bench.seed

db_sessions() { # sessions ever opened on the bench database (PostgreSQL 14+), or "-"
    $BIN/python - "$BENCH_ADMIN_URL" "$BENCH_DB_NAME" <<'PY' 2>/dev/null || echo -
import sys

import psycopg

with psycopg.connect(sys.argv[1]) as conn:
    row = conn.execute(
        "SELECT sessions FROM pg_stat_database WHERE datname = %s", [sys.argv[2]]
    ).fetchone()
print(row[0])
PY
}

# --- Servers ------------------------------------------------------------------------------
# name -> "port|server|environment|label"
declare -A VARIANT=(
    [gthread]="8101|gunicorn||gunicorn gthread (WSGI)"
    [uvicorn]="8102|uvicorn|BENCH_DB_POOL=1|uvicorn (ASGI), db pool"
    [gthread-no-persist]="8103|gunicorn|DATABASE_CONN_MAX_AGE=0|gthread, CONN_MAX_AGE=0"
    [uvicorn-persist]="8104|uvicorn||uvicorn, CONN_MAX_AGE=60"
)
variant() { # name field(1 port, 2 server, 3 environment, 4 label)
    awk -F'|' -v i="$2" '{print $i}' <<<"${VARIANT[$1]}"
}

start_server() { # name
    local name=$1 port server envs pid i ttl cmd
    port=$(variant "$name" 1)
    server=$(variant "$name" 2)
    read -r -a envs <<<"$(variant "$name" 3)"
    ! port_in_use "$port" || die "port $port is already in use; free it first."
    if [[ $server == gunicorn ]]; then
        cmd=("$BIN/gunicorn" config.wsgi:application --bind "$HOST:$port" --workers "$WORKERS"
            --worker-class gthread --threads "$GTHREAD_THREADS" --log-level warning
            --no-control-socket)
    else
        cmd=("$BIN/uvicorn" config.asgi:application --host "$HOST" --port "$port"
            --workers "$WORKERS" --lifespan off --no-access-log --log-level warning)
    fi
    # The longest a server may live: its share of the measurements plus a margin. `timeout`
    # puts it in a process group of its own and ends that group after this, whatever happens.
    ttl=$((2 * (RUNS * (DURATION + 10) + WARMUP + 10) * 2 + 120))
    timeout -k 5 "$ttl" env "${envs[@]}" "${cmd[@]}" </dev/null >"$LOGDIR/$name.log" 2>&1 &
    pid=$!
    SERVER_PIDS+=("$pid")
    for i in $(seq 150); do
        curl -fsS -o /dev/null "http://$HOST:$port/healthz" 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || {
            tail -n 30 "$LOGDIR/$name.log" >&2
            die "$name exited during start."
        }
        sleep 0.2
    done
    tail -n 30 "$LOGDIR/$name.log" >&2
    die "$name did not answer /healthz on port $port within 30 s."
}

check_endpoints() { # name: both bench endpoints answer 200 with the expected shape
    local port
    port=$(variant "$1" 1)
    curl -fsS "http://$HOST:$port/bench/one-query/" | $BIN/python -c \
        'import json, sys; assert json.load(sys.stdin)["event"]["name"] == "bench.seed"' ||
        die "GET /bench/one-query/ on $1 is not the expected JSON."
    curl -fsS "http://$HOST:$port/bench/events/" | $BIN/python -c \
        'import json, sys; assert len(json.load(sys.stdin)) == 20' ||
        die "GET /bench/events/ on $1 did not return 20 rows."
}

# --- Measuring ----------------------------------------------------------------------------
declare -A RESULT # "name|endpoint|run" -> "req/s p50ms p99ms errors conns_per_1k"
declare -A PATHS=([one-query]=/bench/one-query/ [events]=/bench/events/)
declare -A ENDPOINT_LABEL=([one-query]="one-query view" [events]="DRF list of 20")
MEASURED=() # "name|endpoint", in order

to_ms() { # a wrk duration (850.00us, 18.51ms, 1.02s, 2.00m) in milliseconds
    awk -v d="$1" 'BEGIN {
        if (d ~ /us$/) printf "%.2f", d / 1000; else if (d ~ /ms$/) printf "%.1f", d + 0;
        else if (d ~ /m$/) printf "%.0f", d * 60000; else if (d ~ /s$/) printf "%.0f", d * 1000;
        else print "-" }'
}

wrk_run() { # seconds url
    timeout $(($1 + 30)) wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$1s" --latency "$2"
}

measure() { # name endpoint run
    local name=$1 endpoint=$2 run=$3 port out before after requests rps p50 p99 bad conns
    port=$(variant "$name" 1)
    before=$(db_sessions)
    out=$(wrk_run "$DURATION" "http://$HOST:$port${PATHS[$endpoint]}")
    sleep 1 # let PostgreSQL publish the session counters of backends that just ended
    after=$(db_sessions)
    echo "$out" >"$LOGDIR/wrk-$name-$endpoint-$run.txt"
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out")
    p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
    p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
    bad=$(awk '/Non-2xx or 3xx responses:/ {n += $NF}
        /Socket errors:/ {gsub(",", ""); n += $4 + $6 + $8 + $10} END {print n + 0}' <<<"$out")
    conns=-
    if [[ $before =~ ^[0-9]+$ && $after =~ ^[0-9]+$ && ${requests:-0} -gt 0 ]]; then
        conns=$(awk -v d=$((after - before)) -v r="$requests" \
            'BEGIN {printf "%.1f", (d < 0 ? 0 : d) * 1000 / r}')
    fi
    RESULT["$name|$endpoint|$run"]="${rps:-0} ${p50:--} ${p99:--} $bad $conns"
    printf '   %-20s %-10s run %d: %6s req/s  p50 %7s ms  p99 %7s ms  errors %-6s DB conns/1k req %s\n' \
        "$name" "$endpoint" "$run" "${rps:-0}" "$p50" "$p99" "$bad" "$conns"
}

run_set() { # "name..." endpoint...: start the servers, warm up, measure them in turn, stop
    local names run endpoint name order=()
    read -r -a names <<<"$1"
    shift
    for name in "${names[@]}"; do start_server "$name"; done
    for name in "${names[@]}"; do check_endpoints "$name"; done
    for endpoint in "$@"; do
        for name in "${names[@]}"; do
            wrk_run "$WARMUP" "http://$HOST:$(variant "$name" 1)${PATHS[$endpoint]}" >/dev/null
            MEASURED+=("$name|$endpoint")
        done
    done
    for run in $(seq "$RUNS"); do
        # Reverse the order on even runs: drift on a shared machine then hits every server.
        if ((run % 2)); then order=("${names[@]}"); else
            order=()
            for name in "${names[@]}"; do order=("$name" "${order[@]}"); done
        fi
        for endpoint in "$@"; do
            for name in "${order[@]}"; do measure "$name" "$endpoint" "$run"; done
        done
    done
    stop_servers
}

echo "== wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d${DURATION}s x $RUNS runs, after ${WARMUP}s" \
    "of warm-up; $WORKERS workers per server, gthread threads $GTHREAD_THREADS; $(nproc) CPUs;" \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)"
run_set "gthread uvicorn" one-query events
if [[ $BENCH_EXTRAS == 1 ]]; then
    echo "== extras, one server at a time: the one-query view on gthread with CONN_MAX_AGE=0," \
        "then on uvicorn with CONN_MAX_AGE=60 and no pool (its connections leak until the role's" \
        "connection limit: it runs last, alone)"
    run_set gthread-no-persist one-query
    run_set uvicorn-persist one-query
fi

# --- Table --------------------------------------------------------------------------------
field() { awk -v i="$2" '{print $i}' <<<"${RESULT[$1]}"; }
per_run() { # "name|endpoint" field: the runs' values joined with "/"
    local run out=()
    for run in $(seq "$RUNS"); do out+=("$(field "$1|$run" "$2")"); done
    local IFS=/
    echo "${out[*]}"
}
mean_rps() {
    local run sum=0
    for run in $(seq "$RUNS"); do sum=$((sum + $(field "$1|$run" 1))); done
    echo $((sum / RUNS))
}

row() { printf '%-28s %-15s %-12s %-6s %-14s %-14s %-8s %s\n' "$@"; }
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs: wrk -t$WRK_THREADS -c$WRK_CONNECTIONS" \
    "-d${DURATION}s, $WORKERS workers per server; per-run values as run1/run2/..."
row server endpoint "req/s" mean "p50 ms" "p99 ms" errors "DB conns/1k req"
for key in "${MEASURED[@]}"; do
    row "$(variant "${key%%|*}" 4)" "${ENDPOINT_LABEL[${key#*|}]}" "$(per_run "$key" 1)" \
        "$(mean_rps "$key")" "$(per_run "$key" 2)" "$(per_run "$key" 3)" "$(per_run "$key" 4)" \
        "$(per_run "$key" 5)"
done
echo
for endpoint in one-query events; do
    awk -v w="$(mean_rps "gthread|$endpoint")" -v a="$(mean_rps "uvicorn|$endpoint")" \
        -v e="${ENDPOINT_LABEL[$endpoint]}" \
        'BEGIN {if (a > 0) printf "%s: gthread %d req/s, uvicorn %d req/s -> %.2fx\n", e, w, a, w / a}'
done
