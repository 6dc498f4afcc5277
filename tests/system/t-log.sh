# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# Diagnostics L1 cannot abuse (issue 9, finding 8): L1 fails a VM-entry
# check 5,000 times on each of two CPUs at once (tests/guests/attack_log.c).
# The payload shows every attempt got VMfailValid(7) and was counted by L0
# (HC_GUEST_EVENTS); here the log must hold only the first lines of each
# vCPU plus what the steady rate allows in the time the attack took, and
# the counters L0 prints must agree with the lines in the log.

LOGCHECKS="vmx-usable two-cpus ap-started both-sides-overlapped
side0-setup side0-vmfail-every-time side0-every-failure-counted side0-lines-accounted
side1-setup side1-vmfail-every-time side1-every-failure-counted side1-lines-accounted
hc-all-vcpus hc-global hc-bad-kind hc-bad-scope tsc-jump-seen-by-l1 tsc-adjust-follows tsc-jump-no-new-lines
counters-printed counters-flood-limited
l0-alive-every-cpu"

# log_count NAME REGEX: lines of the cleaned log that match
log_count() { clean "$OUT/$1.log" | grep -acE -- "$2"; }

t_log_flood() {
	local n=log-flood line burst per khz side cpu tsc printed allowed lines sums total
	guest $n attack_log 2 "$LOGCHECKS"
	line=$(clean "$OUT/$n.log" | grep -aoE 'core: guest events: [0-9]+ lines per kind and vCPU, then [0-9]+ per second; TSC [0-9]+ kHz' | head -n 1)
	if [[ $line =~ ([0-9]+)\ lines.*then\ ([0-9]+)\ per.*TSC\ ([0-9]+)\ kHz ]]; then
		burst=${BASH_REMATCH[1]} per=${BASH_REMATCH[2]} khz=${BASH_REMATCH[3]}
		ok $n "limiter: $burst lines, then $per/s, TSC $khz kHz"
	else
		bad $n "no limiter line from L0"
		return
	fi
	for side in 0 1; do
		cpu=$side # side 0 is the BSP (cpu0), side 1 the only AP (cpu1)
		line=$(clean "$OUT/$n.log" | grep -aoE "^attack_log: side$side lines printed [0-9]+ suppressed [0-9]+ tsc [0-9]+" | head -n 1)
		if ! [[ $line =~ printed\ ([0-9]+)\ suppressed\ ([0-9]+)\ tsc\ ([0-9]+) ]]; then
			bad $n "side$side: no line counts from the payload"
			continue
		fi
		printed=${BASH_REMATCH[1]} tsc=${BASH_REMATCH[3]}
		# burst + one line per interval of hz/per ticks in the attack's time
		allowed=$((burst + tsc / (khz * 1000 / per)))
		lines=$(log_count $n "^\\[info cpu$cpu\\] nested: VM-entry check ctl\\.pin\\.reserved failed")
		if [ "$lines" -ge 1 ] && [ "$lines" -le "$allowed" ]; then
			ok $n "cpu$cpu: $lines check lines for 5000 failures (at most $allowed: $burst + $tsc TSC ticks at $per/s)"
		else
			bad $n "cpu$cpu: $lines check lines for 5000 failures (allowed 1..$allowed)"
		fi
		if [ "$lines" -le 10 ]; then ok $n "cpu$cpu: at most 10 lines"; else bad $n "cpu$cpu: $lines lines (more than 10)"; fi
		if [ "$lines" -eq "$printed" ]; then
			ok $n "cpu$cpu: the log holds exactly the $printed lines L0 says it printed"
		else
			bad $n "cpu$cpu: $lines lines in the log, L0 says it printed $printed"
		fi
		# every summary line stands before a printed line: never more of them
		sums=$(log_count $n "^\\[info cpu$cpu\\] gevent: [0-9]+ more suppressed: VM-entry check failed$")
		if [ "$sums" -le "$lines" ]; then
			ok $n "cpu$cpu: $sums 'more suppressed' lines (at most one per printed line)"
		else
			bad $n "cpu$cpu: $sums 'more suppressed' lines for $lines printed"
		fi
		# cpu0 also failed 200 times after its TSC jump (no new line)
		total=$((cpu == 0 ? 5200 : 5000))
		expect $n "\\[info cpu0\\] events: cpu$cpu VM-entry check failed $total \\($printed lines printed, $((total - printed)) suppressed\\)" "cpu$cpu: counters printed by HC_PRINT_COUNTERS"
	done
	expect $n '\[info cpu0\] events: cpu1 last: nested: VM-entry check ctl\.pin\.reserved failed' "the last event kept"
	# L1 asked for the counters 50 times: printed only within the budget
	line=$(clean "$OUT/$n.log" | grep -aoE '^attack_log: counters printed [0-9]+ of 50 calls' | head -n 1)
	printed=${line#attack_log: counters printed }
	printed=${printed%% *}
	lines=$(log_count $n '^\[info cpu0\] exits: cpu0 total [0-9]+')
	if [ -n "$printed" ] && [ "$lines" -eq "$printed" ] && [ "$lines" -le "$burst" ]; then
		ok $n "HC_PRINT_COUNTERS 50 times: the counters printed $lines times (at most $burst)"
	else
		bad $n "HC_PRINT_COUNTERS 50 times: printed $lines times, the payload saw ${printed:-no} (at most $burst allowed)"
	fi
	expect $n '^attack_log: side0 VMLAUNCH instructions: ' "the cost of a failing VMLAUNCH measured"
	clean "$OUT/$n.log" | grep -aE '^attack_log: side[01] (VMLAUNCH|lines)'
}

ALL="$ALL log_flood"
