# SPDX-License-Identifier: Apache-2.0
# Regression checks of the model-independent Bochs patches (tests/bochs/
# patches/0006 fast strings, 0011 MSR canonicality) plus REP MOVSB
# semantics, on bare Bochs with every model (tests/system/t-bochs-fixes.sh).
GUEST_NAMES += bxfix
$(B)/guests/bxfix.so: $(addprefix $(B)/guests/,bxfix.o bxfix_movsb.o) \
	$(GUEST_LIB_OBJ)
