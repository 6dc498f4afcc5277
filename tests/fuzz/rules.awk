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

# ---- 64-bit values as 16 hex digits (mawk has doubles, no bit operations) ----
function hx_norm(v) { sub(/^0x/, "", v); v = tolower(v); while (length(v) < 16) v = "0" v; return v }
function hx_d(c) { return index("0123456789abcdef", c) - 1 }
# a OP b, digit by digit: OP is "=", "^", "|" or "&~"
function hx_op(a, op, b,    i, x, y, r, k, bit, out, xa, yb) {
	if (op == "=") return hx_norm(b)
	a = hx_norm(a); b = hx_norm(b); out = ""
	for (i = 1; i <= 16; i++) {
		x = hx_d(substr(a, i, 1)); y = hx_d(substr(b, i, 1)); r = 0
		for (k = 3; k >= 0; k--) {
			bit = 2 ^ k
			xa = int(x / bit) % 2; yb = int(y / bit) % 2
			if (op == "^") r += ((xa + yb) % 2) * bit
			else if (op == "|") r += (xa || yb) * bit
			else r += (xa && !yb) * bit
		}
		out = out substr("0123456789abcdef", r + 1, 1)
	}
	return out
}
# bits HI..LO (HI - LO < 32) of a 16-digit value, as a number
function hx_bits(v, hi, lo,    n, i, d) {
	n = 0
	for (i = 63; i >= 0; i--) {
		d = hx_d(substr(v, 16 - int(i / 4), 1))
		if (i <= hi && i >= lo) n = n * 2 + int(d / 2 ^ (i % 4)) % 2
	}
	return n
}

# ---- named checks (check=NAME): the SDM's verdict on a field group ----
# null-ss-usable-broken: the SS that the case's GUEST_SS_* words leave, in
# order (from a 64-bit L2's baseline: the firmware's data selector, not
# null, base 0, limit 0xffffffff, access rights 0xc093), has a null selector
# (index and TI 0; a selector changed only by ^, | or &~ is taken as not
# null) and is usable, and it breaks a check of SDM Vol. 3C 27.3.1.2 that
# needs no other register: base bits 63:32, type 3 or 7, S, P, reserved
# bits 11:8 and 31:17, limit against G.
function check_null_ss_usable_broken(w, nw,    i, sel, base, lim, ar, f, op, v, type, g) {
	sel = "?"; base = hx_norm("0"); lim = hx_norm("ffffffff"); ar = hx_norm("c093")
	for (i = 1; i <= nw; i++) {
		if (!match(w[i], /^GUEST_SS_(SEL|BASE|LIMIT|AR)(=|\^|\||&~)0x[0-9a-f]+$/)) continue
		f = w[i]; sub(/^GUEST_SS_/, "", f)
		match(f, /(=|\^|\||&~)/); op = substr(f, RSTART, RLENGTH)
		v = substr(f, RSTART + RLENGTH); f = substr(f, 1, RSTART - 1)
		if (f == "SEL") sel = (op == "=" || sel != "?") ? hx_op(sel == "?" ? "0" : sel, op, v) : "?"
		else if (f == "BASE") base = hx_op(base, op, v)
		else if (f == "LIMIT") lim = hx_op(lim, op, v)
		else ar = hx_op(ar, op, v)
	}
	if (sel == "?" || hx_bits(sel, 15, 2)) return 0 # not a null selector
	if (hx_bits(ar, 16, 16)) return 0 # unusable: nothing to check
	type = hx_bits(ar, 3, 0); g = hx_bits(ar, 15, 15)
	return hx_bits(base, 63, 32) != 0 || (type != 3 && type != 7) || !hx_bits(ar, 4, 4) ||
	    !hx_bits(ar, 7, 7) || hx_bits(ar, 11, 8) || hx_bits(ar, 31, 17) ||
	    (hx_bits(lim, 11, 0) != 4095 && g) || (hx_bits(lim, 31, 20) && !g)
}
# entry-load-debug: "load debug controls" (VM-entry control bit 2) is 1
# after the case's ENTRY_CTLS words, in order, from the baseline's 0
# (nvmxfuzz's baseline takes the TRUE controls' default: off).
function check_entry_load_debug(w, nw,    i, v, op, f) {
	v = hx_norm("0")
	for (i = 1; i <= nw; i++) {
		if (!match(w[i], /^ENTRY_CTLS(=|\^|\||&~)0x[0-9a-f]+$/)) continue
		f = substr(w[i], 11); match(f, /(=|\^|\||&~)/)
		op = substr(f, RSTART, RLENGTH); v = hx_op(v, op, substr(f, RSTART + RLENGTH))
	}
	return hx_bits(v, 2, 2)
}
function rules_check(name, w, nw) {
	if (name == "entry-load-debug") return check_entry_load_debug(w, nw)
	if (name == "null-ss-usable-broken") return check_null_ss_usable_broken(w, nw)
	rules_errors++
	print "rules: no check named " name > "/dev/stderr"
	return 0
}

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
	rules_gap[r] = 0; rules_bochs[r] = ""; rules_checkname[r] = ""
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
		else if (key == "check") rules_checkname[r] = v
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
	if (rules_checkname[r] != "" && !rules_check(rules_checkname[r], w, nw)) return 0
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
