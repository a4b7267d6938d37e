#!/usr/bin/env bash
# The update site in a real Eclipse IDE: a copy of the test-only IDE product (releng/org.privtune.ide:
# Eclipse 4.41 with org.eclipse.ui.ide.application and the p2 director, all from Maven Central) gets
# the site zip (releng/org.privtune.site) installed with the p2 director, as Help > Install New
# Software would, then starts under a display (xvfb-run when none is set) with
# -Dprivtune.ide.check, so that org.privtune.ide.check opens the views through Window > Show View >
# Other... > PrivTune, the page through Window > Preferences, the export wizard through File >
# Export..., a second window with the same views,
# and writes result.txt and the screenshots ide.png and ide-preferences.png to
# releng/org.privtune.ide/target/ide-check. Run by that module's build (integration-test, skipped
# with -DskipTests); fails on a refused install, a FAIL line or no result.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$root/releng/scripts/jdk.sh"
privtune_ensure_jdk

if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1600x1000x24" "$0" "$@"
fi

built="$root/releng/org.privtune.ide/target/products/org.privtune.ide/linux/gtk/x86_64/eclipse"
zip=$(ls "$root"/releng/org.privtune.site/target/org.privtune.site-*.zip 2>/dev/null | head -n 1 || true)
[ -d "$built/plugins" ] || { echo "ide-install: no IDE product in $built (build releng/org.privtune.ide)" >&2; exit 1; }
[ -n "$zip" ] || { echo "ide-install: no update-site zip in releng/org.privtune.site/target (build it first)" >&2; exit 1; }
out="$root/releng/org.privtune.ide/target/ide-check"
rm -rf "$out"
mkdir -p "$out"

s=$(mktemp -d "${TMPDIR:-/tmp}/privtune-ide.XXXXXX")
trap 'rm -rf "$s"' EXIT
cp -a "$built" "$s/eclipse"
ide="$s/eclipse"
launcher=$(ls "$ide"/plugins/org.eclipse.equinox.launcher_*.jar | head -n 1)
# The p2 engine's framework manipulator needs the resolver state (PlatformAdmin), which the
# framework extension org.eclipse.osgi.compatibility.state adds; an Eclipse SDK names it in
# config.ini the same way.
state_jar=$(cd "$ide/plugins" && ls org.eclipse.osgi.compatibility.state_*.jar | head -n 1)
sed -i "s#^osgi.framework.extensions=.*#osgi.framework.extensions=reference\\\\:file\\\\:$state_jar#" "$ide/configuration/config.ini"
grep -q "^osgi.framework.extensions=reference.*$state_jar" "$ide/configuration/config.ini" || {
  echo "ide-install: cannot name $state_jar in $ide/configuration/config.ini" >&2; exit 1; }
java=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED)
[ "$(privtune_java_major "$JAVA_HOME")" -ge 24 ] 2>/dev/null && java+=(--sun-misc-unsafe-memory-access=allow)

# 1. Install every feature of the site's PrivTune category with the p2 director, into the IDE's own
# profile, from the unzipped site (a file: repository; a jar:file: URL would need a p2 transport,
# which this minimal IDE does not carry).
mkdir -p "$s/site"
(cd "$s/site" && "$JAVA_HOME/bin/jar" xf "$zip")
ius=org.privtune.feature.feature.group,org.privtune.runtime.feature.feature.group,org.privtune.ide.feature.feature.group
start=$(date +%s)
"${java[@]}" -jar "$launcher" -nosplash -consoleLog -application org.eclipse.equinox.p2.director \
  -repository "file:$s/site" -installIU "$ius" -destination "$ide" -profile DefaultProfile \
  -data "$s/director-workspace" > "$out/director.log" 2>&1 || {
  cat "$out/director.log" >&2; echo "ide-install: the p2 director refused the install (log above)" >&2; exit 1; }
grep -q "org.privtune.ui.ide" "$ide/configuration/org.eclipse.equinox.simpleconfigurator/bundles.info" || {
  echo "ide-install: the director ran but bundles.info lists no org.privtune.ui.ide" >&2; exit 1; }
echo "ide-install: p2 director installed $ius in $(( $(date +%s) - start )) s"

# 2. Start the IDE and let org.privtune.ide.check drive it.
state="${PRIVTUNE_HOME:-$HOME/.privtune}"
start=$(date +%s)
OPT_OUT_TRACKING=true MKL_DYNAMIC=FALSE OMP_DYNAMIC=FALSE timeout 900 "${java[@]}" -Xmx4g \
  -Dprivtune.home="$state" -Dai.djl.offline=true -DDJL_CACHE_DIR="$state/djl" \
  -Dprivtune.ide.check="$out" -jar "$launcher" -nosplash -consoleLog -data "$s/workspace" \
  > "$out/ide.log" 2>&1 || echo "ide-install: the IDE exited with status $?" >&2
if [ ! -f "$out/result.txt" ]; then
  tail -n 60 "$out/ide.log" >&2
  echo "ide-install: the IDE wrote no result (log above, whole log in $out/ide.log)" >&2
  exit 1
fi
cat "$out/result.txt"
echo "ide-install: IDE started and checked in $(( $(date +%s) - start )) s"
[ "$(head -n 1 "$out/result.txt")" = PASS ] || { echo "ide-install: FAIL (log in $out/ide.log)" >&2; exit 1; }
