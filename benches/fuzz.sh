#!/usr/bin/env bash
# Fuzzes tarikh with cargo-fuzz (libFuzzer): builds the targets in fuzz/
# and runs each for a bounded time, one after the other, then says how
# many inputs each ran and whether it found anything (a crash, timeout,
# out-of-memory or leak input, kept in fuzz/artifacts/<target>/).
#
#   benches/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]    (default: 60, all)
#
# The targets are built once, then their binaries are run directly (so
# all of them fuzz the same build even if the sources change meanwhile).
# New inputs go to a scratch corpus, fuzz/scratch/<target>/ (ignored by
# git, kept between runs); the seed corpus fuzz/corpus/<target>/ is only
# read. Builds and runs are niced; the build goes to $CARGO_TARGET_DIR
# (default /var/tmp/tarikh-fuzz-target). Needs a nightly toolchain
# ($FUZZ_TOOLCHAIN, default nightly). Exits 1 when anything was found.
set -euo pipefail

cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
if [[ $# -gt 0 ]]; then targets=("$@"); else targets=(extract dates cursor graphql); fi
case $secs in '' | *[!0-9]*) echo "seconds must be a whole number, got '$secs'" >&2; exit 2 ;; esac

toolchain=${FUZZ_TOOLCHAIN:-nightly}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/tmp/tarikh-fuzz-target}
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz"
    nice -n 19 cargo install cargo-fuzz
fi

triple=$(rustc "+$toolchain" -vV | sed -n 's/^host: //p')
nice -n 19 cargo "+$toolchain" fuzz build --target-dir "$CARGO_TARGET_DIR" --target "$triple"
bin_dir=$CARGO_TARGET_DIR/$triple/release
echo "built from $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src migration Cargo.toml || echo ' plus uncommitted changes')"

# The graphql target keeps its SQLite store here; removed on exit.
db_dir=$(mktemp -d "${TMPDIR:-/tmp}/tarikh-fuzz-db.XXXXXX")
marker=$(mktemp "${TMPDIR:-/tmp}/tarikh-fuzz-start.XXXXXX")
trap 'rm -rf "$db_dir" "$marker"' EXIT

found_any=0
summary=()
for t in "${targets[@]}"; do
    scratch=$PWD/fuzz/scratch/$t
    artifacts=$PWD/fuzz/artifacts/$t
    log=$PWD/fuzz/scratch/$t.log
    mkdir -p "$scratch" "$artifacts" "$PWD/fuzz/corpus/$t"
    touch "$marker"
    args=(-max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
        -artifact_prefix="$artifacts/")
    if [[ -f fuzz/dict/$t.dict ]]; then args+=(-dict="$PWD/fuzz/dict/$t.dict"); fi
    echo "== $t: ${secs}s (log: $log)"
    set +e
    TARIKH_FUZZ_DB_DIR=$db_dir ASAN_OPTIONS=${ASAN_OPTIONS:-detect_odr_violation=0} \
        nice -n 19 "$bin_dir/$t" "${args[@]}" "$scratch" "$PWD/fuzz/corpus/$t" >"$log" 2>&1
    rc=$?
    set -e
    execs=$(awk '/stat::number_of_executed_units:/ {n=$2} END {print n}' "$log")
    if [[ -z $execs ]]; then
        execs=$(sed -n 's/.*#\([0-9][0-9]*\)\t.*/\1/p' "$log" | tail -n 1)
    fi
    new=$(find "$artifacts" -type f -newer "$marker" \
        \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | sort)
    if [[ -n $new || $rc -ne 0 ]]; then
        found_any=1
        what=${new:-"no artifact, exit status $rc: see $log"}
        summary+=("$t: ${execs:-?} executions, FOUND: $(echo "$what" | tr '\n' ' ')")
        grep -m 3 -E "panicked at|ERROR: libFuzzer|ERROR: AddressSanitizer|^thread '" "$log" | sed 's/^/    /' || true
    else
        summary+=("$t: ${execs:-?} executions, nothing found")
    fi
done

echo "== summary (${secs}s per target)"
printf '%s\n' "${summary[@]}"
exit "$found_any"
