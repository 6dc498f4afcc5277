/* SPDX-License-Identifier: Apache-2.0 */
/*
 * EPT02: L2-physical to host-physical, filled on EPT violations from EPT12
 * (L2 to L1, walked in L1's memory by nested/ept12.c) composed with EPT01
 * (L1 to host). A translation EPT12 denies or misconfigures is L1's EPT
 * violation or misconfiguration; one it allows gets an EPT02 leaf with the
 * intersection of both permissions, the memory type of both combined, and
 * the largest size both maps allow (nested/ept02_policy.c).
 *
 * EPT02 is a per-vCPU cache with a fixed budget of pages reserved at
 * start-up (nested/reserve.h): when a fault might not find the pages it
 * needs, the whole tree below the root is dropped (an eviction, counted as
 * GEV_EPT02_EVICT) and the fault refills it. INVEPT and a new EPT12 pointer
 * drop it too. No fault ever stops the vCPU for lack of pages.
 */
#include "core/gevent.h"
#include "lib/log.h"
#include "lib/string.h"
#include "mm/page_alloc.h"
#include "mm/pagetable.h" /* EPT_* entry bits */
#include "nested/ept02_policy.h"
#include "nested/ept12.h"
#include "nested/internal.h"
#include "vmx/apic.h"
#include "vmx/config.h"
#include "vmx/ept.h"
#include "vmx/gmem.h"
#include "vmx/vmx.h"

#define EPT_ADDR    0x000ffffffffff000ull
#define EPT_LEAF    (1ull << 7) /* a 2 MiB or 1 GiB leaf (SDM 29.3.2) */
#define EPTP_FLAGS  0x1eull	/* WB paging structures, 4-level walk */
#define QUAL_ACCESS 7ull /* bits 2:0: read, write, fetch (SDM Table 28-7) */
#define QUAL_KEEP                                                              \
	0x1f80ull /* 7, 8 (linear address valid/translation), 9-12             \
		   */
#define CAP_EPT_2M (1ull << 16) /* IA32_VMX_EPT_VPID_CAP */
#define CAP_EPT_1G (1ull << 17)

/* The root is reserved with the vCPU and never changes (nested/reserve.c). */
uint64_t ept02_root(struct vcpu *v)
{
	return v->nested.ept02_root;
}

static uint64_t take_page(struct nested *n)
{
	uint64_t pa = n->ept02_free;

	if (!pa || !ept02_budget_take(&n->ept02_budget))
		return 0;
	n->ept02_free = *(uint64_t *)phys_to_virt(pa);
	memset(phys_to_virt(pa), 0, 4096);
	return pa;
}

static void give_page(struct nested *n, uint64_t pa)
{
	*(uint64_t *)phys_to_virt(pa) = n->ept02_free;
	n->ept02_free = pa;
}

/* Gives back the tables below the entries of t (a level-`level` table). */
static void give_below(struct nested *n, uint64_t *t, unsigned level)
{
	for (unsigned i = 0; i < 512; i++) {
		uint64_t e = t[i];

		if (level == 1 || !(e & EPT_RWX) || (e & EPT_LEAF))
			continue;
		give_below(n, phys_to_virt(e & EPT_ADDR), level - 1);
		give_page(n, e & EPT_ADDR);
	}
}

/*
 * Empties the tree down to its root. INVEPT of the root's context drops the
 * guest-physical and the combined (VPID02-tagged) translations cached
 * through it on this CPU, the only one that uses this EPT02 (SDM 28.4.3.1),
 * so the pages can be reused at once.
 */
static void empty(struct vcpu *v, bool evicted)
{
	struct nested *n = &v->nested;
	uint64_t *root = phys_to_virt(n->ept02_root);

	give_below(n, root, 4);
	memset(root, 0, 4096);
	invept(INVEPT_SINGLE, n->ept02_root | EPTP_FLAGS);
	ept02_budget_reset(&n->ept02_budget, evicted);
}

/* Tables below the entries of t (a level-`level` table), counted. */
static uint32_t count_below(const uint64_t *t, unsigned level)
{
	uint32_t n = 0;

	for (unsigned i = 0; i < 512; i++) {
		uint64_t e = t[i];

		if (level == 1 || !(e & EPT_RWX) || (e & EPT_LEAF))
			continue;
		n += 1 + count_below(phys_to_virt(e & EPT_ADDR), level - 1);
	}
	return n;
}

bool ept02_accounting_ok(const struct vcpu *v)
{
	const struct nested *n = &v->nested;
	uint32_t tree = 1 + count_below(phys_to_virt(n->ept02_root), 4);
	uint32_t free = 0;

	for (uint64_t pa = n->ept02_free; pa && free <= n->ept02_budget.cap;
	     pa = *(const uint64_t *)phys_to_virt(pa))
		free++;
	return tree == n->ept02_budget.used &&
	       tree + free == n->ept02_budget.cap;
}

void ept02_drop(struct vcpu *v)
{
	if (v->nested.ept02_budget.used > 1)
		empty(v, false);
}

static void evict(struct vcpu *v)
{
	struct ept02_budget *b = &v->nested.ept02_budget;

	gevent(v, GEV_EPT02_EVICT, LOG_DEBUG,
	       "nested: cpu%u: EPT02 used its %u pages: evicted (%lu so far)",
	       v->cpu, b->cap, b->evictions + 1);
	empty(v, true);
}

/*
 * The entry that maps gpa with a page of 4 KiB << (9 * (level - 1)), tables
 * made on the way (the caller made sure EPT02_FILL_MAX pages are there); a
 * larger leaf in the way becomes a table (its other pages fault again). If a
 * table is already where the leaf would go, *level comes down to a smaller
 * leaf below it.
 */
static uint64_t *slot(struct nested *n, uint64_t gpa, unsigned *level)
{
	uint64_t *t = phys_to_virt(n->ept02_root);

	for (unsigned l = 4;; l--) {
		uint64_t *e = &t[(gpa >> (12 + 9 * (l - 1))) & 511];
		bool table = l > 1 && (*e & EPT_RWX) && !(*e & EPT_LEAF);

		if (l <= *level && !table) {
			*level = l;
			return e;
		}
		if (!table) {
			uint64_t pa = take_page(n);

			if (!pa)
				return 0;
			*e = pa | EPT_RWX;
		}
		t = phys_to_virt(*e & EPT_ADDR);
	}
}

static bool read64(void *ctx, uint64_t gpa, uint64_t *value)
{
	(void)ctx;
	return gmem_read(gpa, value, sizeof(*value));
}

static void reflect(struct vcpu *v, uint32_t reason, uint64_t qual,
		    uint64_t gpa)
{
	struct nested_exit_info e = {
	    .reason = reason,
	    .qualification = qual,
	    .idt_info = (uint32_t)vmcs_read(IDT_VECTORING_INFO),
	    .idt_error = (uint32_t)vmcs_read(IDT_VECTORING_ERROR_CODE),
	    .insn_len = (uint32_t)vmcs_read(VM_EXIT_INSTRUCTION_LEN),
	    .guest_linear = vmcs_read(GUEST_LINEAR_ADDRESS),
	    .guest_physical = gpa,
	};

	nested_vmexit(v, &e);
}

bool nested_to_l1(struct vcpu *v, uint64_t gpa, uint64_t *l1)
{
	const struct vmcs12 *c = v->nested.vmcs12;
	struct ept12_caps caps = ept12_caps_of(&nested_caps, nested_phys_bits);
	struct ept12_result r;

	if (!v->nested.guest_mode ||
	    !((uint32_t)vmcs12_get(c, CPU_BASED_VM_EXEC_CONTROL) &
	      CPU_SECONDARY_CONTROLS) ||
	    !(vmcs12_get(c, SECONDARY_VM_EXEC_CONTROL) & SEC_ENABLE_EPT)) {
		*l1 = gpa;
		return true;
	}
	ept12_walk(vmcs12_get(c, EPT_POINTER), gpa, EPT12_READ, &caps, read64,
		   0, &r);
	*l1 = r.l1_gpa;
	return r.status == EPT12_OK;
}

/*
 * Installs the leaf for gpa: of the size both maps allow, its host page
 * aligned down to that size (both leaves map their blocks contiguously, so
 * the whole page lies inside them), the memory type combined.
 */
static void fill(struct vcpu *v, uint64_t gpa, uint64_t hpa, unsigned perms,
		 const struct ept12_result *r, uint64_t flags01, uint64_t size01)
{
	struct nested *n = &v->nested;
	uint64_t caps = vmx_cfg.msrs.ept_vpid;
	uint64_t size = ept02_leaf_size(r->page_size, size01, caps & CAP_EPT_2M,
					caps & CAP_EPT_1G);
	unsigned level = ept02_leaf_level(size);
	unsigned type = ept02_memtype((unsigned)(flags01 >> EPT_MT_SHIFT) & 7,
				      r->memtype);
	uint64_t *e;

	if (ept02_budget_must_evict(&n->ept02_budget))
		evict(v);
	e = slot(n, gpa, &level);
	if (!e) {
		/* not reached: room for EPT02_FILL_MAX tables was made */
		evict(v);
		e = slot(n, gpa, &level);
		if (!e)
			return; /* the access faults again */
	}
	size = 4096ull << (9 * (level - 1));
	*e = (hpa & EPT_ADDR & ~(size - 1)) | perms |
	     ((uint64_t)type << EPT_MT_SHIFT) |
	     (r->ignore_pat ? EPT_IGNORE_PAT : 0) | (level > 1 ? EPT_LEAF : 0);
	/* a permission raised in place must not meet a stale combined
	 * translation */
	invept(INVEPT_SINGLE, n->ept02_root | EPTP_FLAGS);
}

enum exit_action ept02_violation(struct vcpu *v)
{
	uint64_t gpa = vmcs_read(GUEST_PHYSICAL_ADDRESS);
	uint64_t qual = vmcs_read(EXIT_QUALIFICATION);
	struct ept12_caps caps = ept12_caps_of(&nested_caps, nested_phys_bits);
	struct ept12_result r;

	ept12_walk(v->nested.ept02_eptp12, gpa, (unsigned)(qual & QUAL_ACCESS),
		   &caps, read64, 0, &r);
	if (r.status == EPT12_VIOLATION) {
		/* bits 5:3: what EPT12 allows for the address (SDM Table 28-7)
		 */
		reflect(v, EXIT_EPT_VIOLATION,
			(qual & (QUAL_ACCESS | QUAL_KEEP)) | (r.perms << 3),
			gpa);
		return EXIT_RESUME;
	}
	if (r.status != EPT12_OK) {
		/* tables outside L1's memory read as garbage on a CPU: a
		 * misconfiguration */
		reflect(v, EXIT_EPT_MISCONFIG, 0, gpa);
		return EXIT_RESUME;
	}
	uint64_t l1 = r.l1_gpa, hpa, flags, size01;

	if (!ept01_lookup_size(l1, &hpa, &flags, &size01) &&
	    !(ept01_map_on_demand(&ept01, l1) &&
	      ept01_lookup_size(l1, &hpa, &flags, &size01))) {
		log_err("nested: cpu%u: L2-physical 0x%lx is L1-physical "
			"0x%lx, which EPT01 cannot map",
			v->cpu, gpa, l1);
		return EXIT_STOP;
	}
	unsigned perms = r.perms & (unsigned)(flags & EPT_RWX);

	if ((qual & QUAL_ACCESS) & ~perms & EPT_W) {
		/* EPT12 allows the write, EPT01 does not: L1 gave L2 its xAPIC
		 * page */
		if ((l1 & ~0xfffull) == apic_page()) {
			v->nested.l0_handled++;
			return apic_mmio_write(v, l1);
		}
		log_err("nested: cpu%u: L2 writes L1-physical 0x%lx, which L1 "
			"may not write",
			v->cpu, l1);
		return EXIT_STOP;
	}
	fill(v, gpa, hpa, perms, &r, flags, size01);
	vcpu_retry_reblock_nmi(qual);
	v->nested.ept02_filled = true;
	v->nested.l0_handled++;
	return EXIT_RESUME;
}
