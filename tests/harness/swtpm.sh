#!/usr/bin/env bash
# swtpm for shell scripts: the counterpart of tests/harness/swtpm_process.h.
#
#   swtpm.sh start DIR   start swtpm (TPM 2.0, socket mode) with its state in DIR on two
#                        consecutive free ports on 127.0.0.1; prints the env lines
#   swtpm.sh env DIR     print `export BREAKGLASS_TPM_TCTI=... TPM2TOOLS_TCTI=...`
#   swtpm.sh stop DIR    stop it by the PID recorded in DIR (SIGTERM, then SIGKILL)
#   swtpm.sh kill DIR    SIGKILL it (power-loss tests); `start DIR` restarts on the same
#                        state and ports
#
# Typical use:  eval "$(tests/harness/swtpm.sh start "$tmp")"; trap '... stop "$tmp"' EXIT
# A missing swtpm is an error (exit 1), never a skip.
set -euo pipefail

die() { echo "swtpm.sh: $*" >&2; exit 1; }

usage() { sed -n '2,13p' "$0" >&2; exit 2; }

# Two consecutive free ports N, N+1 on 127.0.0.1 (bind probe).
free_port_pair() {
  python3 - <<'PY'
import socket
for _ in range(64):
    a = socket.socket(); a.bind(("127.0.0.1", 0)); port = a.getsockname()[1]
    b = socket.socket()
    try:
        b.bind(("127.0.0.1", port + 1))
    except OSError:
        a.close(); continue
    a.close(); b.close(); print(port); break
PY
}

print_env() {
  local port
  port=$(cat "$1/port")
  echo "export BREAKGLASS_TPM_TCTI=swtpm:host=127.0.0.1,port=$port"
  echo "export TPM2TOOLS_TCTI=swtpm:host=127.0.0.1,port=$port"
}

alive() { [ -f "$1/swtpm.pid" ] && kill -0 "$(cat "$1/swtpm.pid")" 2>/dev/null; }

# Starts swtpm on port $2 (and $2+1); returns non-zero when it cannot bind.
launch() {
  local dir=$1 port=$2
  rm -f "$dir/swtpm.pid"
  swtpm socket --tpm2 --tpmstate "dir=$dir" \
    --server "type=tcp,port=$port,bindaddr=127.0.0.1" \
    --ctrl "type=tcp,port=$((port + 1)),bindaddr=127.0.0.1" \
    --flags not-need-init,startup-clear --daemon --pid "file=$dir/swtpm.pid" \
    --log "file=$dir/swtpm.log" 2>>"$dir/swtpm.log" || return 1
  for _ in $(seq 100); do
    [ -s "$dir/swtpm.pid" ] && (exec 3<>"/dev/tcp/127.0.0.1/$((port + 1))") 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

start() {
  local dir=$1 port
  command -v swtpm >/dev/null || die "swtpm not found on PATH: install the Debian package 'swtpm' (scripts/setup)"
  mkdir -p "$dir"
  alive "$dir" && die "swtpm already running for $dir (pid $(cat "$dir/swtpm.pid"))"
  if [ -f "$dir/port" ]; then  # restart on the same state and ports
    launch "$dir" "$(cat "$dir/port")" || die "restart on port $(cat "$dir/port") failed: $(tail -c 400 "$dir/swtpm.log")"
  else
    for _ in $(seq 8); do
      port=$(free_port_pair)
      [ -n "$port" ] && launch "$dir" "$port" && { echo "$port" >"$dir/port"; break; }
    done
    [ -f "$dir/port" ] || die "swtpm did not start: $(tail -c 400 "$dir/swtpm.log" 2>/dev/null)"
  fi
  print_env "$dir"
}

stop() {
  local dir=$1 sig=${2:-TERM} pid
  alive "$dir" || return 0
  pid=$(cat "$dir/swtpm.pid")
  kill -"$sig" "$pid" 2>/dev/null || true
  for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  rm -f "$dir/swtpm.pid"
}

[ $# -eq 2 ] || usage
case "$1" in
  start) start "$2" ;;
  env) [ -f "$2/port" ] || die "no swtpm state in $2 (run start first)"; print_env "$2" ;;
  stop) stop "$2" TERM ;;
  kill) stop "$2" KILL ;;
  *) usage ;;
esac
