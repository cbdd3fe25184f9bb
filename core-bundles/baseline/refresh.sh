#!/usr/bin/env bash
# Makes the current build's exported API the baseline that bnd's baseline check compares every later build with.
# Run it after 'mvn install' of a release (this tree's first baseline is the 0.1.0 API):
#   core-bundles/baseline/refresh.sh            # version from <labctl.baseline.version> in the root pom
#   LOCAL_REPO=/path/to/m2 core-bundles/baseline/refresh.sh
# For every bundle module it writes, into core-bundles/baseline/repository (a Maven repository in the source tree,
# committed), a jar with only the bundle's manifest and its exported packages' classes, and drops that version from
# the local Maven repository so that the next build reads the new jars, not a cached copy.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/core-bundles/baseline"
repo="$here/repository"
local_repo="${LOCAL_REPO:-$HOME/.m2/repository}"
version="$(sed -n 's:.*<labctl.baseline.version>\(.*\)</labctl.baseline.version>.*:\1:p' "$root/pom.xml")"
[ -n "$version" ] || { echo "refresh.sh: no <labctl.baseline.version> in $root/pom.xml" >&2; exit 1; }

rm -rf "$repo"
tool="$(mktemp -d)"
trap 'rm -rf "$tool"' EXIT
# StripToApi reads manifest headers with the protocol bundle's parser
protocol_jar="$(find "$root/core-bundles/protocol/target" -maxdepth 1 -name 'io.labctl.protocol-*.jar' ! -name '*-sources.jar' ! -name '*-tests.jar' 2>/dev/null | head -n1)"
[ -n "$protocol_jar" ] || { echo "refresh.sh: io.labctl.protocol is not built (core-bundles/protocol/target): run 'mvn install -DskipTests' first" >&2; exit 1; }
javac -cp "$protocol_jar" -d "$tool" "$here/StripToApi.java"
count=0
unchecked=()
while IFS= read -r pom; do
  module="$(dirname "$pom")"
  grep -q '<packaging>bundle</packaging>' "$pom" || continue
  # the module's own artifactId: the first one after its <parent> element
  artifact="$(sed -n '/<\/parent>/,$p' "$pom" | sed '1d' | sed -n 's:.*<artifactId>\([^<]*\)</artifactId>.*:\1:p' | head -n1)"
  jar="$(find "$module/target" -maxdepth 1 -name "$artifact-*.jar" ! -name '*-sources.jar' ! -name '*-tests.jar' 2>/dev/null | head -n1)"
  if [ -z "$jar" ]; then
    echo "refresh.sh: $artifact is not built ($module/target): run 'mvn install -DskipTests' first" >&2
    exit 1
  fi
  rm -rf "$local_repo/io/labctl/$artifact/$version"
  dest="$repo/io/labctl/$artifact/$version"
  status=0
  packages="$(java -cp "$tool:$protocol_jar" StripToApi "$jar" "$dest/$artifact-$version.jar" "$version")" || status=$?
  if [ "$status" = 3 ]; then
    continue # exports nothing: nothing to compare
  elif [ "$status" != 0 ]; then
    exit "$status"
  fi
  if ! grep -q '<baseline.skip>false</baseline.skip>' "$pom"; then
    unchecked+=("$artifact ($pom)")
  fi
  cat > "$dest/$artifact-$version.pom" <<POM
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.labctl</groupId>
  <artifactId>$artifact</artifactId>
  <version>$version</version>
  <description>API baseline: the exported packages of $artifact $version</description>
</project>
POM
  echo "$artifact $version: $packages"
  count=$((count + 1))
done < <(find "$root/core-bundles" "$root/agent-bundles" "$root/bastion-bundle" -name pom.xml -not -path '*/target/*' -not -path '*/archetype-resources/*' \
  -not -path "$here/*" | sort)
echo "baseline $version: $count API jars in ${repo#"$root"/}"
if [ ${#unchecked[@]} -gt 0 ]; then
  echo "refresh.sh: these bundles export packages but do not turn the baseline check on; add" >&2
  echo "  <properties><baseline.skip>false</baseline.skip></properties> to their pom:" >&2
  printf '  %s\n' "${unchecked[@]}" >&2
  exit 1
fi
