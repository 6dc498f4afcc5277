# SPDX-License-Identifier: Apache-2.0
UNIT_TESTS += checks
UT_SRC_checks := nested/checks.c nested/checks_guest.c nested/checks_seg.c nested/check_parts.c \
	nested/vmcs12.c nested/ept12.c nested/vcaps12.c lib/log.c lib/fmt.c
