#!/usr/bin/env bash
# Tests bin/sentinel with a stand-in jar: class-data sharing on JDK 17 (and JDK 25 when present),
# stdout purity, exit codes, concurrent first runs, symlinks, and the missing-jar message.
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
launcher=$here/sentinel
work=$(mktemp -d "${TMPDIR:-/tmp}/launcher-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
check() { # name, then a command that must succeed
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); printf 'FAIL: %s\n' "$name" >&2; fi
}

mkdir -p "$work/src"
cat >"$work/src/Main.java" <<'JAVA'
public class Main {
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("train-startup")) {
            return;
        }
        if (args.length > 0 && args[0].equals("tvm")) {
            System.out.println(String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()));
            return;
        }
        System.out.println("{\"Version\":1,\"AccessKeyId\":\"ASIASTANDIN\"}");
        System.err.println("note on stderr");
        System.exit(args.length > 0 ? Integer.parseInt(args[0]) : 0);
    }
}
JAVA
javac -d "$work/classes" "$work/src/Main.java" && jar --create --file "$work/standin.jar" --main-class Main -C "$work/classes" . \
  || { echo "cannot build the stand-in jar (needs javac and jar)" >&2; exit 1; }
expected='{"Version":1,"AccessKeyId":"ASIASTANDIN"}'

run() { # env assignments... -- args; stdout to $work/out, stderr to $work/err, returns the exit code
  env "$@" >"$work/out" 2>"$work/err"
}

for java in "$(command -v java)" "${SENTINEL_TEST_JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"; do
  [ -x "$java" ] || continue
  cds=$work/cds-$(basename "$(dirname "$(dirname "$(readlink -f "$java")")")")
  common=(SENTINEL_JAR="$work/standin.jar" SENTINEL_JAVA="$java" SENTINEL_CDS_DIR="$cds")

  run "${common[@]}" SENTINEL_CDS=sync "$launcher" 0
  check "$java: first run exits 0" test $? -eq 0
  check "$java: first run stdout is only the JSON" test "$(cat "$work/out")" = "$expected"
  check "$java: stderr keeps the program's own message" grep -q "note on stderr" "$work/err"
  check "$java: an archive was created" test -n "$(find "$cds" -maxdepth 1 -name 'sentinel-*' -size +0 2>/dev/null)"
  check "$java: no partial archives are left" test -z "$(find "$cds" -maxdepth 1 -name '.training-*' 2>/dev/null)"

  run "${common[@]}" "$launcher" 0
  check "$java: later run stdout is identical" test "$(cat "$work/out")" = "$expected"
  check "$java: later run prints no JVM messages" test "$(cat "$work/err")" = "note on stderr"

  run "${common[@]}" "$launcher" 3
  check "$java: the exit code is the program's" test $? -eq 3

  run "${common[@]}" "$launcher" tvm serve
  check "$java: tvm serve has a large young generation" grep -q -- '-Xms256m -Xmn128m' "$work/out"
  check "$java: tvm serve compiles with C2" test -z "$(grep -- 'TieredStopAtLevel' "$work/out")"
  check "$java: tvm serve with the short calls' archive prints no JVM messages" test ! -s "$work/err"
  run "${common[@]}" "$launcher" tvm proof
  check "$java: other commands stop at C1 with a small heap" grep -q -- '-XX:TieredStopAtLevel=1 .*-Xms16m' "$work/out"

  run "${common[@]}" SENTINEL_CDS=off "$launcher" 0
  check "$java: SENTINEL_CDS=off still runs" test "$(cat "$work/out")" = "$expected"

  rm -rf "$cds"
  pids=()
  for i in 1 2 3 4; do
    env "${common[@]}" "$launcher" 0 >"$work/par$i" 2>/dev/null & pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
  for i in 1 2 3 4; do
    check "$java: concurrent first run $i prints the JSON" test "$(cat "$work/par$i")" = "$expected"
  done
  for _ in $(seq 1 100); do
    [ -n "$(find "$cds" -maxdepth 1 -name 'sentinel-*' 2>/dev/null)" ] && [ -z "$(find "$cds" -maxdepth 1 -name '.training-*')" ] && break
    sleep 0.2
  done
  check "$java: concurrent first runs leave exactly one archive" test "$(find "$cds" -maxdepth 1 -name 'sentinel-*' | wc -l)" -eq 1
done

ln -s "$launcher" "$work/sentinel-link"
run SENTINEL_JAR="$work/standin.jar" SENTINEL_CDS=off "$work/sentinel-link" 0
check "a symlinked launcher works" test "$(cat "$work/out")" = "$expected"

run SENTINEL_JAR="$work/missing.jar" "$launcher" 0
status=$?
check "a missing jar exits 5" test "$status" -eq 5
check "a missing jar says how to build it" grep -q "mvnw -q package -DskipTests" "$work/err"

printf 'launcher: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
