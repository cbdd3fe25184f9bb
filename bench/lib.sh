# Shared by the bench scripts: a throwaway labd on random loopback ports, started from the built distribution.
# Source it; set $work first. Needs: mvn -B install -DskipTests (the distributions and the CLI jar).
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
port=$((20000 + RANDOM % 20000)); dbport=$((port + 1)); sshport=$((port + 2))
labd_tar=$(ls "$root"/karaf-assembly/labd/target/labd-*.tar.gz)
agent_tar=$(ls "$root"/karaf-assembly/lab-agent/target/lab-agent-*.tar.gz)
cli=(java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "$root/cli/target/labctl.jar" --config "$work/config.yaml")
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }

install_labd() {
  rm -rf "$work/labd"; mkdir -p "$work/labd"; tar -xzf "$labd_tar" -C "$work/labd" --strip-components=1
  printf 'host = 127.0.0.1\nport = %s\nadvertiseUrl = https://127.0.0.1:%s\n' "$port" "$port" > "$work/labd/etc/io.labctl.web.cfg"
  printf 'embeddedPort = %s\n' "$dbport" > "$work/labd/etc/io.labctl.persistence.cfg"
  sed -i "s/^sshPort = .*/sshPort = $sshport/" "$work/labd/etc/org.apache.karaf.shell.cfg"
}

# Starts labd; prints the seconds from launch until its health check answers 200.
start_labd() {
  local t0; t0=$(now)
  (cd "$work/labd" && exec setsid bin/karaf server) >> "$work/labd.out" 2>&1 < /dev/null &
  until [ -f "$work/labd/etc/admin.labctl.yaml" ]; do sleep 0.05; done
  awk '/caCertificate: \|/{f=1;next} /^[a-zA-Z]/{f=0} f{sub(/^  /,"");print}' "$work/labd/etc/admin.labctl.yaml" > "$work/ca.pem"
  until [ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$work/ca.pem" "https://127.0.0.1:$port/api/v1/health" 2>/dev/null)" = 200 ]; do
    sleep 0.05
  done
  since "$t0"
}

# Stops the labd started from $work (waits until it is gone).
stop_labd() { pkill -f "karaf.home=$work/labd" || true; while pgrep -f "karaf.home=$work/labd" >/dev/null; do sleep 0.2; done; }

stop_all() {
  pkill -f "karaf.home=$work" 2>/dev/null || true
  while pgrep -f "karaf.home=$work" >/dev/null; do sleep 0.2; done
}

# The itests' test classpath, for the Java benchmark programs kept there.
itests_classpath() {
  (cd "$root" && mvn -B -q -o dependency:build-classpath -pl itests -Dmdep.outputFile="$work/itests.cp" >/dev/null)
  echo "$root/itests/target/test-classes:$(cat "$work/itests.cp")"
}
