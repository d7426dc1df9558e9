#!/usr/bin/env bash
# Start or stop Common Map's HTTP front cache: Varnish (Debian's package) with
# front/commonmap.vcl, in front of the app's gunicorn. It keeps only what the app tags as
# shareable (core/front.py) and forgets it by the bans `manage.py front_purger` sends.
#
#   scripts/front.sh start    start varnishd (nothing happens if this front already runs)
#   scripts/front.sh stop     stop the varnishd this script started (its pid file)
#   scripts/front.sh status   say whether it runs (exit 0) or not (exit 3)
#   scripts/front.sh foreground   run varnishd in the foreground (a container's command)
#
# Environment:
#   FRONT_LISTEN      where callers reach it, host:port           (127.0.0.1:8000)
#   FRONT_BACKEND     the app's gunicorn, host:port               (127.0.0.1:8010)
#   FRONT_DIR         its work directory: varnishd's -n, pid, the generated site VCL
#                                                                  (run/front)
#   FRONT_CACHE_SIZE  memory for cached answers (malloc storage)  (256m)
#   FRONT_TTL         how long it keeps a tagged answer, seconds: writes reach it as bans,
#                     so this is far longer than the browser's max-age   (86400)
#   FRONT_BAN_FROM    addresses or networks (a.b.c.d/n) that may send BAN besides
#                     localhost, comma-separated                   (none)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LISTEN="${FRONT_LISTEN:-127.0.0.1:8000}"
BACKEND="${FRONT_BACKEND:-127.0.0.1:8010}"
DIR="${FRONT_DIR:-$ROOT/run/front}"
CACHE_SIZE="${FRONT_CACHE_SIZE:-256m}"
TTL="${FRONT_TTL:-86400}"
BAN_FROM="${FRONT_BAN_FROM:-}"
PIDFILE="$DIR/varnishd.pid"
WORKDIR="$DIR/varnish"
VARNISHD="${VARNISHD:-/usr/sbin/varnishd}"

running() {
  [ -f "$PIDFILE" ] || return 1
  local pid
  pid="$(cat "$PIDFILE" 2>/dev/null)" || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -qa varnishd "/proc/$pid/cmdline" 2>/dev/null
}

answers() {  # whether something accepts connections on host:port
  local host="${LISTEN%:*}" port="${LISTEN##*:}"
  [ "$host" = "0.0.0.0" ] || [ -z "$host" ] && host=127.0.0.1
  (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null
}

site_vcl() {
  local host="${BACKEND%:*}" port="${BACKEND##*:}" entry address bits
  case "$TTL" in '' | *[!0-9]*) echo "FRONT_TTL must be a number of seconds" >&2; exit 2 ;; esac
  echo "# Written by scripts/front.sh (FRONT_BACKEND, FRONT_BAN_FROM, FRONT_TTL): do not edit."
  echo "backend default {"
  echo "    .host = \"${host}\";"
  echo "    .port = \"${port}\";"
  echo "    .connect_timeout = 5s;"
  echo "    .first_byte_timeout = 300s;"
  echo "    .between_bytes_timeout = 120s;"
  echo "}"
  echo "acl front_banners {"
  echo "    \"127.0.0.1\";"
  echo "    \"::1\";"
  IFS=',' read -ra entries <<<"$BAN_FROM"
  for entry in "${entries[@]}"; do
    entry="${entry// /}"
    [ -n "$entry" ] || continue
    address="${entry%/*}"
    if [ "$address" != "$entry" ]; then bits="/${entry#*/}"; else bits=""; fi
    echo "    \"${address}\"${bits};"
  done
  echo "}"
  echo "sub front_ttl {"
  echo "    set beresp.ttl = ${TTL}s;"
  echo "}"
}

# varnishd's arguments for this front (after writing its site VCL).
prepare() {
  mkdir -p "$DIR"
  site_vcl >"$DIR/commonmap-site.vcl.new"
  mv "$DIR/commonmap-site.vcl.new" "$DIR/commonmap-site.vcl"
  # As root varnishd drops its privileges to the varnish user (the unix jail), which must
  # reach the work directory; as anyone else it runs as that user (no jail).
  ARGS=()
  if [ "$(id -u)" -eq 0 ]; then
    chmod 755 "$DIR"
  else
    ARGS=(-j none)
  fi
  ARGS+=(
    -n "$WORKDIR"
    -a "$LISTEN"
    -T 127.0.0.1:0
    -p "vcl_path=$DIR:$ROOT/front"
    -f "$ROOT/front/commonmap.vcl"
    -s "malloc,$CACHE_SIZE"
    # Bans are tested by the lurker once 5 s old (not 60 s): the ban list stays short.
    -p ban_lurker_age=5
  )
}

foreground() {
  prepare
  exec "$VARNISHD" -F "${ARGS[@]}"
}

start() {
  if running; then
    echo "The front already runs (pid $(cat "$PIDFILE"), $DIR)."
    return 0
  fi
  prepare
  "$VARNISHD" "${ARGS[@]}" -P "$PIDFILE" >"$DIR/varnishd.log" 2>&1 || {
    cat "$DIR/varnishd.log" >&2
    exit 1
  }
  for _ in $(seq 1 100); do
    if answers; then
      echo "The front (Varnish) listens on http://$LISTEN/, in front of http://$BACKEND/"
      return 0
    fi
    sleep 0.1
  done
  echo "varnishd started but nothing answers on $LISTEN" >&2
  cat "$DIR/varnishd.log" >&2
  stop
  exit 1
}

stop() {
  if ! running; then
    rm -f "$PIDFILE"
    return 0
  fi
  local pid
  pid="$(cat "$PIDFILE")"
  kill "$pid"
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
  rm -f "$PIDFILE"
}

status() {
  if running; then
    echo "The front runs (pid $(cat "$PIDFILE"), $DIR)."
  else
    echo "The front does not run ($DIR)."
    return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  foreground) foreground ;;
  *) echo "usage: $0 start|stop|status|foreground" >&2; exit 2 ;;
esac
