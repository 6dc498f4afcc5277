# SPDX-License-Identifier: Apache-2.0
UNIT_TESTS += nstate
UT_SRC_nstate := nested/nstate.c lib/base64.c nested/checks.c nested/checks_guest.c \
	nested/checks_seg.c nested/check_parts.c nested/vmcs12.c nested/ept12.c nested/vcaps12.c \
	lib/log.c lib/fmt.c

# More fuzz cases than make unit runs (NSTATE_FUZZ=, NSTATE_SEED=).
NSTATE_FUZZ ?= 2000000
NSTATE_SEED ?= 1
.PHONY: nstate-fuzz
nstate-fuzz: $(B)/unit/test_nstate
	NSTATE_FUZZ=$(NSTATE_FUZZ) NSTATE_SEED=$(NSTATE_SEED) $(B)/unit/test_nstate

# The host tool (tools/nstate), built with the unit tests and tested on
# samples test_nstate writes (tests/unit/test-nstate-tool.sh).
NSTATE_TOOL_SRC := tools/nstate/nstate.c nested/nstate.c nested/checks.c \
	nested/checks_guest.c nested/checks_seg.c nested/check_parts.c nested/vmcs12.c nested/ept12.c \
	nested/vcaps12.c lib/log.c lib/fmt.c lib/base64.c \
	nested/vmcs02.c nested/dirty12.c vmx/guard_ctl.c nested/bitmap.c nested/msr_holes.c vmx/config_choose.c vmx/msr_policy.c \
	vmx/vmcs.c tools/nstate/l0_host.c
$(B)/tools/nstate: $(NSTATE_TOOL_SRC) $(wildcard */*.h) nested/kvm_vmcs12.def nested/nstate_errors.def
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) -std=gnu11 -O2 -g -I. $(WARN) $(NSTATE_TOOL_SRC) -o $@
# run by make unit like the other test programs
$(B)/unit/test_nstate_tool: tests/unit/test-nstate-tool.sh $(B)/tools/nstate $(B)/unit/test_nstate
	@mkdir -p $(dir $@)
	$(Q)cp $< $@ && chmod +x $@
unit: $(B)/unit/test_nstate_tool
