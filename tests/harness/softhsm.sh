#!/usr/bin/env bash
# A private SoftHSM2 token for shell tests: the shell twin of softhsm_token.h.
#
#   softhsm.sh create DIR [LABEL]   make DIR/softhsm2.conf, DIR/tokens, a token
#                                   LABEL (default breakglass), DIR/user.pin (0600);
#                                   then print the environment (as `env`)
#   softhsm.sh add DIR LABEL        initialise another token in DIR
#   softhsm.sh env DIR [LABEL]      print shell exports for DIR:
#                                     SOFTHSM2_CONF, BREAKGLASS_PKCS11_MODULE,
#                                     BREAKGLASS_PKCS11_PIN_FILE, BREAKGLASS_PKCS11_URI
#   softhsm.sh destroy DIR          remove DIR (only if it holds softhsm2.conf)
#
# Use: eval "$(tests/harness/softhsm.sh create "$tmp/hsm")", with a trap that
# runs `softhsm.sh destroy` on exit. Or source it and call softhsm_create etc.
# A missing SoftHSM2 is an error (exit 1), never a skip.
set -euo pipefail

SOFTHSM_MODULE=${SOFTHSM_MODULE:-/usr/lib/softhsm/libsofthsm2.so}

softhsm_require() {
  if [ ! -f "$SOFTHSM_MODULE" ] || ! command -v softhsm2-util >/dev/null; then
    echo "softhsm.sh: SoftHSM2 is not installed ($SOFTHSM_MODULE, softhsm2-util);" \
      "run scripts/setup (Debian package softhsm2)" >&2
    return 1
  fi
}

softhsm_random_pin() { od -An -tx1 -N8 /dev/urandom | tr -d ' \n'; }

# softhsm_init_token DIR LABEL: the SO PIN is random and not kept.
softhsm_init_token() {
  local dir=$1 label=$2 pin
  pin=$(cat "$dir/user.pin")
  SOFTHSM2_CONF="$dir/softhsm2.conf" softhsm2-util --init-token --free --label "$label" \
    --so-pin "$(softhsm_random_pin)" --pin "$pin" >"$dir/softhsm2-util.log" 2>&1 || {
    echo "softhsm.sh: softhsm2-util --init-token failed:" >&2
    cat "$dir/softhsm2-util.log" >&2
    return 1
  }
}

softhsm_create() {
  local dir=$1 label=${2:-breakglass}
  softhsm_require
  mkdir -p "$dir/tokens"
  dir=$(cd "$dir" && pwd)
  printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n' \
    "$dir" >"$dir/softhsm2.conf"
  (umask 077 && softhsm_random_pin >"$dir/user.pin")
  softhsm_init_token "$dir" "$label"
  softhsm_env "$dir" "$label"
}

softhsm_env() {
  local dir label=${2:-breakglass}
  dir=$(cd "$1" && pwd)
  printf 'export SOFTHSM2_CONF=%q\n' "$dir/softhsm2.conf"
  printf 'export BREAKGLASS_PKCS11_MODULE=%q\n' "$SOFTHSM_MODULE"
  printf 'export BREAKGLASS_PKCS11_PIN_FILE=%q\n' "$dir/user.pin"
  printf 'export BREAKGLASS_PKCS11_URI=%q\n' "pkcs11:token=$label"
}

softhsm_destroy() {
  local dir=$1
  if [ -f "$dir/softhsm2.conf" ]; then rm -rf -- "$dir"; fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  cmd=${1:-}
  shift || true
  case "$cmd" in
    create) softhsm_create "$@" ;;
    add) softhsm_require && softhsm_init_token "$(cd "$1" && pwd)" "$2" ;;
    env) softhsm_env "$@" ;;
    destroy) softhsm_destroy "$@" ;;
    *) sed -n '2,16p' "$0" >&2; exit 2 ;;
  esac
fi
