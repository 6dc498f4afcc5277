# SPDX-License-Identifier: Apache-2.0
UNIT_TESTS += ept02_policy
UT_SRC_ept02_policy := nested/ept02_policy.c
