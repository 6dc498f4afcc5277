# SPDX-License-Identifier: Apache-2.0
UNIT_TESTS += ept12
UT_SRC_ept12 := nested/ept12.c
