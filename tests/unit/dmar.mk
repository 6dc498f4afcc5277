# SPDX-License-Identifier: Apache-2.0
UNIT_TESTS += dmar
UT_SRC_dmar := drivers/dmar.c drivers/acpi.c drivers/vtd_plan.c lib/fmt.c
UNIT_TESTS += vtd_tables
UT_SRC_vtd_tables := drivers/vtd_tables.c mm/pagetable.c
UNIT_TESTS += vtd_faults
UT_SRC_vtd_faults := drivers/vtd_faults.c
