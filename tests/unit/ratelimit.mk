# SPDX-License-Identifier: Apache-2.0
UNIT_TESTS += ratelimit
UT_SRC_ratelimit := lib/ratelimit.c
