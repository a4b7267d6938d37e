#!/usr/bin/env bash
# Regenerates the tables of docs/results.md and the chart docs/results/frontier-full.svg from the
# experiment CSVs in docs/results (run it after adding rows to a CSV). With --check it changes
# nothing and exits with status 1, naming the stale tables, when the page differs from what the
# CSVs give; the build runs the same check (ResultsTablesTest in org.privtune.core.tests).
# Needs a JDK only (the generator runs from its source file), no build.
#   releng/docs/results-tables.sh [--check]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$root/releng/scripts/jdk.sh"
privtune_ensure_jdk
exec "$JAVA_HOME/bin/java" \
  "$root/bundles/org.privtune.core.tests/src/org/privtune/core/tests/docs/ResultsTables.java" "$@" "$root"
