#!/usr/bin/env bash
# scripts/dev-env end to end: up (PKI, tokens with signing keys, swtpm,
# the webhook receiver, breakglassd with it as alert sink), env, a profile per
# identity, down stops everything by PID.
set -euo pipefail
root=$1 build=$2
export BREAKGLASS_DEV_STATE
BREAKGLASS_DEV_STATE=$(mktemp -d)/dev
export BREAKGLASS_BUILD_DIR=$build
trap '"$root/scripts/dev-env" down --clean >/dev/null 2>&1 || true; rm -rf "$(dirname "$BREAKGLASS_DEV_STATE")"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$root/scripts/dev-env" up
eval "$("$root/scripts/dev-env" env)"
[ "$(command -v breakglass)" = "$build/api/cli/breakglass" ] || fail "env does not put breakglass on PATH"
[[ "$BREAKGLASS_TPM_TCTI" == swtpm:host=127.0.0.1,port=* ]] || fail "no TCTI in env"
[[ "$BREAKGLASS_SERVER" == 127.0.0.1:* ]] || fail "no server in env"

breakglass --profile operator health | grep -qx SERVING || fail "health"
breakglass --profile operator whoami --json | grep -q '"name":"operator"' || fail "operator whoami"
for who in alice bob carol erin rita audrey; do
  # Every profile reaches the server with its own certificate (until the
  # identities are registered, as an unregistered identity: exit 2).
  set +e
  out=$(breakglass --profile "$who" whoami 2>&1)
  rc=$?
  set -e
  [ $rc -eq 0 ] || [ $rc -eq 2 ] || fail "$who: exit $rc: $out"
  [ $rc -eq 0 ] || [[ "$out" == *"'$who' is not a registered identity"* ]] || fail "$who: $out"
done
for who in alice bob carol rita; do
  openssl pkey -pubin -in "$BREAKGLASS_DEV_STATE/pki/$who.pub.pem" -noout -text | grep -q prime256v1 \
    || fail "$who has no P-256 signing key"
  SOFTHSM2_CONF=$BREAKGLASS_DEV_STATE/tokens/softhsm2.conf pkcs11-tool \
    --module /usr/lib/softhsm/libsofthsm2.so --token-label "$who" --list-objects --type pubkey \
    | grep -q "label: *approval" || fail "token $who has no key 'approval'"
done

webhook_port=$(cat "$BREAKGLASS_DEV_STATE/webhook/port")
grep -qx "webhook_url = \"https://127.0.0.1:$webhook_port/alerts\"" "$BREAKGLASS_DEV_STATE/breakglassd.toml" \
  || fail "breakglassd.toml has no webhook sink on the receiver's port $webhook_port"
[ "$(stat -c %a "$BREAKGLASS_DEV_STATE/secrets/webhook-secret")" = 600 ] || fail "webhook secret not 0600"
[ "$BREAKGLASS_WEBHOOK_OUT" = "$BREAKGLASS_DEV_STATE/webhook/alerts.jsonl" ] || fail "no BREAKGLASS_WEBHOOK_OUT"
# The operator's init is an audited event that does not alert; a signed POST
# made here with the dev secret must be accepted and recorded as valid.
body='{"event_type":"request","request":"req-dev-env-test"}'
sig=$(printf %s "$body" | openssl dgst -sha256 -hmac "$(cat "$BREAKGLASS_DEV_STATE/secrets/webhook-secret")" -hex | sed 's/.*= //')
curl -sS --fail --cacert "$BREAKGLASS_DEV_STATE/pki/ca.crt" -H "X-Breakglass-Signature: sha256=$sig" \
  -H "X-Breakglass-Event: request" --data-binary "$body" "https://127.0.0.1:$webhook_port/alerts" >/dev/null \
  || fail "the webhook refused a validly signed POST"
grep -q '"request":"req-dev-env-test".*"signature_valid":true' "$BREAKGLASS_WEBHOOK_OUT" \
  || fail "the webhook did not record the signed POST as valid"

daemon_pid=$(cat "$BREAKGLASS_DEV_STATE/breakglassd.pid")
tpm_pid=$(cat "$BREAKGLASS_DEV_STATE/tpm/swtpm.pid")
webhook_pid=$(cat "$BREAKGLASS_DEV_STATE/webhook/receiver.pid")
"$root/scripts/dev-env" up  # idempotent: still the same processes
[ "$(cat "$BREAKGLASS_DEV_STATE/breakglassd.pid")" = "$daemon_pid" ] || fail "up restarted breakglassd"
[ "$(cat "$BREAKGLASS_DEV_STATE/webhook/receiver.pid")" = "$webhook_pid" ] || fail "up restarted the receiver"
"$root/scripts/dev-env" down
kill -0 "$daemon_pid" 2>/dev/null && fail "breakglassd $daemon_pid still running"
kill -0 "$tpm_pid" 2>/dev/null && fail "swtpm $tpm_pid still running"
kill -0 "$webhook_pid" 2>/dev/null && fail "webhook receiver $webhook_pid still running"
grep -q "stopped" "$BREAKGLASS_DEV_STATE/breakglassd.log" || fail "breakglassd did not drain"
echo "dev-env: ok"
