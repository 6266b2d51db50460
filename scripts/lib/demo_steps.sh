# shellcheck shell=bash
# Narration, checks and process control for scripts/demo (sourced, not run).
#
#   step TITLE              a numbered heading; failures name it
#   show CMD... / show_line TEXT   display a command line without running it
#   say TEXT / ok TEXT      narration / a check that passed
#   run CMD...              shows CMD (with $STATE for the state dir), runs it, shows its
#                           output indented; sets $out (stdout+stderr) and $rc
#   run_stdin DATA SHOWN CMD...   the same with DATA on stdin, displayed as
#                           `printf %s SHOWN | CMD` (DATA never appears on a command line)
#   expect_rc N, expect_out TEXT, expect_no_secret   check the last run; fail otherwise
#   fail TEXT               prints the step and TEXT, exits 1 (cleanup runs on EXIT)
#   webhook_alert TYPE REQUEST   the webhook receiver's line for that alert, accepted
#                           with a valid signature; wait_for_alert waits up to 15 s for it
#
# Expects the caller to set $root, $state, $dev_env, $clean and (once generated) $secret.

step_no=0
step_title=""
started=0
watch_pid=""
out=""
rc=0

if [ -t 1 ]; then
  bold=$'\e[1m' green=$'\e[32m' red=$'\e[31m' plain=$'\e[0m'
else
  bold="" green="" red="" plain=""
fi

step() {
  step_no=$((step_no + 1))
  step_title=$1
  printf '\n%s== %d. %s%s\n' "$bold" "$step_no" "$step_title" "$plain"
}

say() { printf '   %s\n' "$*"; }
ok() { printf '   %s✓%s %s\n' "$green" "$plain" "$*"; }

fail() {
  printf '\n%sdemo: FAILED at step %d (%s): %s%s\n' "$red" "$step_no" "$step_title" "$*" \
    "$plain" >&2
  exit 1
}

# Prints $1 indented by 6 spaces, the state dir written as $STATE.
indent() {
  [ -n "$1" ] || return 0
  local text=${1//"$state"/\$STATE}
  printf '%s\n' "$text" | sed 's/^/      /'
}

# One word as a person would type it: bare when safe, double-quoted when it
# names $STATE, else single-quoted.
shell_word() {
  local word=${1//"$state"/\$STATE} bare='^[-A-Za-z0-9_./:=,@+%$]+$'
  word=${word//"$root/"/}
  if [[ "$word" =~ $bare ]]; then
    printf '%s' "$word"
  elif [[ "$word" == *"\$STATE"* && "$1" != *[\"\\\`]* ]]; then
    printf '"%s"' "$word"
  else
    printf "'%s'" "${word//\'/\'\\\'\'}"
  fi
}

# Shows a command line as a person would type it.
show() {
  local line="" word
  for word in "$@"; do line+="$(shell_word "$word") "; done
  printf '   %s$ %s%s\n' "$bold" "${line% }" "$plain"
}

# Shows TEXT as a typed command line, verbatim.
show_line() { printf '   %s$ %s%s\n' "$bold" "$1" "$plain"; }

run() {
  show "$@"
  set +e
  out=$("$@" 2>&1)
  rc=$?
  set -e
  indent "$out"
}

run_stdin() {
  local data=$1 shown=$2
  shift 2
  local line
  line=$(show "$@")
  printf '   %s$ printf %%s %s | %s\n' "$bold" "$shown" "${line#*\$ }"
  set +e
  out=$(printf '%s' "$data" | "$@" 2>&1)
  rc=$?
  set -e
  indent "$out"
}

expect_rc() {
  [ "$rc" -eq "$1" ] || fail "expected exit code $1, got $rc"
}

expect_out() {
  [[ "$out" == *"$1"* ]] || fail "expected the output to contain '$1'"
}

expect_no_secret() {
  [ -z "${secret:-}" ] || [[ "$out" != *"$secret"* ]] || fail "the secret appeared in the output"
}

# Waits up to 15 s for FILE to contain TEXT.
wait_for_line() {
  local _
  for _ in $(seq 150); do
    grep -qF -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# The line breakglass-webhook-receiver (started by dev-env) wrote for the
# alert of TYPE about REQUEST, if it arrived with a valid signature and was
# accepted; nothing (status 1) otherwise. Lines are JSON with sorted keys.
webhook_alert() {
  # One process, no early-closing pipe: under pipefail a SIGPIPE would fail it.
  awk -v type="\"event_type\":\"$1\"" -v request="\"request\":\"$2\"" '
    index($0, type) && index($0, request) && index($0, "\"signature_valid\":true") &&
    index($0, "\"status\":200") { print; found = 1; exit }
    END { exit !found }' "$state/webhook/alerts.jsonl" 2>/dev/null
}

wait_for_alert() {
  local _
  for _ in $(seq 150); do
    webhook_alert "$1" "$2" >/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# The RFC 7512 URI of NAME's signing key on NAME's own token (made by dev-env).
token_key_uri() {
  printf 'pkcs11:token=%s;object=approval;type=private?module-path=%s&pin-source=file:%s' \
    "$1" "${SOFTHSM_MODULE:-/usr/lib/softhsm/libsofthsm2.so}" "$state/tokens/user.pin"
}

# Stops the `watch` this script started.
stop_watch() {
  [ -n "$watch_pid" ] || return 0
  kill -TERM "$watch_pid" 2>/dev/null || true
  wait "$watch_pid" 2>/dev/null || true
  watch_pid=""
}

# Stops breakglassd (started by dev-env) by its PID, waiting for it to drain.
stop_daemon() {
  local pid _
  pid=$(cat "$state/breakglassd.pid" 2>/dev/null) || return 0
  show kill -TERM "$pid"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 300); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  kill -0 "$pid" 2>/dev/null && fail "breakglassd (pid $pid) did not stop within 15 s"
  rm -f "$state/breakglassd.pid" "$state/port"
}

cleanup() {
  local status=$?
  trap - EXIT
  stop_watch
  if [ "$started" = 1 ]; then
    "${dev_env:?}" down >/dev/null 2>&1 || echo "demo: dev-env down failed" >&2
    if [ "${clean:-0}" = 1 ]; then rm -rf -- "$state"; fi
  fi
  exit "$status"
}
