# SPDX-License-Identifier: Apache-2.0
# The guards' pure decisions (vmx/ac_policy.h, vmx/excloop.h, vmx/notify_policy.h).
UNIT_TESTS += ac_policy excloop notify_policy
UT_SRC_ac_policy := vmx/ac_policy.c
UT_SRC_excloop := vmx/excloop.c
UT_SRC_notify_policy := vmx/notify_policy.c
