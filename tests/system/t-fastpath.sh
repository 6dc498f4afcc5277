# SPDX-License-Identifier: Apache-2.0
# The nested fast path (docs/nested.md, "Round trip"): the differential
# fuzzer in its resume mode. Each case's mutations land on a vmcs12 that
# has entered twice, so L0 checks and rebuilds only what changed; the
# verdicts must still be bare Bochs' (Bochs deviations apart).
t_fuzz_resume() {
	local n=fuzz-resume start=$SECONDS
	if tests/system/fuzz.sh --resume --seed 3 --cases 1000 --stall 45 --out "$OUT/fuzz-resume" \
		>"$OUT/fuzz-resume.txt" 2>&1; then
		ok $n "$(tail -n 1 "$OUT/fuzz-resume.txt") in $((SECONDS - start))s"
	else
		bad $n "$(tail -n 1 "$OUT/fuzz-resume.txt")"
		grep -aE '^(DISAGREE|GAP)' "$OUT/fuzz-resume.txt" | head -n 10
	fi
	if grep -q '^fuzz: 1000 cases, ' "$OUT/fuzz-resume.txt"; then ok $n "all 1000 cases ran on both sides"; else bad $n "not all 1000 cases ran"; fi
	# the mode is what it says only if every baseline entered twice
	local warm
	warm=$(cat "$OUT"/fuzz-resume/{bare,l0}.cases 2>/dev/null | grep -ac ' => warm-')
	if [ "${warm:-1}" = 0 ]; then ok $n "every case's baseline entered with VMLAUNCH and VMRESUME"; else bad $n "$warm cases' baseline did not enter twice"; fi
}
ALL="$ALL fuzz_resume"
