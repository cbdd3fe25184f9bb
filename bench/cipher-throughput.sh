#!/usr/bin/env bash
# AES-GCM against ChaCha20-Poly1305 in the JDK's provider, one thread, 16 KiB records (TLS's), with C1 only (as
# lab-agent and a one-shot labctl run) and with C2 (as labd and the labctl session run): why each asks labd for the
# suite it does (io.labctl.protocol.TlsSuites). The last round of each is the steady state.
# Usage: bench/cipher-throughput.sh [rounds]   (default 8; each round is 100 MiB per cipher)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rounds=${1:-8}
echo "== C1 only (-XX:TieredStopAtLevel=1)"
java -XX:TieredStopAtLevel=1 "$here/CipherThroughput.java" "$rounds"
echo "== C1 and C2 (the JDK's default)"
java "$here/CipherThroughput.java" "$rounds"
