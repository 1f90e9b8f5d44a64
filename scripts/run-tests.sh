#!/usr/bin/env bash
# node:test on Node 20 neither finds .ts files nor expands globs: expand here.
set -euo pipefail
shopt -s globstar nullglob
files=(src/**/*.test.ts test/**/*.test.ts)
if [ "${#files[@]}" -eq 0 ]; then echo "no test files found" >&2; exit 1; fi
node --import tsx --test --test-reporter=spec "$@" "${files[@]}"
# The gateway's HTTP/1.1 suites once more on the reference stack (node:http + undici),
# so both implementations behind GatewayOptions.fastPath meet the same tests.
echo "== gateway HTTP/1.1 suites on the reference stack (SDEP_TEST_FAST_PATH=0)"
SDEP_TEST_FAST_PATH=0 exec node --import tsx --test --test-reporter=spec "$@" \
  test/integration/gateway-routing.test.ts \
  test/integration/gateway-upstream.test.ts \
  test/integration/gateway-fast-path.test.ts
