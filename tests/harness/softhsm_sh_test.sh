#!/usr/bin/env bash
# Checks tests/harness/softhsm.sh: a token is created and visible through the
# module, the PIN file is 0600, and destroy removes everything.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/breakglass-softhsm-sh-XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT

eval "$("$here/softhsm.sh" create "$tmp/hsm" shelltok)"
[ "$BREAKGLASS_PKCS11_URI" = "pkcs11:token=shelltok" ] || { echo "bad URI $BREAKGLASS_PKCS11_URI"; exit 1; }
[ "$(stat -c %a "$BREAKGLASS_PKCS11_PIN_FILE")" = 600 ] || { echo "PIN file is not 0600"; exit 1; }
"$here/softhsm.sh" add "$tmp/hsm" second
labels=$(softhsm2-util --show-slots | sed -n 's/^ *Label: *\([^ ][^ ]*\) *$/\1/p' | sort | tr '\n' ' ')
[ "$labels" = "second shelltok " ] || { echo "unexpected tokens: '$labels'"; exit 1; }
"$here/softhsm.sh" destroy "$tmp/hsm"
[ ! -e "$tmp/hsm" ] || { echo "destroy left $tmp/hsm"; exit 1; }
echo "softhsm.sh ok"
