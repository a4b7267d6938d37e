#!/usr/bin/env bash
# Copies the built product without its user interface (SWT, JFace, the E4 workbench, the studio's
# views, charts, SVG and CSS) into a folder that runs ./privtune's headless commands, for the
# cloud endpoint's container image: plugins/, a config.ini that starts the command-line
# application, and bin/privtune, the launcher command.
#   releng/container/headless-product.sh <product folder> <out folder>
set -euo pipefail
product="$1"
out="$2"
[ -f "$product/configuration/config.ini" ] || { echo "headless-product: $product holds no configuration/config.ini (build the product first: ./privtune build)" >&2; exit 1; }
[ ! -e "$out" ] || { echo "headless-product: $out exists; name a new folder" >&2; exit 1; }
# bundles of the user interface: none of them is needed by org.privtune.cli and its headless bundles
ui='swt|jface|e4\.ui|e4\.emf\.xpath|e4\.core\.commands|org\.privtune\.(app|ui)_|launcher\.gtk|jfree\.swtgraphics2d|batik|jsvg|xmlgraphics|xml\.apis\.ext|databinding|urischeme|core\.commands|core\.expressions'
mkdir -p "$out/plugins" "$out/configuration" "$out/bin"
kept=()
for p in "$product"/plugins/*; do
  name=$(basename "$p")
  if ! [[ "$name" =~ $ui ]]; then
    cp -a "$p" "$out/plugins/"
    kept+=("$name")
  fi
done
# the bundles to install: those of the product's list that were kept
bundles=$(sed -n 's/^osgi.bundles=//p' "$product/configuration/config.ini" | tr ',' '\n' | while read -r b; do
  f=${b#reference\\:file\\:}
  f=${f%%@*}
  f=${f%/}
  if [ -e "$out/plugins/$f" ]; then printf "%s," "$b"; fi
done)
{
  echo "osgi.bundles=${bundles%,}"
  grep -E '^(osgi\.bundles\.defaultStartLevel|osgi\.framework)=' "$product/configuration/config.ini"
  echo "eclipse.application=org.privtune.cli.headless"
  echo "osgi.noShutdown=false"
} > "$out/configuration/config.ini"
launcher=$(cd "$out/plugins" && ls -d org.eclipse.equinox.launcher_*.jar | head -1)
cat > "$out/bin/privtune" <<SCRIPT
#!/bin/sh
# PrivTune's headless commands (cloud, cloud-keys, train, ...): privtune <command> [options]
# State (OSGi configuration, DJL's cache, crash reports) goes to PRIVTUNE_HOME, /var/lib/privtune
# by default; JVM options can be added with JDK_JAVA_OPTIONS, the heap set with PRIVTUNE_XMX.
set -e
here=\$(cd "\$(dirname "\$0")/.." && pwd)
state="\${PRIVTUNE_HOME:-/var/lib/privtune}"
mkdir -p "\$state/configuration" "\$state/logs"
cp "\$here/configuration/config.ini" "\$state/configuration/config.ini"
java="\${PRIVTUNE_JAVA:-\$here/jre/bin/java}"
[ -x "\$java" ] || java=java
exec "\$java" -Xmx"\${PRIVTUNE_XMX:-4g}" -Dprivtune.home="\$state" -Dai.djl.offline=true -DDJL_CACHE_DIR="\$state/djl" \\
  --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Djava.awt.headless=true \\
  -XX:ErrorFile="\$state/logs/hs_err_pid%p.log" -Dosgi.install.area="\$here" \\
  -jar "\$here/plugins/$launcher" -configuration "\$state/configuration" \\
  -data "\$state/workspace" -nosplash -consoleLog "\$@"
SCRIPT
chmod +x "$out/bin/privtune"
echo "headless-product: ${#kept[@]} of $(ls "$product/plugins" | wc -l) plugins in $out" >&2
