# SPDX-License-Identifier: Apache-2.0
UNIT_TESTS += gmem_ram
UT_SRC_gmem_ram := vmx/gmem_ram.c mm/memmap.c
