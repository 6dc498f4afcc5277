# SPDX-License-Identifier: Apache-2.0
UNIT_TESTS += tscfreq
UT_SRC_tscfreq := lib/tscfreq.c
