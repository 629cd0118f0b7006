#!/usr/bin/env bash
# A local cluster as production runs it: one PostgreSQL database, two stateless replicas of
# the server, and Debian's nginx in front of them as the load balancer (the replicas trust
# it for the client's address). For trying a multi-replica deployment on one machine, and
# for the replica test, which brings one up the same way.
#
# Usage: scripts/cluster.sh up | down | status
#
# Settings (environment):
#   CLUSTER_DIR        where configuration, logs and process ids go (target/cluster)
#   CLUSTER_PORT       the proxy's port on 127.0.0.1 (3000); the replicas take the next two
#   BREACHCHECK_BINARY the server binary (target/release/breachcheck: `make build`)
#   DATABASE_URL       the shared database (postgres://postgres@127.0.0.1:5432/breachcheck_cluster),
#                      created if it does not exist
#   PG_ADMIN_URL       a database to connect to for creating it (…/postgres)
# Any other BREACHCHECK_ setting given is passed to both replicas. Without a pepper, one is
# generated into $CLUSTER_DIR/pepper and shared by both: replicas must hash alike.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${CLUSTER_DIR:-target/cluster}
port=${CLUSTER_PORT:-3000}
binary=${BREACHCHECK_BINARY:-target/release/breachcheck}
database_url=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/breachcheck_cluster}
admin_url=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
replicas=(1 2)

say() { echo "==> $*"; }

nginx_binary() {
  if [ -x /usr/sbin/nginx ]; then echo /usr/sbin/nginx; else command -v nginx; fi
}

wait_ready() { # url, what, log
  for _ in $(seq 1 150); do
    if curl -fsS -o /dev/null "$1/readyz" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "$2 did not become ready at $1; its log, $3:" >&2
  tail -n 20 "$3" >&2 || true
  return 1
}

up() {
  if [ ! -x "$binary" ]; then
    echo "no server binary at $binary: run 'make build' first (or set BREACHCHECK_BINARY)" >&2
    exit 1
  fi
  if [ -z "$(nginx_binary)" ]; then
    echo "nginx is not installed: scripts/setup.sh --browser installs it" >&2
    exit 1
  fi
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  # The database: created when missing; the first replica to start applies the migrations
  # (under PostgreSQL's advisory lock, so the second waits for it).
  local name=${database_url##*/}
  name=${name%%\?*}
  if [ "$(psql -qtA -d "$admin_url" -c "SELECT 1 FROM pg_database WHERE datname = '$name'")" != 1 ]; then
    say "creating the database $name"
    psql -q -d "$admin_url" -c "CREATE DATABASE \"$name\""
  fi
  if [ -z "${BREACHCHECK_PEPPER:-}${BREACHCHECK_PEPPER_FILE:-}" ]; then
    if [ ! -s "$dir/pepper" ]; then
      say "generating a pepper shared by the replicas into $dir/pepper"
      (umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$dir/pepper")
    fi
    export BREACHCHECK_PEPPER_FILE="$dir/pepper"
  fi
  export DATABASE_URL="$database_url"
  export BREACHCHECK_TRUSTED_PROXIES=${BREACHCHECK_TRUSTED_PROXIES:-127.0.0.1}
  export BREACHCHECK_SITE_ROOT=${BREACHCHECK_SITE_ROOT:-$PWD/target/site}
  local upstream=""
  for n in "${replicas[@]}"; do
    local replica_port=$((port + n))
    mkdir -p "$dir/replica-$n"
    say "starting replica $n on 127.0.0.1:$replica_port (log: $dir/replica-$n.log)"
    BREACHCHECK_ADDR="127.0.0.1:$replica_port" BREACHCHECK_DATA_DIR="$dir/replica-$n" \
      setsid "$binary" serve > "$dir/replica-$n.log" 2>&1 < /dev/null &
    echo $! > "$dir/replica-$n.pid"
    upstream+="    server 127.0.0.1:$replica_port max_fails=1 fail_timeout=5s;"$'\n'
  done
  for n in "${replicas[@]}"; do
    wait_ready "http://127.0.0.1:$((port + n))" "replica $n" "$dir/replica-$n.log"
  done
  mkdir -p "$dir/nginx"
  cat > "$dir/nginx.conf" <<EOF
# Written by scripts/cluster.sh: the proxy of a local cluster (see docs/DEPLOY.md for one
# with TLS and HTTP/2).
worker_processes 1;
daemon on;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log $dir/nginx-access.log;
  client_body_temp_path $dir/nginx/body;
  proxy_temp_path $dir/nginx/proxy;
  fastcgi_temp_path $dir/nginx/fastcgi;
  uwsgi_temp_path $dir/nginx/uwsgi;
  scgi_temp_path $dir/nginx/scgi;
  upstream breachcheck {
$upstream    keepalive 16;
  }
  server {
    listen 127.0.0.1:$port;
    # Uploads of affected lists go through as they arrive.
    client_max_body_size 512m;
    proxy_request_buffering off;
    location / {
      proxy_pass http://breachcheck;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # With its port: the replicas compare it with the Origin of every form post.
      proxy_set_header Host \$http_host;
      # The replicas take the client's address from here (BREACHCHECK_TRUSTED_PROXIES).
      proxy_set_header X-Forwarded-For \$remote_addr;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_read_timeout 60s;
      # A replica that stops answering is skipped for the next requests.
      proxy_next_upstream error timeout http_502;
    }
  }
}
EOF
  say "starting nginx on http://127.0.0.1:$port (logs: $dir/nginx-*.log)"
  "$(nginx_binary)" -q -c "$dir/nginx.conf" -p "$dir/nginx"
  wait_ready "http://127.0.0.1:$port" "the proxy" "$dir/nginx-error.log"
  say "cluster up: http://127.0.0.1:$port ('scripts/cluster.sh down' stops it)"
}

down() {
  if [ -d "$dir" ]; then dir=$(cd "$dir" && pwd); fi
  if [ -s "$dir/nginx.pid" ]; then
    say "stopping nginx"
    kill "$(cat "$dir/nginx.pid")" 2>/dev/null || true
  fi
  for n in "${replicas[@]}"; do
    if [ -s "$dir/replica-$n.pid" ]; then
      say "stopping replica $n"
      kill "$(cat "$dir/replica-$n.pid")" 2>/dev/null || true
      rm -f "$dir/replica-$n.pid"
    fi
  done
  say "cluster down (the database and the logs in $dir stay)"
}

status() {
  for n in "${replicas[@]}"; do
    local replica_port=$((port + n))
    if curl -fsS -o /dev/null "http://127.0.0.1:$replica_port/readyz" 2>/dev/null; then
      echo "replica $n: ready on 127.0.0.1:$replica_port"
    else
      echo "replica $n: not answering on 127.0.0.1:$replica_port"
    fi
  done
  if curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null; then
    echo "proxy: ready on http://127.0.0.1:$port"
  else
    echo "proxy: not answering on http://127.0.0.1:$port"
  fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *)
    echo "usage: scripts/cluster.sh up | down | status" >&2
    exit 2
    ;;
esac
