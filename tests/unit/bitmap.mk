# SPDX-License-Identifier: Apache-2.0
UNIT_TESTS += bitmap
UT_SRC_bitmap := nested/bitmap.c nested/msr_holes.c
