#!/usr/bin/env bash
# Builds the studio timing bundle (StudioBench.java) against the built product's plugins and writes
# a copy of the product's OSGi configuration that also starts it. Prints that configuration folder,
# for ./privtune gui -configuration <folder>. Not part of the build or the product.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
. "$root/releng/scripts/jdk.sh"
privtune_ensure_jdk
product="$root/product/target/products/org.privtune.product/linux/gtk/x86_64/privtune"
plugins="$product/plugins"
[ -d "$plugins" ] || { echo "studio bench: build the product first (./privtune build)" >&2; exit 2; }
work="$root/target/bench/studio"
rm -rf "$work/classes" "$work/configuration"
mkdir -p "$work/classes/META-INF" "$work/configuration"
cp=$( (ls "$plugins"/*.jar; ls "$plugins"/org.privtune.djl.runtime_*/lib/*.jar) | tr '\n' ':')
if ! "$JAVA_HOME/bin/javac" -nowarn --release 21 -cp "$cp" -d "$work/classes" "$root/releng/bench/studio/StudioBench.java" \
    > "$work/javac.log" 2>&1; then
  echo "studio bench: releng/bench/studio/StudioBench.java does not compile:" >&2
  cat "$work/javac.log" >&2
  exit 1
fi
cat > "$work/classes/META-INF/MANIFEST.MF" <<MF
Manifest-Version: 1.0
Bundle-ManifestVersion: 2
Bundle-Name: PrivTune Studio timing harness (benchmarks only)
Bundle-SymbolicName: org.privtune.bench.studio
Bundle-Version: 1.0.0
Bundle-Activator: org.privtune.bench.studio.StudioBench
Bundle-RequiredExecutionEnvironment: JavaSE-21
Import-Package: org.osgi.framework, org.osgi.util.tracker
Require-Bundle: org.eclipse.swt, org.eclipse.e4.ui.workbench, org.eclipse.e4.core.contexts,
 org.eclipse.e4.ui.model.workbench, org.eclipse.emf.ecore, org.eclipse.emf.common, org.eclipse.core.jobs,
 org.eclipse.equinox.common, org.privtune.ui, org.privtune.data, org.privtune.mechanism, org.privtune.core
MF
(cd "$work/classes" && "$JAVA_HOME/bin/jar" cfm "$work/org.privtune.bench.studio.jar" META-INF/MANIFEST.MF org)
# the product's configuration, plus the harness started at level 5 (after the application's bundles)
sed -e "s#^osgi.bundles=\\(.*\\)\$#osgi.bundles=\\1,reference\\\\:file\\\\:$work/org.privtune.bench.studio.jar@5\\\\:start#" \
    -e "s#^eclipse.p2.data.area=.*#eclipse.p2.data.area=file\\\\:$product/p2#" \
    "$product/configuration/config.ini" > "$work/configuration/config.ini"
grep -q org.privtune.bench.studio "$work/configuration/config.ini" || { echo "studio bench: could not add the harness to config.ini" >&2; exit 1; }
echo "$work/configuration"
