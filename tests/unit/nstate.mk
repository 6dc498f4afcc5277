# SPDX-License-Identifier: Apache-2.0
UNIT_TESTS += nstate
UT_SRC_nstate := nested/nstate.c nested/checks.c nested/checks_guest.c \
	nested/checks_seg.c nested/vmcs12.c nested/ept12.c nested/vcaps12.c \
	lib/log.c lib/fmt.c

# More fuzz cases than make unit runs (NSTATE_FUZZ=, NSTATE_SEED=).
NSTATE_FUZZ ?= 2000000
NSTATE_SEED ?= 1
.PHONY: nstate-fuzz
nstate-fuzz: $(B)/unit/test_nstate
	NSTATE_FUZZ=$(NSTATE_FUZZ) NSTATE_SEED=$(NSTATE_SEED) $(B)/unit/test_nstate
