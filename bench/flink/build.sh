#!/usr/bin/env bash
# Builds the Flink SQL launcher: target/strom-flink-launcher.jar and its dependencies in
# target/lib/. Skips the build when the jar is newer than pom.xml and every source file.
# Run it from anywhere; the first run downloads Flink from Maven Central, later runs work offline.
# Usage: bench/flink/build.sh [--force]
set -euo pipefail
cd "$(dirname "$0")"

jar=target/strom-flink-launcher.jar
if [[ "${1:-}" != "--force" && -f "$jar" && -d target/lib ]]; then
  newer=$(find pom.xml src -newer "$jar" -type f | head -n 1)
  if [[ -z "$newer" ]]; then
    echo "bench/flink: $jar is up to date" >&2
    exit 0
  fi
fi

mvn_args=(-q -B -Dstyle.color=never)
# once the dependencies are in the local repository, build without asking the network
if [[ -f "$jar" ]] && [[ -d "${HOME}/.m2/repository/org/apache/flink/flink-table-runtime" ]]; then
  mvn_args+=(-o)
fi
rm -rf target/lib
if ! mvn "${mvn_args[@]}" package >&2; then
  if [[ " ${mvn_args[*]} " == *" -o "* ]]; then
    echo "bench/flink: offline build failed, trying online" >&2
    mvn -q -B -Dstyle.color=never package >&2
  else
    exit 1
  fi
fi
echo "bench/flink: built $jar and target/lib/ ($(ls target/lib | wc -l) jars)" >&2
