#!/usr/bin/env bash
# Runs every fuzz target (func Fuzz… in any *_test.go) for a bounded time
# each: fuzz.sh [per-target time, default 20s]. Minimizing a new
# interesting input is capped at 3s: with large seeds (a whole policy.yaml)
# the default 60s would eat the whole budget. A finding is written to
# testdata/fuzz/<Target>/ of its package and fails the run; nothing is
# written to the tree otherwise. Among them, FuzzServerMode (bot/wechat)
# and FuzzWeChatMode (cmd/internal/config) hold the WeChat mode selection
# (plain / compatible / safe) to the configuration, FuzzCryptoDecrypt
# (bot/dingtalk) DingTalk's callback decryption.
#
# Go 1.26's fuzz coordinator can end a clean run with a bare "context
# deadline exceeded" when -fuzztime expires while a worker is busy
# (golang/go#75804, fixed in Go 1.27). Such a run wrote no failing input
# and is reported but not counted as a failure; every other non-zero exit
# (a crasher, a hang, a build error) is.
set -euo pipefail
cd "$(dirname "$0")/.."
budget=${1:-20s}
start=$SECONDS
n=0
failed=()
out=$(mktemp)
trap 'rm -f "$out"' EXIT
count() { if [ -d "$1" ]; then find "$1" -type f | wc -l; else echo 0; fi; }
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
    echo "fuzz: $pkg $target ($budget)"
    corpus="$dir/testdata/fuzz/$target"
    before=$(count "$corpus")
    rc=0
    go test -run '^$' -fuzz "^${target}\$" -fuzztime "$budget" -fuzzminimizetime 3s "$pkg" 2>&1 | tee "$out" || rc=$?
    after=$(count "$corpus")
    n=$((n + 1))
    if [ "$rc" -ne 0 ]; then
      if [ "$after" -eq "$before" ] && grep -q '^    context deadline exceeded$' "$out" && ! grep -q 'Failing input written' "$out"; then
        echo "fuzz: $target: Go's fuzztime deadline race (golang/go#75804), no failing input: not a finding"
      else
        failed+=("$pkg $target")
      fi
    fi
  done
done
echo "fuzz: $n targets in $((SECONDS - start))s"
if [ ${#failed[@]} -gt 0 ]; then
  printf 'fuzz: FAILED %s\n' "${failed[@]}"
  exit 1
fi
