#!/usr/bin/env bash
# Runs every test: the Maven build (unit tests, emulator-backed adapter tests, end-to-end tests with
# the real AWS CLI and boto3) and the launcher's tests. Fails with a clear message when a tool the
# tests need is missing; no test is skipped silently.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=${SENTINEL_PYTHON:-python3}
fail() { printf 'test: %s\n' "$*" >&2; exit 1; }

command -v java >/dev/null || fail "no 'java' on PATH: install a JDK 17 or later."
"$python" -c 'import moto.server' 2>/dev/null || {
  printf "test: moto's server mode is missing for %s; installing it with pip\n" "$python" >&2
  "$python" -m pip install --quiet 'moto[server]>=5,<6' \
    || fail "could not install moto: run \"$python -m pip install 'moto[server]'\" and try again."
}
"$python" -c 'import boto3' 2>/dev/null || fail "boto3 is missing for $python: run \"$python -m pip install boto3\"."
command -v aws >/dev/null || fail "the AWS CLI is missing: run \"$python -m pip install awscli\"."

cd "$repo"
./mvnw -B -ntp verify -Dsentinel.test.python="$python"
bash bin/test-launcher.sh

# The README's first command must keep working: run the demo end to end (quietly).
scripts/demo.sh >/dev/null
echo "demo: passed"
