# SPDX-License-Identifier: Apache-2.0
UNIT_TESTS += memmap
UT_SRC_memmap := mm/memmap.c
