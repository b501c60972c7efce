#!/usr/bin/env bash
# Sentinel on its embedded defaults, end to end, against a local AWS emulator (moto) on loopback.
# Builds if needed, seeds a user and two roles in the emulator, writes a policy under a throwaway
# Sentinel home, then lets the real `aws` CLI ask Sentinel for credentials through credential_process.
# Nothing outside a temporary directory is touched; the emulator is stopped on exit.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=${SENTINEL_PYTHON:-python3}
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 5; }

command -v aws >/dev/null || die "the AWS CLI is not installed: run 'pip install awscli' (v1) or install AWS CLI v2."
"$python" -c 'import moto.server' 2>/dev/null \
  || die "moto's server mode is not installed for $python: run \"$python -m pip install 'moto[server]'\"."

if [ ! -f "$repo/sentinel-cli/target/sentinel.jar" ]; then
  say "Building Sentinel (first run only)"
  (cd "$repo" && ./mvnw -q -B package -DskipTests)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/sentinel-demo.XXXXXX")
moto_pid=
cleanup() {
  [ -n "$moto_pid" ] && kill "$moto_pid" 2>/dev/null && wait "$moto_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
say "Starting the AWS emulator (moto) on 127.0.0.1:$port"
"$python" -m moto.server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
for _ in $(seq 1 100); do
  "$python" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/')" 2>/dev/null && break
  kill -0 "$moto_pid" 2>/dev/null || die "moto did not start; its log: $(cat "$work/moto.log")"
  sleep 0.2
done

# Everything below talks to the emulator only.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN
export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
export AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE="$work/aws/config"
export AWS_SHARED_CREDENTIALS_FILE="$work/aws/credentials"
export SENTINEL_HOME="$work/sentinel-home"
# The resident agent that answers later credential_process calls publishes itself here; removing the
# directory at the end stops it within a second.
export SENTINEL_AGENT_DIR="$work/agent"
mkdir -p "$work/aws" "$SENTINEL_HOME/policies"

say "Seeding the emulator: IAM user alice, roles app-dev and app-prod"
seed() { AWS_ACCESS_KEY_ID=seed AWS_SECRET_ACCESS_KEY=seed aws "$@"; }
cat >"$work/trust.json" <<'JSON'
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
  "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"]}]}
JSON
seed iam create-user --user-name alice >/dev/null
read -r key_id secret < <(seed iam create-access-key --user-name alice \
  --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)
for role in app-dev app-prod; do
  seed iam create-role --role-name "$role" --assume-role-policy-document "file://$work/trust.json" >/dev/null
done

cat >"$AWS_SHARED_CREDENTIALS_FILE" <<EOF2
[alice]
aws_access_key_id = $key_id
aws_secret_access_key = $secret
EOF2
sentinel="$repo/bin/sentinel"
cat >"$AWS_CONFIG_FILE" <<EOF2
# Profiles Sentinel assumes (the policy names these).
[profile dev-role]
role_arn = arn:aws:iam::123456789012:role/app-dev
source_profile = alice
region = us-east-1

[profile prod-role]
role_arn = arn:aws:iam::123456789012:role/app-prod
source_profile = alice
region = us-east-1

# Profiles tools use: they ask Sentinel first.
[profile dev]
credential_process = "$sentinel" credentials --profile dev-role
region = us-east-1

[profile prod]
credential_process = "$sentinel" credentials --profile prod-role
region = us-east-1
EOF2
cat >"$SENTINEL_HOME/policies/default.yaml" <<'EOF2'
version: "1"
rules:
  - name: alice-works-on-dev
    effect: allow
    conditions:
      profiles: [dev-role]
      users: [alice]
    max_duration: 1h
    reason: developers use dev freely
  - name: prod-needs-approval-path
    effect: deny
    conditions:
      profiles: [prod-role]
    reason: production access goes through an approved request
EOF2
say "Policy ($SENTINEL_HOME/policies/default.yaml)"
cat "$SENTINEL_HOME/policies/default.yaml"

say "Who is asking, according to AWS: sentinel whoami --profile dev-role"
"$sentinel" whoami --profile dev-role

say "Allowed: aws sts get-caller-identity --profile dev"
aws sts get-caller-identity --profile dev --output json

say "Again, from the encrypted cache (policy is still evaluated): aws sts get-caller-identity --profile dev"
aws sts get-caller-identity --profile dev --query Arn --output text

say "Denied: aws sts get-caller-identity --profile prod"
if aws sts get-caller-identity --profile prod --output json 2>"$work/denied.txt"; then
  die "the prod profile was allowed; the policy should have denied it"
fi
sed 's/^/  /' "$work/denied.txt"

say "Decision log ($SENTINEL_HOME/logs/decisions.jsonl)"
cat "$SENTINEL_HOME/logs/decisions.jsonl"

say "Verifying the log: sentinel audit verify-logs"
"$sentinel" audit verify-logs

say "A tampered copy fails verification (one user name edited)"
sed '2s/"user":"alice"/"user":"mallory"/' "$SENTINEL_HOME/logs/decisions.jsonl" >"$work/tampered.jsonl"
cp "$SENTINEL_HOME/logs/decisions.jsonl.head" "$work/tampered.jsonl.head"
if "$sentinel" audit verify-logs "$work/tampered.jsonl"; then
  die "the tampered log verified; it must not"
fi

say "Done: one profile allowed, one denied, every decision logged and verified."
