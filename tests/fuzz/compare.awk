# SPDX-License-Identifier: Apache-2.0
#
# tests/system/fuzz.sh's comparison of the two sides, case by case (with
# tests/fuzz/rules.awk: awk -f rules.awk -f compare.awk). Input lines, each
# with a tag:
#   R <line of tests/fuzz/deviations>
#   W I S<TAB>L0's warning<TAB>Bochs' reason     a check gap of case I, seed S
#   B <bare.cases line>  L <l0.cases line>       "I S MUTS => OUTCOME[ | unoffered WHAT]"
#   V I S<TAB>OUTCOME  U I S<TAB>OUTCOME           bare's and L0's outcome for the
#                      words of case I that its rule could not vouch for, alone
# Output: one line per case that does not simply agree,
#   KIND<TAB>I S<TAB>MUTATIONS<TAB>BARE<TAB>L0<TAB>EXTRA
# KIND: disagree, deviation (EXTRA: the rule), gap (EXTRA: L0's warning),
# onesided (EXTRA: which side does not offer what), vouch (EXTRA: the rule,
# a TAB, the words to replay alone; fuzz.sh does, and compares again);
# last "total N AGREE".
#
# "| unoffered WHAT" is the payload's note that the case's controls use
# settings its CPU does not offer (nvmxfuzz.c): where only one side says so,
# the two sides ran different VMXs and are not compared; the side that does
# not offer them must refuse the entry as a control error: VMfailValid(7),
# or VMfailValid(8) when the case also changes host state (SDM Vol. 3C 27.2:
# the control and host-state checks run in any order).
function outcome(line) { sub(/^.* => /, "", line); sub(/ \| unoffered .*$/, "", line); return line }
function unoffered(line) { if (!match(line, / \| unoffered .*$/)) return ""; return substr(line, RSTART + 13) }
function muts(line) { sub(/ => .*$/, "", line); sub(/^[0-9]+ [0-9]+ ?/, "", line); return line }
# How far an entry got: VMfail (controls, host state: SDM 27.2), exit 33
# (guest state: 27.3), exit 34 (MSR loading: 27.4), into L2. Words that
# alone get as far on both sides, or farther, cannot change a verdict of
# an earlier stage: its check comes first (or, in the same stage, the
# outcome is the same).
function stage(o) {
	if (o ~ /^VMfail/) return 1
	if (o ~ /^entry-failure exit 33 /) return 2
	if (o ~ /^entry-failure exit 34 /) return 3
	if (o ~ /^entered exit [0-9]+$/) return 4
	return 0
}
function refused_as_control(o, m) {
	return o == "VMfailValid(7)" || (o == "VMfailValid(8)" && m ~ /(^| )HOST_/)
}
{
	tag = substr($0, 1, 1); line = substr($0, 3)
	if (tag == "R") { rules_line(line); next }
	if (tag == "V" || tag == "U") { # the vouching replays: "I S<TAB>OUTCOME"
		split(line, p, "\t"); if (tag == "V") vb[p[1]] = p[2]; else vl[p[1]] = p[2]; next
	}
	if (tag == "W") {
		split(line, p, "\t"); warn[p[1]] = p[2]; reason[p[1]] = p[3]; next
	}
	split(line, f, " "); id = f[1] " " f[2]
	if (tag == "B") { if (!(id in b)) { b[id] = line; order[++no] = id } }
	else if (!(id in l)) { l[id] = line; if (!(id in b)) order[++no] = id }
}
END {
	agree = 0
	for (i = 1; i <= no; i++) {
		id = order[i]
		m = (id in b) ? muts(b[id]) : "?"
		if (m == "?" && (id in l)) m = muts(l[id])
		ob = (id in b) ? outcome(b[id]) : "missing"
		ol = (id in l) ? outcome(l[id]) : "missing"
		ub = (id in b) ? unoffered(b[id]) : ""
		ul = (id in l) ? unoffered(l[id]) : ""
		if (ub != ul && (ub == "" || ul == "")) {
			# one side offers what the case uses, the other does not
			who = ub != "" ? "bare" : "l0"; o = ub != "" ? ob : ol
			if (refused_as_control(o, m))
				print "onesided\t" id "\t" m "\t" ob "\t" ol "\t" who " does not offer " ub ul
			else
				print "disagree\t" id "\t" m "\t" ob "\t" ol "\t" who " does not offer " ub ul " and did not refuse it as a control error"
			continue
		}
		gapdev = 0
		if (id in warn) { # a gap: unless a rule says the CPU (Bochs) is wrong
			rule = rule_for(m, ob, ol, 1, reason[id])
			if (rule != "") { print "deviation\t" id "\t" m "\t" ob "\t" ol "\t" rule; gapdev = 1 }
			else print "gap\t" id "\t" m "\t" ob "\t" ol "\t" warn[id] (reason[id] != "" ? " [Bochs: " reason[id] "]" : "")
		}
		if (ob == ol && ob != "missing") { if (!gapdev) agree++; continue }
		if (ob == ol) { print "disagree\t" id "\t" m "\t" ob "\t" ol "\tno outcome on either side"; continue }
		rule = (ob == "missing" || ol == "missing") ? "" : rule_for(m, ob, ol, 0, "")
		if (rule == "" && rules_cand != "") {
			# a rule's case but for words it cannot vouch for: the
			# words alone (vouch.cases) must enter L2 on both sides
			if ((id in vb) && (id in vl)) {
				harmless = vb[id] == vl[id] && (stage(vb[id]) > stage(ol) || vb[id] == ol)
				print (harmless ? "deviation" : "disagree") "\t" id "\t" m "\t" ob "\t" ol "\t" (harmless ? rules_cand : "not " rules_cand ": alone, " rules_extras " gives bare=" vb[id] " l0=" vl[id])
			}
			else
				print "vouch\t" id "\t" m "\t" ob "\t" ol "\t" rules_cand "\t" rules_extras
			continue
		}
		print (rule != "" ? "deviation" : "disagree") "\t" id "\t" m "\t" ob "\t" ol "\t" rule
	}
	print "total " no " " agree
	if (rules_errors) exit 3
}
