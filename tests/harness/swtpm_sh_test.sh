#!/usr/bin/env bash
# Test of tests/harness/swtpm.sh: start, reach through tpm2-tools, kill hard,
# restart on the same state and port, stop by PID.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
trap '"$here/swtpm.sh" stop "$dir"; rm -rf "$dir"' EXIT

eval "$("$here/swtpm.sh" start "$dir")"
tcti=$BREAKGLASS_TPM_TCTI
# Capture first: `| grep -q` would SIGPIPE tpm2_getcap and fail under pipefail.
caps=$(tpm2_getcap properties-fixed)
grep -q 'value: "IBM"' <<<"$caps" || { echo "FAIL: manufacturer: $caps"; exit 1; }
tpm2_nvdefine 0x01500002 -C o -s 8 -a "ownerread|ownerwrite|nt=counter|no_da" >/dev/null
tpm2_nvincrement 0x01500002 -C o
before=$(tpm2_nvread 0x01500002 -C o | od -An -tx1)
pid=$(cat "$dir/swtpm.pid")

"$here/swtpm.sh" kill "$dir"
kill -0 "$pid" 2>/dev/null && { echo "FAIL: pid $pid survived kill"; exit 1; }
eval "$("$here/swtpm.sh" start "$dir")"
[ "$BREAKGLASS_TPM_TCTI" = "$tcti" ] || { echo "FAIL: tcti changed on restart"; exit 1; }
after=$(tpm2_nvread 0x01500002 -C o | od -An -tx1)
[ "$before" = "$after" ] || { echo "FAIL: counter $before -> $after across restart"; exit 1; }

pid=$(cat "$dir/swtpm.pid")
"$here/swtpm.sh" stop "$dir"
kill -0 "$pid" 2>/dev/null && { echo "FAIL: pid $pid survived stop"; exit 1; }
echo "swtpm.sh: ok"
