# SPDX-License-Identifier: Apache-2.0
# The harness on synthetic records: the fuzzer's deviation rules (through
# tests/system/fuzz.sh --recompare): run by make unit like the other programs.
$(B)/unit/test_fuzz_rules: tests/unit/test-fuzz-rules.sh tests/system/fuzz.sh \
		tests/fuzz/deviations tests/fuzz/rules.awk tests/fuzz/compare.awk
	@mkdir -p $(dir $@)
	$(Q)cp $< $@ && chmod +x $@
unit: $(B)/unit/test_fuzz_rules
# nvmx-compare.sh's handling of listed deviations and their L0 verdicts.
$(B)/unit/test_nvmx_compare: tests/unit/test-nvmx-compare.sh tests/system/nvmx-compare.sh \
		docs/bochs-deviations.md
	@mkdir -p $(dir $@)
	$(Q)cp $< $@ && chmod +x $@
unit: $(B)/unit/test_nvmx_compare
