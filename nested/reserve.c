/* SPDX-License-Identifier: Apache-2.0 */
/* Every page a vCPU's nested VMX will use, taken once at start-up. */
#include "nested/reserve.h"

#include "lib/log.h"
#include "lib/string.h"
#include "mm/page_alloc.h"
#include "nested/internal.h"

static bool take(uint64_t *pa)
{
	*pa = page_alloc();
	return *pa != 0;
}

static bool fixed_pages(struct nested *n)
{
	uint64_t cache, undo;

	if (!take(&cache) || !take(&undo) || !take(&n->vmcs02_pa) ||
	    !take(&n->msr_bitmap02_pa) || !take(&n->io_all_pa) ||
	    !take(&n->shadow_reserved))
		return false;
	n->vmcs12 = phys_to_virt(cache);
	n->msr_undo = phys_to_virt(undo);
	/* vmcs02 when L1's I/O bitmap is in no memory: every port exits */
	memset(phys_to_virt(n->io_all_pa), 0xff, 4096);
	return true;
}

static bool ept02_pages(struct nested *n)
{
	if (!take(&n->ept02_root))
		return false;
	n->ept02_budget = (struct ept02_budget){.cap = EPT02_BUDGET_PAGES};
	ept02_budget_reset(&n->ept02_budget, false);
	for (unsigned i = 1; i < EPT02_BUDGET_PAGES; i++) {
		uint64_t pa;

		if (!take(&pa))
			return false;
		*(uint64_t *)phys_to_virt(pa) = n->ept02_free;
		n->ept02_free = pa;
	}
	return true;
}

bool nested_reserve(struct vcpu *v)
{
	_Static_assert(EPT02_BUDGET_PAGES >= EPT02_BUDGET_MIN,
		       "a fault must always fit after an eviction");
	if (fixed_pages(&v->nested) && ept02_pages(&v->nested))
		return true;
	log_err("nested: cpu%u: the pool lacks the %u pages reserved per vCPU "
		"for nested VMX",
		v->cpu, NESTED_VCPU_PAGES);
	return false;
}
