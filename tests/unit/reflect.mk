# SPDX-License-Identifier: Apache-2.0
UNIT_TESTS += reflect
UT_SRC_reflect := nested/reflect.c
