# SPDX-License-Identifier: Apache-2.0
#
# The matcher of tests/fuzz/deviations (its header says what a rule is).
# Functions only: tests/fuzz/compare.awk uses them for tests/system/fuzz.sh,
# and tests/unit/test-fuzz-rules.sh feeds it synthetic cases through
# fuzz.sh --recompare. POSIX awk (mawk).
#
#   rules_line(LINE)      takes one non-comment line of the rules file
#   rules_errors          the number of lines it could not take
#   rule_for(MUTS, BARE, L0, GAP, REASON)
#                         the name of the first rule that explains the case
#                         (GAP 1: L0's checks passed and the CPU refused
#                         vmcs02, REASON: Bochs' own words for it), or "".
#                         With "": rules_cand is the first rule that would
#                         explain it if the words no allow= covers (in
#                         rules_extras, MODE first if any) cannot change the
#                         verdict: fuzz.sh replays them alone on both sides,
#                         and only if both enter L2 with them is the case
#                         that rule's (compare.awk's "vouch").

# "@NAME" (upper case: page words such as "@zero+0x0" stay) -> its define
function rules_expand(v,    out, name) {
	out = ""
	while (match(v, /@[A-Z][A-Z0-9_]*/)) {
		name = substr(v, RSTART + 1, RLENGTH - 1)
		if (!(name in rules_def)) { rules_errors++; print "rules: no define " name > "/dev/stderr" }
		out = out substr(v, 1, RSTART - 1) "(" rules_def[name] ")"
		v = substr(v, RSTART + RLENGTH)
	}
	return out v
}

function rules_line(line,    f, n, i, p, key, v, r) {
	n = split(line, f, "\t")
	if (f[1] == "define") { rules_def[f[2]] = rules_expand(f[3]); return }
	r = ++rules_n
	rules_name[r] = f[1]; rules_mode[r] = ""; rules_needs[r] = 0
	rules_allow[r] = ""; rules_forbid[r] = ""; rules_bare[r] = ""; rules_l0[r] = ""
	rules_gap[r] = 0; rules_bochs[r] = ""
	for (i = 2; i <= n; i++) {
		p = index(f[i], "=")
		key = p ? substr(f[i], 1, p - 1) : f[i]
		v = p ? rules_expand(substr(f[i], p + 1)) : ""
		if (key == "mode") rules_mode[r] = "," v ","
		else if (key == "need") rules_need[r, ++rules_needs[r]] = "^(" v ")$"
		else if (key == "allow") rules_allow[r] = rules_allow[r] (rules_allow[r] != "" ? "|" : "") "(" v ")"
		else if (key == "forbid") rules_forbid[r] = rules_forbid[r] (rules_forbid[r] != "" ? "|" : "") "(" v ")"
		else if (key == "bare") rules_bare[r] = "^(" v ")$"
		else if (key == "l0") rules_l0[r] = "^(" v ")$"
		else if (key == "gap") rules_gap[r] = 1
		else if (key == "bochs") rules_bochs[r] = v
		else { rules_errors++; print "rules: " f[1] ": unknown field " f[i] > "/dev/stderr" }
	}
	# a rule without both outcomes, or a gap rule without Bochs' reason,
	# would match too much: it is an error, and never matches
	if (rules_bare[r] == "" || rules_l0[r] == "" || (rules_gap[r] && rules_bochs[r] == "")) {
		rules_errors++
		print "rules: " f[1] ": needs bare=, l0= (and bochs= with gap)" > "/dev/stderr"
		rules_name[r] = ""
	}
}

# Does rule r explain the words w[1..nw] (MODE taken out)? 1: yes, 0: no,
# 2: yes if the words no allow= covers are harmless (rules_left gets them).
function rules_words_ok(r, w, nw,    i, k, used, found, left) {
	for (i = 1; i <= nw; i++) {
		used[i] = 0
		if (rules_forbid[r] != "" && w[i] ~ ("^(" rules_forbid[r] ")$")) return 0
	}
	for (k = 1; k <= rules_needs[r]; k++) {
		found = 0
		for (i = 1; i <= nw && !found; i++)
			if (!used[i] && w[i] ~ rules_need[r, k]) { used[i] = 1; found = 1 }
		if (!found) return 0
	}
	left = ""
	for (i = 1; i <= nw; i++)
		if (!used[i] && (rules_allow[r] == "" || w[i] !~ ("^(" rules_allow[r] ")$")))
			left = left (left != "" ? " " : "") w[i]
	rules_left = left
	return left == "" ? 1 : 2
}

function rule_for(muts, ob, ol, gap, reason,    n, m, i, w, nw, mode, mword, r, ok) {
	n = split(muts, m, " ")
	mode = "64"; nw = 0; mword = ""
	rules_cand = ""; rules_extras = ""
	for (i = 1; i <= n; i++) {
		if (m[i] ~ /^MODE=0x[0-9]+$/) { mode = substr(m[i], 8) + 0; mword = m[i] }
		else w[++nw] = m[i]
	}
	for (r = 1; r <= rules_n; r++) {
		if (rules_name[r] == "" || rules_gap[r] != gap) continue
		if (rules_mode[r] != "" && index(rules_mode[r], "," mode ",") == 0) continue
		if (ob !~ rules_bare[r] || ol !~ rules_l0[r]) continue
		if (gap && (reason == "" || reason !~ rules_bochs[r])) continue
		ok = rules_words_ok(r, w, nw)
		if (ok == 1) return rules_name[r]
		if (ok == 2 && rules_cand == "") {
			rules_cand = rules_name[r]
			rules_extras = (mword != "" ? mword " " : "") rules_left
		}
	}
	return ""
}
