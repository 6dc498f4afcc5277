# SPDX-License-Identifier: Apache-2.0
UNIT_TESTS += vmcs12
UT_SRC_vmcs12 := nested/vmcs12.c
