/* SPDX-License-Identifier: Apache-2.0 */
/*
 * EPT01: how L1's guest-physical memory maps to host-physical memory. An
 * identity map with the MTRRs' memory types, except L0's own region, whose
 * pages all map to one scratch page (docs/architecture.md, "L0's memory"),
 * and the xAPIC page, mapped read-only (vmx/apic.h).
 */
#ifndef VMX_EPT_H
#define VMX_EPT_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Table pages for mapping above the start-up map on demand, reserved at
 * start-up: a 1 GiB leaf needs at most one new table, a 2 MiB leaf two, a
 * 4 KiB one three. When they are used up, a block still unmapped maps to the
 * scratch page through three shared "sink" tables (every entry of the sink
 * PDPT points to the sink PD, of that to the sink PT, of that to the scratch
 * page): no memory there, as in L0's region, and nothing allocated.
 */
#define EPT01_DEMAND_PAGES 64u
#define EPT01_SINK_PAGES   3u

struct ept01 {
	uint64_t root;       /* PML4 physical address */
	uint64_t eptp;       /* with WB paging-structure type and 4-level walk */
	uint64_t end;        /* identity map built below this at start-up */
	uint64_t hole_pa, hole_size; /* L0's region */
	uint64_t scratch_pa; /* what L1 sees there */
	uint64_t apic_pa;    /* xAPIC page: read-only, so L0 sees writes */
	bool allow_1g;
	unsigned phys_bits;  /* guest-physical addresses at or above 2^phys_bits do not exist */
	uint64_t sink[3];    /* sink PT, PD, PDPT */
	uint64_t demand_free; /* reserved table pages left, linked */
	uint32_t demand_left;
	uint64_t table_pages; /* tables in the tree (sinks included) */
	uint64_t sinks;	      /* blocks sent to the sink */
};

/* Builds the map below end; false (with a log line) if the pool runs out. */
bool ept01_build(struct ept01 *e, uint64_t end, uint64_t hole_pa,
		 uint64_t hole_size, uint64_t apic_pa, bool allow_1g);

/*
 * An EPT violation at gpa outside what was built (MMIO above end, e.g. a
 * 64-bit PCI BAR): maps its 1 GiB block where the CPU has EPT 1 GiB pages,
 * the block has one MTRR type and nothing special, else its 2 MiB (or 4 KiB)
 * block, with its MTRR type, from the EPT01_DEMAND_PAGES reserve; with the
 * reserve used up, maps it to the sink (above). True also when another CPU
 * mapped it first. False if gpa cannot be mapped (L0's region, beyond the
 * physical address width, or mapped without full access: a real permission
 * fault).
 */
bool ept01_map_on_demand(struct ept01 *e, uint64_t gpa);

/*
 * L1-physical gpa through EPT01: host-physical address, leaf flags and leaf
 * size (4 KiB, 2 MiB or 1 GiB); false if unmapped.
 */
bool ept01_lookup_size(uint64_t gpa, uint64_t *hpa, uint64_t *flags,
		       uint64_t *size);

/* The most table pages EPT01 can ever hold: those of the start-up map,
 * the on-demand reserve and the sinks. */
uint64_t ept01_table_bound(const struct ept01 *e);

/*
 * Extra ranges EPT01 treats like L0's region (scratch page, never mapped on
 * demand), e.g. the IOMMU's registers (drivers/iommu.c). Call before
 * ept01_build; false if the table is full.
 */
#define EPT01_HIDDEN_MAX 16
bool ept01_hide(uint64_t pa, uint64_t size);

extern struct ept01 ept01;

#endif
