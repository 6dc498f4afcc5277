/* SPDX-License-Identifier: Apache-2.0 */
#include "vmx/ept.h"

#include "arch/x86/cpu.h"
#include "lib/log.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "mm/mtrr.h"
#include "mm/page_alloc.h"
#include "mm/pagetable.h"

struct ept01 ept01;

static struct mtrr_state mtrrs;
static struct spinlock lock;

#define MT_UC 0
#define MT_WB 6

/* Start-up tables: from the pool, counted. */
static uint64_t alloc(void *arg)
{
	struct ept01 *e = arg;
	uint64_t pa = page_alloc();

	e->table_pages += pa != 0;
	return pa;
}

/* Tables mapped on demand: only from the reserve taken at start-up. */
static uint64_t alloc_demand(void *arg)
{
	struct ept01 *e = arg;
	uint64_t pa = e->demand_free;

	if (!pa)
		return 0;
	e->demand_free = *(uint64_t *)phys_to_virt(pa);
	e->demand_left--;
	e->table_pages++;
	memset(phys_to_virt(pa), 0, PAGE_4K);
	return pa;
}

static void *virt(void *arg, uint64_t pa)
{
	(void)arg;
	return phys_to_virt(pa);
}

static struct pt_ctx ctx(struct ept01 *e)
{
	return (struct pt_ctx){ alloc, virt, e, e->allow_1g, PT_EPT };
}

static struct pt_ctx demand_ctx(struct ept01 *e)
{
	return (struct pt_ctx){ alloc_demand, virt, e, e->allow_1g, PT_EPT };
}

static struct {
	uint64_t pa, size;
} hidden[EPT01_HIDDEN_MAX];
static unsigned nhidden;

bool ept01_hide(uint64_t pa, uint64_t size)
{
	if (nhidden == EPT01_HIDDEN_MAX)
		return false;
	hidden[nhidden].pa = pa;
	hidden[nhidden++].size = size;
	return true;
}

static bool overlaps_hole(const struct ept01 *e, uint64_t a, uint64_t size)
{
	for (unsigned i = 0; i < nhidden; i++)
		if (a < hidden[i].pa + hidden[i].size && hidden[i].pa < a + size)
			return true;
	return a < e->hole_pa + e->hole_size && e->hole_pa < a + size;
}

static bool overlaps_apic(const struct ept01 *e, uint64_t a, uint64_t size)
{
	return e->apic_pa && a <= e->apic_pa && e->apic_pa < a + size;
}

/* Pages that need their own 4 KiB leaf. */
static bool special(const struct ept01 *e, uint64_t a, uint64_t size)
{
	return overlaps_hole(e, a, size) || overlaps_apic(e, a, size);
}

/*
 * The largest block at a that is aligned, fits below end, has one memory
 * type and does not touch L0's region; 4 KiB blocks always qualify.
 */
static uint64_t block_at(const struct ept01 *e, uint64_t a, uint64_t end,
			 int *type)
{
	static const uint64_t sizes[] = { PAGE_1G, PAGE_2M };

	for (unsigned i = 0; i < 2; i++) {
		uint64_t s = sizes[i];

		if ((s == PAGE_1G && !e->allow_1g) || (a & (s - 1)) || a + s > end ||
		    special(e, a, s))
			continue;
		*type = mtrr_range_type(&mtrrs, a, s);
		if (*type >= 0)
			return s;
	}
	*type = mtrr_range_type(&mtrrs, a, PAGE_4K);
	if (*type < 0)
		*type = MT_UC;
	return PAGE_4K;
}

static uint64_t leaf_flags(const struct ept01 *e, uint64_t a, uint64_t size,
			   int type)
{
	bool hole = overlaps_hole(e, a, size);
	uint64_t access = overlaps_apic(e, a, size) ? EPT_R : EPT_RWX;

	return access | ((uint64_t)(hole ? MT_WB : type) << EPT_MT_SHIFT);
}

static bool map_block(struct ept01 *e, uint64_t a, uint64_t size, int type)
{
	struct pt_ctx c = ctx(e);
	bool hole = overlaps_hole(e, a, size);
	uint64_t target = hole ? e->scratch_pa : a;
	/* L0's pages all show L1 the same scratch page, L1's to use as it likes */
	uint64_t access = overlaps_apic(e, a, size) ? EPT_R : EPT_RWX;
	uint64_t flags = access | ((uint64_t)(hole ? MT_WB : type) << EPT_MT_SHIFT);
	enum pt_err err = pt_map(&c, e->root, a, target, size, flags);

	if (err != PT_OK)
		log_err("vmx: EPT01 map of 0x%lx (+0x%lx) failed: %s", a, size,
			pt_strerror(err));
	return err == PT_OK;
}

/* The demand reserve and the sink tables, before anything runs. */
static bool reserve(struct ept01 *e)
{
	for (unsigned i = 0; i < EPT01_SINK_PAGES; i++)
		if (!(e->sink[i] = alloc(e)))
			return false;
	for (unsigned i = 0; i < EPT01_DEMAND_PAGES; i++) {
		uint64_t pa = page_alloc();

		if (!pa)
			return false;
		*(uint64_t *)phys_to_virt(pa) = e->demand_free;
		e->demand_free = pa;
		e->demand_left++;
	}
	return true;
}

static void build_sinks(struct ept01 *e)
{
	uint64_t *pt = phys_to_virt(e->sink[0]), *pd = phys_to_virt(e->sink[1]),
		 *pdpt = phys_to_virt(e->sink[2]);

	for (unsigned i = 0; i < 512; i++) {
		pt[i] = e->scratch_pa | EPT_RWX | (MT_WB << EPT_MT_SHIFT);
		pd[i] = e->sink[0] | EPT_RWX;
		pdpt[i] = e->sink[1] | EPT_RWX;
	}
}

bool ept01_build(struct ept01 *e, uint64_t end, uint64_t hole_pa,
		 uint64_t hole_size, uint64_t apic_pa, bool allow_1g)
{
	mtrr_read(&mtrrs);
	*e = (struct ept01){ .end = end, .hole_pa = hole_pa,
			     .hole_size = hole_size, .apic_pa = apic_pa,
			     .allow_1g = allow_1g,
			     .phys_bits = mtrrs.phys_bits ? mtrrs.phys_bits : 36 };
	e->root = alloc(e);
	e->scratch_pa = page_alloc();
	if (!e->root || !e->scratch_pa || !reserve(e)) {
		log_err("vmx: no pages left for EPT01");
		return false;
	}
	/* Reads of L0's memory see what a bus without memory returns. */
	memset(phys_to_virt(e->scratch_pa), 0xff, PAGE_4K);
	build_sinks(e);
	for (uint64_t a = 0; a < end;) {
		int type;
		uint64_t size = block_at(e, a, end, &type);

		if (!map_block(e, a, size, type))
			return false;
		a += size;
	}
	/* SDM 25.6.11: bits 2:0 memory type WB, bits 5:3 walk length - 1 */
	e->eptp = e->root | MT_WB | (3 << 3);
	return true;
}

/*
 * The first missing entry on gpa's path gets the sink table of the level
 * below (or, as a PTE, the scratch page). Shared tables are never written
 * again: pt_map is never asked to map inside a block the sink covers,
 * because it is mapped.
 */
static void map_sink(struct ept01 *e, uint64_t gpa)
{
	uint64_t *t = phys_to_virt(e->root);

	for (unsigned l = 4; l >= 1; l--) {
		uint64_t *p = &t[(gpa >> (12 + 9 * (l - 1))) & 511];

		if (!(*p & EPT_RWX)) {
			*p = l == 1 ? e->scratch_pa | EPT_RWX | (MT_WB << EPT_MT_SHIFT)
				    : e->sink[l - 2] | EPT_RWX;
			e->sinks++;
			return;
		}
		if (l == 1 || (*p & (1ull << 7)))
			return; /* mapped meanwhile */
		t = phys_to_virt(*p & 0x000ffffffffff000ull);
	}
}

/* The largest block at gpa it may map, then smaller ones; the sink last. */
static void map_demand(struct ept01 *e, uint64_t gpa)
{
	static const uint64_t sizes[] = { PAGE_1G, PAGE_2M, PAGE_4K };
	struct pt_ctx c = demand_ctx(e);

	for (unsigned i = 0; i < 3; i++) {
		uint64_t s = sizes[i], a = gpa & ~(s - 1);
		int type = mtrr_range_type(&mtrrs, a, s);
		enum pt_err err;

		if ((s == PAGE_1G && !e->allow_1g) || (s > PAGE_4K && type < 0) ||
		    special(e, a, s))
			continue;
		err = pt_map(&c, e->root, a, a, s,
			     leaf_flags(e, a, s, type < 0 ? MT_UC : type));
		if (err == PT_OK)
			return;
		if (err != PT_EEXIST)
			break; /* PT_ENOMEM: the reserve is used up */
	}
	map_sink(e, gpa);
}

bool ept01_map_on_demand(struct ept01 *e, uint64_t gpa)
{
	struct pt_ctx c = ctx(e);
	uint64_t pa, flags, size;
	bool ok;

	if (gpa >> e->phys_bits || overlaps_hole(e, gpa, 1))
		return false;
	spin_lock(&lock);
	if (pt_translate(&c, e->root, gpa, &pa, &flags, &size)) {
		/* another CPU mapped it first: retry; else a real fault */
		ok = (flags & EPT_RWX) == EPT_RWX;
	} else {
		map_demand(e, gpa);
		ok = true;
	}
	spin_unlock(&lock);
	return ok;
}

bool ept01_lookup_size(uint64_t gpa, uint64_t *hpa, uint64_t *flags,
		       uint64_t *size)
{
	struct pt_ctx c = ctx(&ept01);

	return pt_translate(&c, ept01.root, gpa, hpa, flags, size);
}

uint64_t ept01_table_bound(const struct ept01 *e)
{
	return e->table_pages + e->demand_left;
}
