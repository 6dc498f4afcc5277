# SPDX-License-Identifier: Apache-2.0
UNIT_TESTS += msr_policy
UT_SRC_msr_policy := vmx/msr_policy.c
