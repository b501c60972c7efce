#!/usr/bin/env bash
# Whole-process timing of `sentinel credentials` as credential_process runs it, against a local AWS
# emulator (moto) in a throwaway world: the cached fast path (local policy), a call that must reach STS
# (cache disabled) and a denial, on the default JDK and on JDK 25 when present. Prints min / median /
# p90 / max wall milliseconds over N runs (default 30) after 3 warm-up runs. Results: docs/performance.md.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=${SENTINEL_PYTHON:-python3}
runs=${1:-30}
java25=${SENTINEL_BENCH_JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}

[ -f "$repo/sentinel-cli/target/sentinel.jar" ] || (cd "$repo" && ./mvnw -q -B package -DskipTests)
work=$(mktemp -d "${TMPDIR:-/tmp}/sentinel-bench.XXXXXX")
moto_pid=
cleanup() { [ -n "$moto_pid" ] && kill "$moto_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$python" -m moto.server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 & moto_pid=$!
for _ in $(seq 1 100); do
  "$python" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/')" 2>/dev/null && break
  sleep 0.2
done

unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE="$work/config" AWS_SHARED_CREDENTIALS_FILE="$work/credentials"
export SENTINEL_HOME="$work/home" SENTINEL_CDS_DIR="$work/cds" SENTINEL_AGENT_DIR="$work/agent"
seed() { AWS_ACCESS_KEY_ID=seed AWS_SECRET_ACCESS_KEY=seed aws "$@"; }
seed iam create-user --user-name bench >/dev/null
read -r key_id secret < <(seed iam create-access-key --user-name bench --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)
seed iam create-role --role-name bench --assume-role-policy-document '{"Version":"2012-10-17","Statement":[]}' >/dev/null
printf '[base]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$key_id" "$secret" >"$AWS_SHARED_CREDENTIALS_FILE"
printf '[profile bench]\nrole_arn = arn:aws:iam::123456789012:role/bench\nsource_profile = base\n\n[profile closed]\nrole_arn = arn:aws:iam::123456789012:role/bench\nsource_profile = base\n' >"$AWS_CONFIG_FILE"
mkdir -p "$SENTINEL_HOME/policies"
cat >"$SENTINEL_HOME/policies/default.yaml" <<'YAML'
version: "1"
rules:
  - name: bench-allowed
    effect: allow
    conditions:
      profiles: [bench]
      users: [bench]
      time: {days: [monday, tuesday, wednesday, thursday, friday, saturday, sunday], hours: {start: "00:00", end: "24:00"}, timezone: Europe/Berlin}
  - name: closed
    effect: deny
    conditions: {profiles: [closed]}
YAML

measure() { # label, then the command; prints one result row
  local label=$1; shift
  for _ in 1 2 3; do "$@" </dev/null >/dev/null 2>&1 || true; done
  local times=()
  for _ in $(seq 1 "$runs"); do
    local start end
    start=$(date +%s%N); "$@" </dev/null >/dev/null 2>&1 || true; end=$(date +%s%N)
    times+=($(( (end - start) / 100000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v label="$label" -v n="$runs" '
    { t[NR] = $1 / 10 }
    END { printf "%-44s min %6.1f  median %6.1f  p90 %6.1f  max %6.1f ms  (n=%d)\n", label, t[1], t[int((n + 1) / 2)], t[int(n * 0.9)], t[n], n }'
}

# Starts the agent for the current JVM the way the first credential_process call does, and waits for it.
start_agent() {
  "$repo/bin/sentinel" credentials --profile bench </dev/null >/dev/null 2>&1
  for _ in $(seq 1 200); do
    [ -n "$(find "$SENTINEL_AGENT_DIR" -maxdepth 1 -name 'agent-*' ! -name '*.starting' 2>/dev/null)" ] && return
    sleep 0.1
  done
  echo "the agent did not start" >&2; exit 1
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB"
for java in ${SENTINEL_BENCH_JAVAS:-"$(command -v java)" "$java25"}; do
  [ -x "$java" ] || continue
  export SENTINEL_JAVA=$java
  version=$("$java" -version 2>&1 | head -1)
  SENTINEL_AGENT=off SENTINEL_CDS=sync "$repo/bin/sentinel" credentials --profile bench >/dev/null
  echo "== $version"
  # A new JVM per call (no agent), then the same calls answered by the resident agent.
  measure "cached credentials (local policy), new JVM" env SENTINEL_AGENT=off "$repo/bin/sentinel" credentials --profile bench
  measure "denied by policy, new JVM" env SENTINEL_AGENT=off "$repo/bin/sentinel" credentials --profile closed
  measure "cached, new JVM without class-data sharing" env SENTINEL_AGENT=off SENTINEL_CDS=off "$repo/bin/sentinel" credentials --profile bench
  start_agent
  measure "cached credentials (local policy), agent" "$repo/bin/sentinel" credentials --profile bench
  measure "denied by policy, agent" "$repo/bin/sentinel" credentials --profile closed
  printf 'credentials:\n  cache: false\n' >"$SENTINEL_HOME/config.yaml"
  measure "credentials from STS (emulator, no cache), new JVM" env SENTINEL_AGENT=off "$repo/bin/sentinel" credentials --profile bench
  measure "credentials from STS (emulator, no cache), agent" "$repo/bin/sentinel" credentials --profile bench
  rm -f "$SENTINEL_HOME/config.yaml"
  rm -rf "$SENTINEL_AGENT_DIR"
done
