#!/usr/bin/env bash
# Git URL to a module running on the targeted agents: a module generated from labctl's archetype, committed to a git
# repository, added with 'labctl modules add NAME --git URL' to a labd started from the distribution with its default
# build settings (build-api/ shipped in the distribution, the Maven cache of labd's user warm), then applied by label
# to AGENTS of the 2*AGENTS agents. ROUNDS times: a new commit (version bumped) and 'modules update', then the apply
# of the new version. Splits from the build's own log (its [labd] lines carry the time since the build started):
# clone, prepare (the build's Maven repository), build and tests (Maven in the sandbox), check and publish; then the
# apply (agents fetch, install and run it). Goal (issue 15): <= 60 s from the URL to the module running.
# Usage: bench/module-from-git.sh [agents] [rounds]   (default 2 3)
# Needs: mvn -B install -DskipTests (the distributions, the CLI jar, the archetype in ~/.m2), git, jq, bc, bwrap.
set -euo pipefail
agents=${1:-2}
rounds=${2:-3}
work=$(mktemp -d /tmp/labctl-git-bench.XXXXXX)
chmod 755 "$work"   # the build user (nobody when labd runs as root) walks into labd's data folder
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/ssh-baseline.sh"
source "$here/lib-agents.sh"
for c in jq bc git bwrap mvn; do command -v "$c" >/dev/null || { echo "needs $c" >&2; exit 2; }; done
trap cleanup EXIT
trap 'exit 130' INT TERM
version=$(basename "$labd_tar" .tar.gz); version=${version#labd-}   # the build these distributions came from

setup_cli
install_labd
start_labd_session
for i in $(seq $((2 * agents))); do
  role=web; [ "$i" -gt "$agents" ] && role=db
  mkdir -p "$work/roots/g$i" "$work/agent-$i/etc"
  printf 'root = %s\n' "$work/roots/g$i" > "$work/agent-$i/etc/io.labctl.agent.modules.cfg"
  "${lc[@]}" describe environment/bench >/dev/null 2>&1 || "${lc[@]}" create environment bench --cloud bench >/dev/null  # tokens name an existing environment
  token=$("${lc[@]}" create token --server "g$i" --env bench --role "$role" 2>/dev/null)
  start_agent "$work/agent-$i" "g$i" "$token"
done
for i in $(seq $((2 * agents))); do wait_online "g$i"; done

echo "== the author's project: archetype -> git repository"
(cd "$work" && mvn -B -q -o org.apache.maven.plugins:maven-archetype-plugin:3.3.1:generate -DinteractiveMode=false \
  -DarchetypeCatalog=internal -DarchetypeGroupId=io.labctl -DarchetypeArtifactId=labctl-module-archetype \
  -DarchetypeVersion="$version" -DgroupId=com.example -DartifactId=greeter -DmoduleName=greeter >/dev/null)
g=(git -C "$work/greeter" -c user.name=bench -c user.email=bench@labctl.invalid)
"${g[@]}" init -q -b main && "${g[@]}" add -A && "${g[@]}" commit -qm "greeter 1.0.0"
url="file://$work/greeter"

# the [labd] lines of a build's log: "[labd] (+12.3 s) text" -> seconds at the first line matching each marker
splits() {
  "${lc[@]}" logs "build/$1" > "$work/build.log"
  awk '/^\[labd\] \(\+/ { t = $2; gsub(/[(+]/, "", t)
         if (!c && /checked out/) c = t; if (!p && /the build.s Maven repository/) p = t
         if (!m && /^\[labd\] \(\+[0-9.]+ s\) sandbox:/) m = t; if (!u && /published/) u = t }
       END { printf "%.1f %.1f %.1f %.1f\n", c, p - c, m - p, u - m }' "$work/build.log"
}
report() {   # label, wall seconds of add/update, build id, wall seconds of apply
  local s; s=($(splits "$3"))
  printf '%-22s URL->published %5.1f s (clone %s, prepare %s, build+tests %s, check+publish %s) | apply to %s agents %5.1f s | total %5.1f s\n' \
    "$1" "$2" "${s[0]}" "${s[1]}" "${s[2]}" "${s[3]}" "$agents" "$4" "$(echo "$2 + $4" | bc)"
}
build_id() { "${lc[@]}" modules sources -o json | jq -r '.[] | select(.name == "greeter") | .lastBuild'; }
apply() {   # version: applied to role=web, checked on every web root and absent from the db ones
  local t0 n; t0=$(now)
  "${lc[@]}" modules apply "greeter@$1" -l role=web > /dev/null 2>&1
  apply_s=$(since "$t0")
  n=$(grep -l "greeting = hello" "$work"/roots/g*/etc/greeter/greeter.conf 2>/dev/null | wc -l)
  [ "$n" = "$agents" ] || { echo "greeter $1 runs on $n agents, not $agents" >&2; exit 1; }
}

echo "== modules add greeter --git $url, then apply -l role=web ($agents of $((2 * agents)) agents)"
t0=$(now)
"${lc[@]}" modules add greeter --git "$url" --ref main > /dev/null 2>&1 || { "${lc[@]}" logs "build/$(build_id)" | tail -30; exit 1; }
add_s=$(since "$t0")
apply 1.0.0
report "add 1.0.0" "$add_s" "$(build_id)" "$apply_s"
for r in $(seq "$rounds"); do
  v="1.$r.0"
  sed -i "0,/<version>1\.[0-9]*\.0<\/version>/s//<version>$v<\/version>/" "$work/greeter/pom.xml"
  "${g[@]}" commit -qam "greeter $v"
  t0=$(now)
  "${lc[@]}" modules update greeter > /dev/null 2>&1 || { "${lc[@]}" logs "build/$(build_id)" | tail -30; exit 1; }
  up_s=$(since "$t0")
  apply "$v"
  report "update $v" "$up_s" "$(build_id)" "$apply_s"
done
