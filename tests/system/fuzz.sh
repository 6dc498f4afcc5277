#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# fuzz.sh [--seed S] [--cases N] [--first F] [--corpus | --replay FILE]
#         [--out DIR] [--build DIR] [--only bare|l0] [--log LEVEL]
#         [--stall SECONDS] [--save] [--no-adjudicate] [--no-warmup]
#         [--recompare] [--rules FILE] [--resume]
#
# The differential VM-entry fuzzer: tests/guests/nvmxfuzz.efi runs the same
# cases (seed S, cases F .. F+N-1; --corpus: every case saved in
# tests/fuzz/corpus/; --replay FILE: the "replay ..." lines of FILE) on bare
# Bochs and as L1 on Matryoshka (next=, early_consistency_checks=0 so that
# L0's software checks alone decide), both Bochs at once, and compares the
# outcomes case by case:
#
#   DISAGREE case I seed S MUTATIONS: bare=... l0=...   a Matryoshka bug
#   DEVIATION NAME case I seed S MUTATIONS: bare=... l0=...
#       explained by a rule of tests/fuzz/deviations: bare Bochs departs
#       from the SDM there (docs/bochs-deviations.md)
#   ORDER case I seed S MUTATIONS: bare=... l0=...
#       both refuse at the same stage for different reasons, and replaying
#       each part of the case alone shows both reasons and agreement on
#       each part: the SDM lets those checks run in any order (Vol. 3C 27.2,
#       27.3.1), so this counts as agreement
#   GAP case I seed S MUTATIONS: <L0's warning> [Bochs: <its reason>]
#       L0's software checks passed a vmcs02 that the CPU then refused (a
#       rule of tests/fuzz/deviations may say that the CPU, Bochs, is the
#       one that is wrong, by Bochs' own reason in the L0 side's Bochs log:
#       then it is a DEVIATION)
#   ONESIDED case I seed S MUTATIONS: bare=... l0=... (SIDE does not offer ...)
#       the case uses controls one side's CPU does not offer (the payload
#       reads its capability MSRs and says so): not compared, but that side
#       must have refused the entry as a control error (else DISAGREE)
#
# --recompare classifies the results already in --out again (after a change
# of tests/fuzz/deviations) without running the cases again; --rules FILE
# takes the rules from FILE instead (tests/unit/test-fuzz-rules.sh).
# The payload makes one entry without mutations before the cases (see
# nvmxfuzz.c); --no-warmup leaves it out.
# --resume: each case mutates a vmcs12 that entered with VMLAUNCH and
# VMRESUME, and ends in VMRESUME (L0's fast path checks only what changed;
# nvmxfuzz.c, resume=1; the part-by-part replays of the check-order
# adjudication run in it too). Seed mode only; its cases are not saved
# (corpus replays run without it).
# A side whose run stops (a hang, an emulator panic, a stopped vCPU) is
# restarted after the case that stopped it, whose outcome is "stopped".
# With --save (make fuzz SAVE=1), every DISAGREE, DEVIATION and GAP case is
# added to tests/fuzz/corpus/*.cases (tracked files), which --corpus
# replays; without it nothing outside --out is written. Last line:
#   fuzz: N cases, A agree, O one-sided, D Matryoshka disagreements,
#   V Bochs deviations, G check gaps, M missing
# (N = A + O + D + V; G counts cases that are also in A or D; M: cases
# asked for that have no outcome on a side)
# Exit status 0 iff D, G and M are 0 (2: bad usage, or no results; 3: a
# rule of tests/fuzz/deviations that cannot be read).
set -uo pipefail
caller=$PWD
root=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
cd "$root" || exit 2
# paths given on the command line are the caller's
abs() { case $1 in /*) echo "$1" ;; *) echo "$caller/$1" ;; esac; }
S=tests/system

seed=1 cases=2000 first=0 corpus=0 replay_file="" out="" build=build only=""
level=warn stall=120 save=0 adjudicate=1 warmup="" recompare=0 rules_arg="" resume=""
usage() {
	sed -n '4,7p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}
num() { case ${2-} in '' | *[!0-9]*) echo "fuzz: $1 wants a number" >&2; exit 2 ;; esac; }
while [ $# -gt 0 ]; do
	case $1 in
	--seed) num "$1" "${2-}"; seed=$2; shift ;;
	--cases) num "$1" "${2-}"; cases=$2; shift ;;
	--first) num "$1" "${2-}"; first=$2; shift ;;
	--corpus) corpus=1 ;;
	--replay) [ $# -ge 2 ] || usage; corpus=1 replay_file=$(abs "$2"); shift ;;
	--out) [ $# -ge 2 ] || usage; out=$(abs "$2"); shift ;;
	--build) [ $# -ge 2 ] || usage; build=$(abs "$2"); shift ;;
	--only) [ $# -ge 2 ] || usage; only=$2; shift
		case $only in bare | l0) ;; *) usage ;; esac ;;
	--log) [ $# -ge 2 ] || usage; level=$2; shift ;;
	--stall) num "$1" "${2-}"; stall=$2; shift ;;
	--save) save=1 ;;
	--no-save) save=0 ;;
	--no-adjudicate) adjudicate=0 ;;
	--no-warmup) warmup='warmup=0' ;;
	--recompare) recompare=1 ;;
	--resume) resume='resume=1' save=0 ;;
	--rules) [ $# -ge 2 ] || usage; rules_arg=$(abs "$2"); shift ;;
	*) usage ;;
	esac
	shift
done
out=${out:-$build/fuzz}
payload=$build/guests/nvmxfuzz.efi
l0efi=$build/matryoshka.efi
corpus_dir=tests/fuzz/corpus
rules=${rules_arg:-tests/fuzz/deviations}
[ -r "$rules" ] || { echo "fuzz: cannot read $rules" >&2; exit 2; }
mkdir -p "$out" || exit 2
[ "$recompare" = 1 ] || for f in "$payload" $([ "$only" = bare ] || echo "$l0efi"); do
	[ -r "$f" ] || { echo "fuzz: $f is missing (make B=$build all guests)" >&2; exit 2; }
done
# Early checks off where the loader knows the option (it refuses unknown ones).
early=""
grep -aq early_consistency_checks "$l0efi" 2>/dev/null && early='early_consistency_checks=0\n'
# MK_CFG_EXTRA="key=value\n...": more options for L0 (e.g. nested_state_stress=1)
early="$early${MK_CFG_EXTRA-}"

clean() { sed -e 's/\x1b\[[0-9;=?]*[a-zA-Z]//g' -e 's/\r//g' "$@" | tr -d '\000'; }

# cfg_for FILE DONE: what is left after DONE cases (a stopped one included):
# seed mode (REPLAYS empty) or the replay list REPLAYS.
cfg_for() {
	if [ -n "$REPLAYS" ]; then
		{ echo "$warmup $resume"; tail -n "+$(($2 + 1))" "$REPLAYS"; } >"$1"
	else
		printf 'seed=%s cases=%s first=%s %s %s\n' "$seed" "$((TOTAL - $2))" "$((first + $2))" "$warmup" "$resume" >"$1"
	fi
}

# run_side NAME DIR: runs the work (TOTAL cases: seed mode, or the lines of
# REPLAYS) on one side until every case has an outcome, restarting after a
# case that stops a run. Writes DIR/NAME.cases ("I S MUTATIONS => OUTCOME"),
# DIR/NAME.gaps ("I S<TAB>warnings") and DIR/NAME.info.
run_side() {
	local name=$1 dir=$2 done=0 run=0 start=$SECONDS t_first="" lines retries=0
	local log img=$dir/$name.img pid size last_size last_change why
	: >"$dir/$name.cases"
	: >"$dir/$name.gaps"
	while [ "$done" -lt "$TOTAL" ] && [ "$run" -lt 40 ]; do
		log=$dir/$name.$run.log
		cfg_for "$dir/$name.fuzz.cfg" "$done"
		if [ "$name" = bare ]; then
			$S/mkimage.sh "$img" "$payload" "" "$dir/$name.fuzz.cfg=/EFI/BOOT/fuzz.cfg" >/dev/null
		else
			printf "next=/EFI/BOOT/nvmxfuzz.efi\nlog=%s\n$early" "$level" >"$dir/l0.cfg"
			$S/mkimage.sh "$img" "$l0efi" "$dir/l0.cfg" "$payload=/EFI/BOOT/nvmxfuzz.efi" \
				"$dir/$name.fuzz.cfg=/EFI/BOOT/fuzz.cfg" >/dev/null
		fi || { echo "fuzz: $name: the image build failed" >&2; break; }
		# its own process group, so that a stuck run can be ended whole
		setsid $S/bochs.sh --disk "$img" --log "$log" --cpus 1 --timeout 1000000 \
			--until 'nvmxfuzz: summary .*exit34' 2>"$dir/$name.$run.err" &
		pid=$!
		last_size=-1 last_change=$SECONDS
		while kill -0 "$pid" 2>/dev/null; do
			sleep 1
			size=$(stat -c %s "$log" 2>/dev/null || echo 0)
			[ "$size" != "$last_size" ] && last_size=$size last_change=$SECONDS
			[ -z "$t_first" ] && grep -aq 'nvmxfuzz: case ' "$log" && t_first=$SECONDS
			# L0 stopped the vCPU or panicked: 2 s to say why, then end it
			if grep -aqE 'vmx: stopping cpu|\] PANIC' "$log"; then
				sleep 2
				kill -TERM -- -"$pid" 2>/dev/null
				break
			fi
			if [ $((SECONDS - last_change)) -ge "$stall" ]; then
				echo "fuzz: $name: no output for ${stall}s: ending run $run" >&2
				kill -TERM -- -"$pid" 2>/dev/null
				break
			fi
		done
		wait "$pid" 2>/dev/null
		lines=$(clean "$log" | grep -aoE 'nvmxfuzz: case [0-9]+ seed [0-9]+ .* => .*$' |
			sed -e 's/^nvmxfuzz: case \([0-9]*\) seed \([0-9]*\) /\1 \2 /')
		if [ -n "$lines" ]; then
			printf '%s\n' "$lines" >>"$dir/$name.cases"
			done=$((done + $(printf '%s\n' "$lines" | wc -l)))
		fi
		# L0's check-gap warnings, each with the case line that follows it
		# and Bochs' own reason: its log says why each entry of vmcs02
		# failed, in the same order (with early checks off, only the gaps'
		# entries fail); counts that differ give no reasons
		[ "$name" = l0 ] && clean "$log" | awk -v reasons="$(bochs_reasons "$log.bochs")" '
			BEGIN { nr = split(reasons, rs, "\n") }
			/the CPU (refused vmcs02|failed the entry of vmcs02)|the CPU.s dry run of vmcs02/ {
				sub(/^.*nested: /, ""); w = w (w ? " | " : "") $0; nw++; next }
			/nvmxfuzz: case [0-9]+ seed [0-9]+ / && w != "" {
				match($0, /nvmxfuzz: case [0-9]+ seed [0-9]+/)
				split(substr($0, RSTART, RLENGTH), f, " ")
				id[++ng] = f[3] " " f[5]; ww[ng] = w; w = ""
			}
			END { for (g = 1; g <= ng; g++) print id[g] "\t" ww[g] "\t" (nr == nw ? rs[g] : "") }' >>"$dir/$name.gaps"
		clean "$log" | grep -aq 'nvmxfuzz: summary' && break
		# no start: the emulator did not come up (say, no free VNC port
		# for its display); twice more, then give up
		if ! grep -aq 'nvmxfuzz: start' "$log"; then
			echo "fuzz: $name: run $run: the payload did not start (see $log)" >&2
			grep -aE 'PANIC' "$log.bochs" 2>/dev/null | tail -n 1 >&2
			retries=$((retries + 1))
			[ "$retries" -ge 3 ] && break
			sleep 2
			run=$((run + 1))
			continue
		fi
		# the case after the last one printed stopped this run
		if [ "$done" -lt "$TOTAL" ]; then
			why=$(clean "$log" "$log.bochs" 2>/dev/null | grep -aoE 'PANIC.*|vmx: stopping cpu.*|VMABORT.*' | head -n 1)
			echo "fuzz: $name: run $run stopped after $done of $TOTAL cases${why:+ ($why)}" >&2
			if [ -n "$REPLAYS" ]; then
				sed -n "$((done + 1))p" "$REPLAYS" |
					sed -E -e 's/ *#.*$//' -e 's/^replay seed=([0-9]+) case=([0-9]+) (.*)$/\2 \1 \3 => stopped/' >>"$dir/$name.cases"
			else
				# its mutations from the generator itself, on the host
				local mp m=""
				mp=$(clean "$log" | sed -n 's/.*nvmxfuzz: start .* maxphyaddr \([0-9]*\).*/\1/p' | head -n 1)
				[ -x "$CASES_BIN" ] && m=$("$CASES_BIN" "$seed" "$((first + done))" 1 ${mp:-40} | cut -d' ' -f3-)
				echo "$((first + done)) $seed ${m:-?} => stopped" >>"$dir/$name.cases"
			fi
			done=$((done + 1))
		fi
		run=$((run + 1))
	done
	echo "$name $((run + 1)) $((SECONDS - start)) $((${t_first:-$SECONDS} - start)) $done" >"$dir/$name.info"
}

# bochs_reasons LOG.bochs: Bochs' reasons for failed VM entries, one a line
# (cpu/vmx.cc's VMenterLoadCheck*: "VMENTER FAIL: ...", "VMFAIL: VMCS ...",
# "VMFAIL: VMENTRY ...", "VMENTER: ... Checks Failed", "VMX LoadMSRs ...").
bochs_reasons() {
	[ -r "$1" ] || return 0
	sed -e 's/\r//g' "$1" | grep -aE '(VMENTER FAIL|VMFAIL: VMCS|VMFAIL: VMENTRY|VMENTER: .*Failed|VMX LoadMSRs)' |
		sed -E 's/^.*(VMENTER FAIL|VMFAIL|VMENTER:|VMX LoadMSRs)/\1/'
}

# both_sides DIR: run_side for each side wanted, at the same time.
both_sides() {
	local pids="" p side
	for side in bare l0; do
		[ -n "$only" ] && [ "$only" != "$side" ] && continue
		run_side "$side" "$1" &
		pids="$pids $!"
	done
	for p in $pids; do wait "$p"; done
}

# compare DIR: one line per case that does not simply agree, on stdout
# (tests/fuzz/compare.awk, with the rules' matcher tests/fuzz/rules.awk):
#   KIND<TAB>I S<TAB>MUTATIONS<TAB>BARE<TAB>L0<TAB>EXTRA
# KIND: disagree, deviation (EXTRA: the rule), gap (EXTRA: L0's warning),
# onesided; then "total N AGREE". Status 3 if a rule cannot be read.
compare() {
	{
		grep -avE '^[[:space:]]*(#|$)' "$rules" | sed 's/^/R /'
		[ -r "$1/l0.gaps" ] && sed 's/^/W /' "$1/l0.gaps"
		# the vouching replays' outcomes (see below), if any
		[ -r "$1/vouch/bare.cases" ] && sed -E 's/^([0-9]+ [0-9]+) .* => /V \1\t/' "$1/vouch/bare.cases"
		[ -r "$1/vouch/l0.cases" ] && sed -E 's/^([0-9]+ [0-9]+) .* => /U \1\t/' "$1/vouch/l0.cases"
		sed 's/^/B /' "$1/bare.cases"
		sed 's/^/L /' "$1/l0.cases"
	} | awk -f tests/fuzz/rules.awk -f tests/fuzz/compare.awk
}

# The generator on the host (tests/fuzz/cases.c): names a case that stopped
# a run before it printed its line. Optional: without gcc, such a case is "?".
CASES_BIN=$out/cases
[ "$recompare" = 1 ] || gcc -std=gnu11 -O1 -I. -isystem /usr/include/efi -isystem /usr/include/efi/x86_64 \
	-DGNU_EFI_USE_MS_ABI -fshort-wchar -o "$CASES_BIN" tests/fuzz/cases.c \
	tests/guests/nvmxfuzz_gen.c lib/fmt.c 2>/dev/null || rm -f "$CASES_BIN"

# ---- the work ----
REPLAYS=""
if [ "$corpus" = 1 ]; then
	REPLAYS=$out/replays.txt
	if [ -n "$replay_file" ]; then
		grep -aE '^replay ' "$replay_file" >"$REPLAYS"
	else
		cat "$corpus_dir"/*.cases 2>/dev/null | grep -aE '^replay ' >"$REPLAYS"
	fi
	TOTAL=$(wc -l <"$REPLAYS")
	if [ "$TOTAL" -eq 0 ]; then
		echo "fuzz: nothing to replay"
		echo "fuzz: 0 cases, 0 agree, 0 one-sided, 0 Matryoshka disagreements, 0 Bochs deviations, 0 check gaps, 0 missing"
		exit 2
	fi
else
	TOTAL=$cases
fi
if [ "$recompare" = 1 ]; then
	[ -r "$out/bare.cases" ] && [ -r "$out/l0.cases" ] ||
		{ echo "fuzz: no results in $out to compare again" >&2; exit 2; }
else
	both_sides "$out"
fi

for side in bare l0; do
	[ -r "$out/$side.info" ] || continue
	read -r _ runs wall boot n <"$out/$side.info"
	after=$((wall - boot))
	[ "$after" -gt 0 ] || after=1
	echo "fuzz: $side: $n cases in ${wall}s ($runs run(s), ${boot}s to the first case): $((n / after)) cases/s"
done
if [ -n "$only" ]; then
	n=$(wc -l <"$out/$only.cases")
	s=$(grep -ac ' => stopped$' "$out/$only.cases")
	echo "fuzz: $only only: $n cases, $s stopped a run"
	[ "$n" -eq "$TOTAL" ] && [ "$s" -eq 0 ]
	exit $?
fi
# What each side's CPU offers (the payload reads its capability MSRs): the
# cases that use more than one side offers are "one-sided" (compare.awk).
for side in bare l0; do
	l=$(clean "$out/$side.0.log" 2>/dev/null | grep -aoE 'nvmxfuzz: capabilities pin .*' | head -n 1)
	echo "fuzz: $side: ${l#nvmxfuzz: }"
	eval "caps_$side=\$l"
done
[ "$caps_bare" = "$caps_l0" ] ||
	echo "fuzz: the two sides offer different VMX controls: cases that use the difference are checked one-sided"
compare "$out" >"$out/compare.txt" || { echo "fuzz: $rules has rules that cannot be read" >&2; exit 3; }

# ---- vouching: a rule's case with words the rule does not list ----
# Such a case is that rule's only if those words cannot change the verdict:
# replayed alone (with the case's MODE), they must enter L2 on both sides.
# (--recompare uses the replays already in --out, if any.)
if [ "$adjudicate" = 1 ] && [ "$recompare" = 0 ] && grep -aq '^vouch' "$out/compare.txt"; then
	rm -rf "$out/vouch" && mkdir -p "$out/vouch"
	awk -F'\t' '$1 == "vouch" { split($2, p, " "); print "replay seed=" p[2] " case=" p[1] " " $7 }' \
		"$out/compare.txt" >"$out/vouch/replays.txt"
	echo "fuzz: replaying alone the other words of $(wc -l <"$out/vouch/replays.txt") case(s) a rule would explain"
	REPLAYS=$out/vouch/replays.txt TOTAL=$(wc -l <"$out/vouch/replays.txt") both_sides "$out/vouch"
	compare "$out" >"$out/compare.txt"
fi
read -r _ total agree < <(grep -a '^total ' "$out/compare.txt")

# ---- adjudication of check order (SDM Vol. 3C 27.2, 27.3.1: any order) ----
# A disagreement where both sides refuse at the same stage (VMfailValid 7/8,
# or exit 33 with different qualifications) and the case has more than one
# mutation: replay every part of it alone (each non-empty proper subset).
adj=$out/adjudicate
order_ok=""
if [ "$adjudicate" = 1 ]; then
	rm -rf "$adj" && mkdir -p "$adj"
	awk -F'\t' -v ids="$adj/ids.txt" '$1 == "disagree" &&
		(($4 ~ /^VMfailValid\((7|8)\)$/ && $5 ~ /^VMfailValid\((7|8)\)$/) ||
		($4 ~ /^entry-failure exit 33 / && $5 ~ /^entry-failure exit 33 /)) {
		n = split($3, w, " "); if (n < 2) next
		c++
		for (mask = 1; mask < 2 ^ n - 1; mask++) {
			s = ""
			for (k = 1; k <= n; k++) if (int(mask / 2 ^ (k - 1)) % 2) s = s (s ? " " : "") w[k]
			print "replay seed=0 case=" (c * 8 + mask) " " s
		}
		print c "\t" $2 >ids
	}' "$out/compare.txt" >"$adj/replays.txt"
	if [ -s "$adj/replays.txt" ]; then
		n_adj=$(wc -l <"$adj/ids.txt")
		echo "fuzz: replaying the parts of $n_adj case(s) refused at the same stage on both sides"
		REPLAYS=$adj/replays.txt TOTAL=$(wc -l <"$adj/replays.txt") both_sides "$adj"
		compare "$adj" >"$adj/compare.txt"
		# explained: every part agrees (or differs by a listed deviation,
		# or is itself such an order question), and each side's verdict on
		# the whole is its verdict on some part
		order_ok=$(awk -F'\t' -v ids="$adj/ids.txt" '
			BEGIN { while ((getline line < ids) > 0) { split(line, p, "\t"); orig[p[1]] = p[2] } }
			FILENAME ~ /bare.cases$/ || FILENAME ~ /l0.cases$/ {
				split($0, q, " "); c = int(q[1] / 8); o = $0; sub(/^.* => /, "", o)
				if (FILENAME ~ /bare.cases$/) pb[c] = pb[c] "|" o "|"; else pl[c] = pl[c] "|" o "|"
				next
			}
			# a part that disagrees is bad, unless it is itself several
			# mutations refused at the same stage (its own order question)
			$1 == "disagree" {
				split($2, p, " ")
				if (split($3, w, " ") > 1 &&
				    (($4 ~ /^VMfailValid\((7|8)\)$/ && $5 ~ /^VMfailValid\((7|8)\)$/) ||
				     ($4 ~ /^entry-failure exit 33 / && $5 ~ /^entry-failure exit 33 /)))
					next
				bad[int(p[1] / 8)] = 1; next
			}
			END { for (c in orig) if (!(c in bad)) print orig[c] "\t" pb[c] "\t" pl[c] }
		' "$adj/bare.cases" "$adj/l0.cases" "$adj/compare.txt")
	fi
fi

# ---- report ----
# A case that stopped a run on both sides agrees, but the generator should
# not make it (it costs a restart): named here.
awk '/ => stopped$/ { print "STOPPED case " $1 " seed " $2 " (" FILENAME ")" }' \
	"$out/bare.cases" "$out/l0.cases" | sed "s|$out/||"
dis=0 dev=0 gap=0 ord=0 one=0
: >"$out/found.txt"
while IFS=$'\t' read -r kind id m ob ol extra; do
	case $kind in total*) continue ;; esac
	tag="case ${id% *} seed ${id#* } $m"
	case $kind in
	vouch) # not replayed (--no-adjudicate): the rule cannot vouch for it
		echo "DISAGREE $tag: bare=$ob l0=$ol (${extra%%$'\t'*} only if the other words cannot change the verdict; not replayed)"
		dis=$((dis + 1))
		printf 'disagree\t%s\t%s\tbare=%s l0=%s\n' "$id" "$m" "$ob" "$ol" >>"$out/found.txt"
		;;
	onesided)
		echo "ONESIDED $tag: bare=$ob l0=$ol ($extra)"
		one=$((one + 1))
		;;
	gap)
		echo "GAP $tag: $extra"
		gap=$((gap + 1))
		printf 'gap\t%s\t%s\t%s\n' "$id" "$m" "$extra" >>"$out/found.txt"
		;;
	deviation)
		echo "DEVIATION $extra $tag: bare=$ob l0=$ol"
		dev=$((dev + 1))
		printf 'deviation %s\t%s\t%s\tbare=%s l0=%s\n' "$extra" "$id" "$m" "$ob" "$ol" >>"$out/found.txt"
		;;
	disagree)
		parts=$(printf '%s\n' "$order_ok" | awk -F'\t' -v id="$id" '$1 == id { print $2 " / " $3 }')
		if [ -n "$parts" ] && printf '%s' "${parts%% / *}" | grep -qF "|$ob|" &&
			printf '%s' "${parts#* / }" | grep -qF "|$ol|"; then
			echo "ORDER $tag: bare=$ob l0=$ol"
			ord=$((ord + 1))
			continue
		fi
		echo "DISAGREE $tag: bare=$ob l0=$ol${extra:+ ($extra)}"
		dis=$((dis + 1))
		printf 'disagree\t%s\t%s\tbare=%s l0=%s\n' "$id" "$m" "$ob" "$ol" >>"$out/found.txt"
		;;
	esac
done <"$out/compare.txt"

# ---- the corpus: every case that ever disagreed or showed a gap ----
# tests/fuzz/corpus/matryoshka.cases: DISAGREE and GAP cases (Matryoshka
# bugs); bochs-RULE.cases: the cases of each Bochs deviation. One line each:
# "replay seed=S case=I MUTATIONS # what was seen, when".
if [ "$save" = 1 ] && [ "$corpus" = 0 ] && [ -s "$out/found.txt" ]; then
	mkdir -p "$corpus_dir"
	new=0
	while IFS=$'\t' read -r kind id m text; do
		[ "$m" = "?" ] && continue # it stopped both runs before printing
		case $kind in
		deviation*) f=$corpus_dir/bochs-${kind#deviation }.cases ;;
		*) f=$corpus_dir/matryoshka.cases ;;
		esac
		key="replay seed=${id#* } case=${id% *} "
		grep -qF -- "$key" "$corpus_dir"/*.cases 2>/dev/null && continue
		echo "$key$m # $kind: $text ($(date -u +%Y-%m-%d))" >>"$f"
		new=$((new + 1))
	done < <(sort -s -t$'\t' -k1,1 "$out/found.txt") # a case's outcomes before its gap
	[ "$new" -gt 0 ] && echo "fuzz: $new new case(s) in $corpus_dir"
fi
[ "$ord" -gt 0 ] && echo "fuzz: $ord of the agreeing cases differ only in which of two failed checks is reported (SDM Vol. 3C 27.2, 27.3.1: any order)"
# every case asked for has an outcome on both sides (a stopped run's case
# has "stopped"); one that has none on a side is missing
missing=$((TOTAL - total))
for side in bare l0; do
	[ -r "$out/$side.cases" ] || continue
	n=$(cut -d' ' -f1,2 "$out/$side.cases" | sort -u | wc -l)
	[ "$n" -lt "$TOTAL" ] && [ $((TOTAL - n)) -gt "$missing" ] && missing=$((TOTAL - n))
done
[ "$missing" -gt 0 ] && echo "fuzz: $missing of $TOTAL cases have no outcome on a side" >&2
echo "fuzz: $total cases, $((agree + ord)) agree, $one one-sided, $dis Matryoshka disagreements, $dev Bochs deviations, $gap check gaps, $missing missing"
[ "$total" -gt 0 ] || exit 2
[ "$dis" -eq 0 ] && [ "$gap" -eq 0 ] && [ "$missing" -eq 0 ]
