# SPDX-License-Identifier: Apache-2.0
UNIT_TESTS += ept01
UT_SRC_ept01 := vmx/ept.c mm/pagetable.c mm/mtrr.c lib/log.c lib/fmt.c
