# SPDX-License-Identifier: Apache-2.0
UNIT_TESTS += dirty12
UT_SRC_dirty12 := nested/dirty12.c
