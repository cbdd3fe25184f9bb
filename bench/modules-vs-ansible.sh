#!/usr/bin/env bash
# Configuration management: the same desired state (50 files over 5 directories, a line in a file, a package that is
# already installed) as a labctl module (modules/examples/tree, applied by 'labctl modules apply' through N
# lab-agents) and as an Ansible playbook (ansible-playbook -f N over N ssh aliases of one loopback sshd, as in
# fanout.sh). Every target has its own root folder: each agent resolves the module's paths under its own
# (agent setting io.labctl.agent.modules root), each Ansible host writes under its own {{ root }}.
# Measured, interleaved per round: the first apply on empty roots, a no-op re-apply, a drift check on one server
# ('labctl modules status --refresh -l name=a1' against 'ansible-playbook --check --limit h1').
# Usage: bench/modules-vs-ansible.sh [targets] [runs]   (defaults 20 and 3); WARMUP (default 1) unmeasured rounds first;
# ONLY=drift measures the drift check alone (minutes instead of most of an hour).
# An Ansible round on 20 targets takes minutes on 2 cores: WARMUP=0 and one run give the ratios in about 15 minutes.
# Needs the distributions, the CLI jar and the example module (mvn -B install -DskipTests), and from Debian:
# ansible openssh-server openssh-client jq bc.
set -euo pipefail
n=${1:-20}
runs=${2:-3}
batch=4
work=$(mktemp -d /tmp/labctl-modules-bench.XXXXXX)
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/ssh-baseline.sh"
source "$here/lib-agents.sh"
for c in jq bc ssh /usr/sbin/sshd ansible-playbook; do
  command -v "$c" >/dev/null || { echo "needs $c (apt-get install ansible openssh-server jq bc)" >&2; exit 2; }
done
module_jar=$(ls "$root"/modules/examples/tree/target/labctl-module-example-tree-*.jar | head -1)
trap cleanup EXIT
trap 'exit 130' INT TERM

setup_cli
install_labd
start_labd_session
"${lc[@]}" describe environment/bench >/dev/null 2>&1 || "${lc[@]}" create environment bench --cloud bench >/dev/null  # tokens name an existing environment
token=$("${lc[@]}" create token --reusable --env bench --ttl 1h 2>/dev/null)
"${lc[@]}" repo push "$module_jar" >/dev/null

echo "== starting $n agents, $batch at a time, each with its own root folder"
for first in $(seq 1 "$batch" "$n"); do
  last=$((first + batch - 1)); [ "$last" -gt "$n" ] && last=$n
  for i in $(seq "$first" "$last"); do
    mkdir -p "$work/roots/a$i" "$work/agents/a$i/etc"
    printf 'root = %s\n' "$work/roots/a$i" > "$work/agents/a$i/etc/io.labctl.agent.modules.cfg"
    start_agent "$work/agents/a$i" "a$i" "$token"
  done
  for i in $(seq "$first" "$last"); do
    for t in $(seq 1200); do
      grep -q "connected to labd" "$work/agents/a$i/data/log/karaf.log" 2>/dev/null && break
      [ "$t" = 1200 ] && { echo "agent a$i did not connect in 120 s" >&2; tail -20 "$work/agents/a$i.out" >&2; exit 1; }
      sleep 0.1
    done
  done
done
for _ in $(seq 120); do
  online=$("${lc[@]}" get servers -l env=bench -o json | jq '[.[] | select(.status == "online")] | length')
  [ "$online" = "$n" ] && break
  sleep 1
done
[ "$online" = "$n" ] || { echo "only $online of $n agents online" >&2; exit 1; }

start_sshd "$n"
mkdir -p "$work/ansible"
{
  echo "[targets]"
  for i in $(seq "$n"); do echo "h$i root=$work/roots/h$i"; done
  echo "[targets:vars]"
  echo "ansible_ssh_common_args='-F $ssh_cfg'"
  echo "ansible_python_interpreter=/usr/bin/python3"
} > "$work/ansible/inventory"
cat > "$work/ansible/tree.yml" <<'EOF'
- hosts: targets
  gather_facts: false
  tasks:
    - name: directories
      ansible.builtin.file: { path: "{{ root }}/srv/tree{{ item }}", state: directory, mode: "0755" }
      loop: ["", "/d1", "/d2", "/d3", "/d4", "/d5"]
    - name: files
      ansible.builtin.copy:
        dest: "{{ root }}/srv/tree/d{{ (item - 1) % 5 + 1 }}/f{{ item }}.conf"
        content: "managed by labctl\nfile {{ item }} on {{ inventory_hostname }}\n"
        mode: "0644"
      loop: "{{ range(1, 51) | list }}"
    - name: a line in a file
      ansible.builtin.lineinfile: { path: "{{ root }}/srv/tree/settings.conf", line: "managed=true", regexp: "^managed=", create: true }
    - name: a package that is installed
      ansible.builtin.apt: { name: bash, state: present }
EOF
export ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_STDOUT_CALLBACK=minimal ANSIBLE_LOCALHOST_WARNING=False ANSIBLE_NOCOLOR=1
play=(ansible-playbook -i "$work/ansible/inventory" -f "$n" "$work/ansible/tree.yml")
reset_roots() { rm -rf "$work"/roots/*/srv; }

# both must really converge all n targets before anything is timed
reset_roots
out=$("${lc[@]}" modules apply example-tree -l env=bench -o json)
ok=$(echo "$out" | jq -s '[.[] | select(.type == "result" and .report.failed == 0 and .report.changed == 57)] | length')
[ "$ok" = "$n" ] || { echo "labctl modules apply: $ok of $n targets made 57 changes" >&2; echo "$out" | tail -3 >&2; exit 1; }
# (ONLY=drift: Ansible converges h1 alone, the one host its drift check looks at)
hosts=$n; limit=(); [ "${ONLY:-}" = drift ] && { hosts=1; limit=(--limit h1); }
"${play[@]}" "${limit[@]}" > "$work/ansible/first.out" 2>&1 || { tail -20 "$work/ansible/first.out" >&2; exit 1; }
[ "$(ls "$work"/roots/h*/srv/tree/d*/f*.conf | wc -l)" = $((50 * hosts)) ] || { echo "ansible wrote too few files" >&2; exit 1; }
out=$("${lc[@]}" modules apply example-tree -l env=bench -o json)
ok=$(echo "$out" | jq -s '[.[] | select(.type == "result" and .report.changed == 0 and .report.failed == 0)] | length')
[ "$ok" = "$n" ] || { echo "labctl re-apply: $ok of $n targets unchanged" >&2; exit 1; }

if [ "${ONLY:-}" != drift ]; then
  measure "labctl modules apply (first, $n empty roots)" "reset_roots; ${lc[*]} modules apply example-tree -l env=bench"
  measure "ansible-playbook -f $n (first, $n empty roots)" "reset_roots; ${play[*]}"
  measure "labctl modules apply (no-op re-apply)" "${lc[*]} modules apply example-tree -l env=bench"
  measure "ansible-playbook -f $n (no-op re-apply)" "${play[*]}"
fi
# a drift check must find drift: one file of a1 and of h1 edited by hand before every check
drift() { echo "edited by hand" >> "$work/roots/$1/srv/tree/d1/f1.conf"; }
measure "labctl modules status --refresh -l name=a1 (drift check)" "drift a1; ${lc[*]} modules status example-tree --refresh -l name=a1 | grep -q drifted"
measure "ansible-playbook --check --limit h1 (drift check)" "drift h1; ${play[*]} --check --limit h1 | grep -q CHANGED"
echo "== $runs rounds (after ${WARMUP:-1} warm-up rounds); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
run_rounds "${WARMUP:-1}" "$runs"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

# The check without the CLI's own start (its floor is 'labctl version', see exec-vs-ssh.sh): the same request a
# warm client makes, 1 + 20 times on one kept mutual-TLS connection (curl reuses it); the first, with the handshake,
# is left out. The admin's certificate and key come from the CLI's context.
python3 - "$LABCTL_CONFIG" "$work" <<'PY'
import sys, yaml
ctx = yaml.safe_load(open(sys.argv[1]))["contexts"][0]
for name, key in (("ca.pem", "caCertificate"), ("admin.pem", "certificate"), ("admin.key", "privateKey")):
    open(sys.argv[2] + "/" + name, "w").write(ctx[key])
PY
api="https://127.0.0.1:$port/api/v1/modules/status?module=example-tree&selector=name%3Da1&refresh=true"
urls=(); for _ in $(seq 21); do urls+=(-o /dev/null "$api"); done   # -o once per URL: curl pairs them
drift a1
curl -sf --cacert "$work/ca.pem" --cert "$work/admin.pem" --key "$work/admin.key" -w '%{time_total}\n' \
  "${urls[@]}" | tail -n +2 | awk '{ printf "%.1f\n", $1 * 1000 }' | sort -n > "$work/api-checks"
curl -sf --cacert "$work/ca.pem" --cert "$work/admin.pem" --key "$work/admin.key" "$api" | grep -q '"drifted"' \
  || { echo "labd's API check did not find a1's drift" >&2; exit 1; }
api_median=$(awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }' "$work/api-checks")
api_p90=$(awk '{ a[NR] = $1 } END { print a[int(NR * 0.9)] }' "$work/api-checks")
echo "drift check through labd's API on a kept connection (20 requests): median $api_median ms, p90 $api_p90 ms"
echo
print_timings
ratio() { printf '%.3f' "$(echo "scale=4; $1 / $2" | bc)"; }
verdict() { if [ "$(echo "$1 <= $2" | bc)" = 1 ]; then echo met; else echo MISSED; fi; }
k=0
if [ "${ONLY:-}" != drift ]; then
  read -r l1 _ < <(stats 0); read -r a1 _ < <(stats 1)
  read -r l2 _ < <(stats 2); read -r a2 _ < <(stats 3)
  k=4
fi
read -r l3 _ < <(stats $k); read -r a3 _ < <(stats $((k + 1)))
echo
printf '| %s | %s | %s | %s | %s | %s |\n' measure labctl ansible ratio goal verdict
printf '| %s | %s | %s | %s | %s | %s |\n' --- --- --- --- --- ---
if [ "${ONLY:-}" != drift ]; then
  printf '| first apply, %s targets | %s ms | %s ms | %s | ≤ 0.25 | %s |\n' "$n" "$l1" "$a1" "$(ratio "$l1" "$a1")" "$(verdict "$(ratio "$l1" "$a1")" 0.25)"
  printf '| no-op re-apply, %s targets | %s ms | %s ms | %s | ≤ 0.1 | %s |\n' "$n" "$l2" "$a2" "$(ratio "$l2" "$a2")" "$(verdict "$(ratio "$l2" "$a2")" 0.1)"
fi
printf '| drift check, one server, through labctl | %s ms | %s ms | %s | ≤ 100 ms | %s |\n' "$l3" "$a3" "$(ratio "$l3" "$a3")" "$(verdict "$l3" 100)"
printf '| drift check, one server, labd API on a kept connection | %s ms | %s ms | %s | ≤ 100 ms | %s |\n' "$api_median" "$a3" "$(ratio "$api_median" "$a3")" "$(verdict "$api_median" 100)"
