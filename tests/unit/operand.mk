# SPDX-License-Identifier: Apache-2.0
UNIT_TESTS += operand
UT_SRC_operand := nested/operand.c
