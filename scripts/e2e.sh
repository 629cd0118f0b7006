#!/usr/bin/env bash
# Runs the browser tests against the release build, on a free port, with a fresh database.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x target/release/breachcheck ] || ! compgen -G 'target/site/pkg/breachcheck.*.wasm' >/dev/null; then
  echo "no release build: run 'make build' first (make test does)" >&2
  exit 1
fi
# The browser's bundle, brotli-compressed, may not grow past its budget of 300 KB (today
# about 200 KB: only the pages' islands are in it, see app/src/lib.rs).
BUNDLE_BUDGET_BYTES=300000
bundle=$(compgen -G 'target/site/pkg/breachcheck.*.wasm.br' | head -n 1 || true)
if [ -z "$bundle" ]; then
  echo "no brotli copy of the bundle: build with 'make build'" >&2
  exit 1
fi
bundle_bytes=$(stat -c %s "$bundle")
echo "==> wasm bundle: ${bundle_bytes} bytes with brotli (budget ${BUNDLE_BUDGET_BYTES})"
if [ "$bundle_bytes" -gt "$BUNDLE_BUDGET_BYTES" ]; then
  echo "the wasm bundle grew past its budget: ${bundle_bytes} > ${BUNDLE_BUDGET_BYTES} bytes" >&2
  exit 1
fi
E2E_PORT=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
E2E_DATA_DIR=$(mktemp -d)
trap 'rm -rf "$E2E_DATA_DIR"' EXIT
export E2E_PORT E2E_DATA_DIR
echo "==> browser tests against http://127.0.0.1:${E2E_PORT}"
cd end2end && npx playwright test "$@"
