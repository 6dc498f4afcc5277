/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The tables L0 gives every VT-d unit (VT-d spec rev 3.3, chapter 9): a
 * legacy-mode root table whose 256 buses all point to one context table,
 * whose 256 device/functions all name one domain, whose second-level tables
 * identity-map physical memory below the plan's top except the holes (L0's
 * region, the units' registers). Pure: memory comes from the caller's
 * pt_ctx, so the host unit tests walk what the core builds.
 */
#ifndef DRIVERS_VTD_TABLES_H
#define DRIVERS_VTD_TABLES_H

#include "core/bootinfo.h"
#include "drivers/dmar.h"
#include "drivers/vtd.h"
#include "mm/pagetable.h"

/* Ranges DMA must not reach, kept sorted by start. */
struct vtd_holes {
	struct mem_range r[DMAR_UNITS_MAX + 1];
	unsigned n;
};

/* Adds [start, end) (4 KiB aligned); false if the list is full. */
bool vtd_hole_add(struct vtd_holes *h, uint64_t start, uint64_t end);

/*
 * Second-level tables (9.8): read/write identity below p->top minus the
 * holes, with 2 MiB pages (and 1 GiB where p->large_1g). Returns what a
 * context entry points to (the PML4 for 4 levels, the PDPT under its entry
 * 0 for 3), or 0 with *err set. c->allow_1g and c->format are overridden.
 */
uint64_t vtd_build_slpt(const struct pt_ctx *c, const struct vtd_plan *p,
			const struct vtd_holes *h, enum pt_err *err);

/* Root (9.1) and context (9.3) tables for slpt; the root's address, 0 if out of
 * pages. */
uint64_t vtd_build_root(const struct pt_ctx *c, const struct vtd_plan *p,
			uint64_t slpt);

#endif
