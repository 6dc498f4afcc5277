// SPDX-License-Identifier: Apache-2.0
#include "drivers/vtd_tables.h"

bool vtd_hole_add(struct vtd_holes *h, uint64_t start, uint64_t end)
{
	unsigned i = h->n;

	if (i == sizeof(h->r) / sizeof(h->r[0]))
		return false;
	h->n++;
	while (i && h->r[i - 1].start > start) { /* insertion sort by start */
		h->r[i] = h->r[i - 1];
		i--;
	}
	h->r[i] = (struct mem_range){start, end};
	return true;
}

uint64_t vtd_build_slpt(const struct pt_ctx *c, const struct vtd_plan *p,
			const struct vtd_holes *h, enum pt_err *err)
{
	struct pt_ctx e = *c;

	e.allow_1g = p->large_1g;
	e.format = PT_EPT; /* 9.8: R (bit 0), W (bit 1), PS (bit 7) as in EPT */
	uint64_t root = pt_new_root(&e), a = 0;

	*err = root ? PT_OK : PT_ENOMEM;
	/*
	 * Leaves get R and W only: X, memory type and snoop bits stay 0 (legacy
	 * mode ignores or reserves them). Non-leaf entries get EPT's R/W/X; bit
	 * 2 is ignored by second-level walks without execute requests.
	 */
	for (unsigned i = 0; i <= h->n && *err == PT_OK; i++) {
		uint64_t end = i < h->n ? h->r[i].start : p->top;

		if (end > p->top)
			end = p->top;
		if (end > a)
			*err = pt_map(&e, root, a, a, end - a, EPT_R | EPT_W);
		if (i < h->n && h->r[i].end > a)
			a = h->r[i].end;
	}
	if (*err != PT_OK)
		return 0;
	/* 3-level: the walk starts at what the 4-level root's entry 0 points to
	 */
	if (p->levels == 3)
		root = *(uint64_t *)e.phys_to_virt(e.arg, root) & PTE_ADDR;
	if (!root)
		*err = PT_ENOMEM;
	return root;
}

uint64_t vtd_build_root(const struct pt_ctx *c, const struct vtd_plan *p,
			uint64_t slpt)
{
	uint64_t root = c->alloc_page(c->arg), ctx = c->alloc_page(c->arg);

	if (!root || !ctx)
		return 0;
	uint64_t *r = c->phys_to_virt(c->arg, root);
	uint64_t *t = c->phys_to_virt(c->arg, ctx);

	for (unsigned i = 0; i < 256; i++) {
		r[2 * i] = ctx | VTD_PRESENT; /* 9.1: present, context table */
		/* 9.3: T = 00 (untranslated requests go through second-level),
		 * FPD = 0 */
		t[2 * i] = slpt | VTD_PRESENT;
		t[2 * i + 1] = VTD_CTX_AW(p->levels) | (uint64_t)p->did
							   << VTD_CTX_DID_SHIFT;
	}
	return root;
}
