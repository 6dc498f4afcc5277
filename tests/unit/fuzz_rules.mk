# SPDX-License-Identifier: Apache-2.0
# The fuzzer's deviation rules on synthetic case records (through
# tests/system/fuzz.sh --recompare): run by make unit like the other programs.
$(B)/unit/test_fuzz_rules: tests/unit/test-fuzz-rules.sh tests/system/fuzz.sh \
		tests/fuzz/deviations tests/fuzz/rules.awk tests/fuzz/compare.awk
	@mkdir -p $(dir $@)
	$(Q)cp $< $@ && chmod +x $@
unit: $(B)/unit/test_fuzz_rules
