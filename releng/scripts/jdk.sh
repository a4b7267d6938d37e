# Sourced by ./mvnw and ./privtune: makes JAVA_HOME point at a JDK 21 or newer (Eclipse 4.41 and
# DJL 0.36 need it). Keeps a JAVA_HOME that is new enough, else looks under /usr/lib/jvm,
# preferring Temurin 25.
privtune_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'
}
privtune_ensure_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(privtune_java_major "$JAVA_HOME")" -ge 21 ] 2>/dev/null; then
    return 0
  fi
  local d
  for d in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25* /usr/lib/jvm/*21* /usr/lib/jvm/*; do
    if [ -x "$d/bin/javac" ] && [ "$(privtune_java_major "$d")" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME="$d"
      return 0
    fi
  done
  echo "privtune: a JDK 21 or newer is required (set JAVA_HOME); none found under /usr/lib/jvm" >&2
  return 1
}
