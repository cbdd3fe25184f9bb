# Shared by the bench scripts that compare labctl with OpenSSH: a throwaway sshd on a random loopback port, in a
# private mount namespace (it needs /run/sshd), with its own host key, a client key and an ssh_config that names
# N "hosts" h1..hN, all of them that one sshd. Key authentication, known host key, no connection sharing: every ssh
# does a full TCP connect + key exchange + authentication, as every labctl invocation does its own TLS handshake.
# Source it; set $work first. Needs: openssh-server, openssh-client (Debian), unshare (util-linux).
#   start_sshd N   -> $ssh_cfg (ssh -F), $ssh_hosts (one alias a line, for parallel-ssh -h), $ssh_port
#   stop_sshd      stops that sshd (by its process id)
ssh_pid=

start_sshd() {
  local n=${1:-1} d="$work/ssh" i
  mkdir -p "$d"; chmod 700 "$d"
  ssh_port=$((20000 + RANDOM % 20000))
  while ss -Hltn "sport = :$ssh_port" 2>/dev/null | grep -q .; do ssh_port=$((20000 + RANDOM % 20000)); done
  ssh-keygen -q -t ed25519 -N '' -f "$d/host_key"
  ssh-keygen -q -t ed25519 -N '' -f "$d/id"
  cp "$d/id.pub" "$d/authorized_keys"
  cat > "$d/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $ssh_port
HostKey $d/host_key
PidFile none
AuthorizedKeysFile $d/authorized_keys
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
UseDNS no
MaxStartups 200
MaxSessions 200
LogLevel ERROR
Subsystem sftp internal-sftp
EOF
  echo "[127.0.0.1]:$ssh_port $(cut -d' ' -f1,2 "$d/host_key.pub")" > "$d/known_hosts"
  ssh_cfg="$d/ssh_config"; ssh_hosts="$d/hosts"; : > "$ssh_cfg"; : > "$ssh_hosts"
  for i in $(seq "$n"); do
    printf 'Host h%s\n  HostName 127.0.0.1\n' "$i" >> "$ssh_cfg"
    echo "h$i" >> "$ssh_hosts"
  done
  cat >> "$ssh_cfg" <<EOF
Host *
  Port $ssh_port
  User $(id -un)
  IdentityFile $d/id
  IdentitiesOnly yes
  UserKnownHostsFile $d/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  BatchMode yes
  ControlMaster no
  ControlPath none
  ControlPersist no
  LogLevel ERROR
EOF
  # The sshd's namespace also gets an empty home directory: this machine's ~/.bashrc runs 'pyenv init', which the
  # shell sshd starts for every command sources (0.28 s per command here) and which a target host would not have.
  # unshare without --fork execs, sh execs: $! is sshd itself
  unshare -m sh -c 'mount -t tmpfs tmpfs /run && mkdir -p /run/sshd && mount -t tmpfs tmpfs "$2" &&
    exec /usr/sbin/sshd -D -e -f "$1"' sh "$d/sshd_config" "$HOME" >> "$work/sshd.out" 2>&1 < /dev/null &
  ssh_pid=$!
  local tries=0
  until ssh -F "$ssh_cfg" h1 true 2>/dev/null; do
    tries=$((tries + 1))
    if [ "$tries" -gt 100 ] || ! kill -0 "$ssh_pid" 2>/dev/null; then
      echo "sshd did not come up:" >&2; cat "$work/sshd.out" >&2; return 1
    fi
    sleep 0.1
  done
}

stop_sshd() {
  if [ -n "$ssh_pid" ]; then
    kill "$ssh_pid" 2>/dev/null || true
    while kill -0 "$ssh_pid" 2>/dev/null; do sleep 0.1; done
    ssh_pid=
  fi
}
