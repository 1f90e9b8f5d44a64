#!/usr/bin/env bash
# node:test on Node 20 neither finds .ts files nor expands globs: expand here.
set -euo pipefail
shopt -s globstar nullglob
files=(src/**/*.test.ts test/**/*.test.ts)
if [ "${#files[@]}" -eq 0 ]; then echo "no test files found" >&2; exit 1; fi
exec node --import tsx --test --test-reporter=spec "$@" "${files[@]}"
