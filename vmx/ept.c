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

static uint64_t alloc(void *arg)
{
	(void)arg;
	return page_alloc();
}

static void *virt(void *arg, uint64_t pa)
{
	(void)arg;
	return phys_to_virt(pa);
}

static struct pt_ctx ctx(const struct ept01 *e)
{
	return (struct pt_ctx){ alloc, virt, 0, e->allow_1g, PT_EPT };
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

bool ept01_build(struct ept01 *e, uint64_t end, uint64_t hole_pa,
		 uint64_t hole_size, uint64_t apic_pa, bool allow_1g)
{
	mtrr_read(&mtrrs);
	*e = (struct ept01){ .end = end, .hole_pa = hole_pa,
			     .hole_size = hole_size, .apic_pa = apic_pa,
			     .allow_1g = allow_1g,
			     .phys_bits = mtrrs.phys_bits ? mtrrs.phys_bits : 36 };
	e->root = page_alloc();
	e->scratch_pa = page_alloc();
	if (!e->root || !e->scratch_pa) {
		log_err("vmx: no pages left for EPT01");
		return false;
	}
	/* Reads of L0's memory see what a bus without memory returns. */
	memset(phys_to_virt(e->scratch_pa), 0xff, PAGE_4K);
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

bool ept01_map_on_demand(struct ept01 *e, uint64_t gpa)
{
	struct pt_ctx c = ctx(e);
	uint64_t pa, flags, size;
	bool ok = false;

	if (gpa >> e->phys_bits || overlaps_hole(e, gpa, 1))
		return false;
	spin_lock(&lock);
	if (!pt_translate(&c, e->root, gpa, &pa, &flags, &size)) {
		uint64_t a = gpa & ~(PAGE_2M - 1);
		int type = mtrr_range_type(&mtrrs, a, PAGE_2M);

		if (type < 0 || special(e, a, PAGE_2M)) {
			a = gpa & ~(PAGE_4K - 1);
			type = mtrr_range_type(&mtrrs, a, PAGE_4K);
			ok = map_block(e, a, PAGE_4K, type < 0 ? MT_UC : type);
		} else {
			ok = map_block(e, a, PAGE_2M, type);
		}
	}
	spin_unlock(&lock);
	return ok;
}

bool ept01_lookup(uint64_t gpa, uint64_t *hpa, uint64_t *flags)
{
	struct pt_ctx c = ctx(&ept01);
	uint64_t size;

	return pt_translate(&c, ept01.root, gpa, hpa, flags, &size);
}
