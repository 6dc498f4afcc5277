# SPDX-License-Identifier: Apache-2.0
UNIT_TESTS += dmar
UT_SRC_dmar := drivers/dmar.c drivers/acpi.c drivers/vtd_plan.c lib/fmt.c
