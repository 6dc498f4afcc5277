# SPDX-License-Identifier: Apache-2.0
# Sourced by bochs.sh and qemu.sh: run an emulator until its serial log
# matches --until, it exits by itself, or --timeout seconds pass.

usage() {
	echo "usage: $0 (--disk IMG | --pxe DIR) [--cpus N] [--timeout S] [--log FILE] [--until REGEX] [--show] [--model M]" >&2
	exit 2
}

disk="" pxe="" cpus=1 timeout=120 log="" until="" show=0 model=${MODEL:-corei7_skylake_x}
parse_args() {
	while [ $# -gt 0 ]; do
		case $1 in
		--disk) disk=$2; shift ;;
		--pxe) pxe=$2; shift ;;
		--cpus) cpus=$2; shift ;;
		--timeout) timeout=$2; shift ;;
		--log) log=$2; shift ;;
		--until) until=$2; shift ;;
		--model) model=$2; shift ;;
		--show) show=1 ;;
		*) usage ;;
		esac
		shift
	done
	[ -n "$disk$pxe" ] && [ -n "$log" ] || usage
	case $cpus in '' | *[!0-9]*) usage ;; esac
	mkdir -p "$(dirname "$log")"
	: >"$log"
}

# watch PID: returns 0 when --until matched (or the emulator ended by itself
# with no --until given), 1 on timeout (with or without --until: a run that
# did not finish is no success) or an early exit without a match.
watch_emulator() {
	local pid=$1 start=$SECONDS tailpid="" rc=1
	if [ "$show" = 1 ]; then
		tail -f "$log" &
		tailpid=$!
	fi
	while :; do
		if [ -n "$until" ] && grep -aEq -- "$until" "$log"; then
			rc=0
			break
		fi
		if ! kill -0 "$pid" 2>/dev/null; then
			[ -z "$until" ] && rc=0
			break
		fi
		if [ $((SECONDS - start)) -ge "$timeout" ]; then
			echo "watch: timeout after ${timeout}s" >&2
			break
		fi
		sleep 0.5
	done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	[ -n "$tailpid" ] && kill "$tailpid" 2>/dev/null
	echo "watch: $(basename "$0") ran $((SECONDS - start))s" >&2
	return $rc
}
