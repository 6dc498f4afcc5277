# SPDX-License-Identifier: Apache-2.0
UNIT_TESTS += vcaps12
UT_SRC_vcaps12 := nested/vcaps12.c nested/vmcs12.c
