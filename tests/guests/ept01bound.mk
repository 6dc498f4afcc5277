# SPDX-License-Identifier: Apache-2.0
# Attack on EPT01's page use from L1 (tests/system/t-budget.sh).
GUEST_NAMES += ept01bound
$(B)/guests/ept01bound.so: $(B)/guests/ept01bound.o $(GUEST_LIB_OBJ)
