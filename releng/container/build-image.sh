#!/usr/bin/env bash
# Builds an OCI image of the headless cloud endpoint (./privtune cloud) from Debian's packages and
# the build's own output only: a minimal Debian root made with mmdebstrap, a JRE cut with jlink from
# the build's JDK, and the product without its user interface (headless-product.sh). No SWT, GTK
# or X libraries are in it. Needs root, mmdebstrap and podman (apt-get install mmdebstrap podman);
# not part of ./mvnw verify.
#   releng/container/build-image.sh [tag=privtune-cloud:latest]
# Writes target/container/privtune-cloud.oci.tar (an OCI archive: podman load, skopeo copy, or any
# registry push) and loads the image into podman's local store under the tag.
# The Debian mirror is the one this machine's apt uses (/etc/apt/sources.list.d/debian.sources or
# /etc/apt/sources.list); set PRIVTUNE_DEBIAN_SOURCES to another sources file, and
# PRIVTUNE_DEBIAN_SUITE (default: this machine's codename) to another release.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tag="${1:-privtune-cloud:latest}"
out="$root/target/container"
for tool in mmdebstrap podman; do
  command -v "$tool" > /dev/null || { echo "build-image: $tool is missing (apt-get install mmdebstrap podman)" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "build-image: mmdebstrap needs root here (or run it under unshare)" >&2; exit 1; }
sources="${PRIVTUNE_DEBIAN_SOURCES:-}"
if [ -z "$sources" ]; then
  for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
    [ -s "$f" ] && { sources=$f; break; }
  done
fi
[ -n "$sources" ] || { echo "build-image: no apt sources file found; set PRIVTUNE_DEBIAN_SOURCES" >&2; exit 1; }
suite="${PRIVTUNE_DEBIAN_SUITE:-$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")}"

. "$root/releng/scripts/jdk.sh"
privtune_ensure_jdk > /dev/null
"$root/privtune" --help > /dev/null # builds the product if it is missing or older than the sources
product="$root/product/target/products/org.privtune.product/linux/gtk/x86_64/privtune"

rm -rf "$out/stage" "$out/rootfs.tar"
mkdir -p "$out/stage"
echo "build-image: the headless product" >&2
"$root/releng/container/headless-product.sh" "$product" "$out/stage/privtune"
# The JRE: the modules the bundles use (jdeps over every jar, plus what is only reached by
# reflection or service lookup: JMX and the OS bean for the memory limit, JNDI and Kerberos for
# Netty, the EC and PKCS#11 providers for TLS, zip file systems, locale data).
echo "build-image: jlink" >&2
modules=$(find "$out/stage/privtune/plugins" -name '*.jar' -print0 \
  | xargs -0 "$JAVA_HOME/bin/jdeps" --ignore-missing-deps --multi-release 21 --print-module-deps -q 2>/dev/null || true)
modules="${modules:+$modules,}java.base,java.desktop,java.logging,java.management,java.naming,java.net.http,java.prefs,java.scripting,java.security.jgss,java.sql,java.xml,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.management,jdk.unsupported,jdk.zipfs,jdk.localedata,jdk.charsets"
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --include-locales=en --compress=zip-6 --output "$out/stage/privtune/jre"
echo "build-image: jre $(du -sh "$out/stage/privtune/jre" | cut -f1), modules $modules" >&2

echo "build-image: Debian $suite (minbase) from $sources" >&2
mmdebstrap --variant=minbase --include=libgomp1,ca-certificates \
  --aptopt='Acquire::Check-Valid-Until "false"' \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
  --customize-hook="cp -a '$out/stage/privtune' \"\$1/opt/privtune\"" \
  --customize-hook='chroot "$1" groupadd --system --gid 10001 privtune' \
  --customize-hook='chroot "$1" useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/privtune --create-home --shell /usr/sbin/nologin privtune' \
  --customize-hook='install -d -m 700 -o 10001 -g 10001 "$1/var/lib/privtune/sessions"' \
  --customize-hook='chroot "$1" ln -s /opt/privtune/bin/privtune /usr/local/bin/privtune' \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
  "$suite" "$out/rootfs.tar" "$sources"

echo "build-image: podman import as $tag" >&2
podman import \
  --change 'USER privtune' \
  --change 'WORKDIR /var/lib/privtune' \
  --change 'ENV PRIVTUNE_HOME=/var/lib/privtune' \
  --change 'ENV MKL_DYNAMIC=FALSE' --change 'ENV OMP_DYNAMIC=FALSE' --change 'ENV THP_MEM_ALLOC_ENABLE=1' \
  --change 'EXPOSE 8470' \
  --change 'VOLUME /var/lib/privtune/sessions' \
  --change 'ENTRYPOINT ["/opt/privtune/bin/privtune"]' \
  --change 'CMD ["cloud", "--bind", "0.0.0.0", "--plain-on-network", "--port", "8470", "--checkpoints", "/var/lib/privtune/sessions"]' \
  --message "PrivTune cloud endpoint (headless)" \
  "$out/rootfs.tar" "$tag" > /dev/null
rm -f "$out/privtune-cloud.oci.tar"
podman save --format oci-archive -o "$out/privtune-cloud.oci.tar" "$tag"
rm -rf "$out/stage" "$out/rootfs.tar"
echo "build-image: $tag, $(du -h "$out/privtune-cloud.oci.tar" | cut -f1) in $out/privtune-cloud.oci.tar" >&2
