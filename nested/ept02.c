/* SPDX-License-Identifier: Apache-2.0 */
/*
 * EPT02: L2-physical to host-physical, filled one 4 KiB page at a time on
 * EPT violations from EPT12 (L2 to L1, walked in L1's memory by
 * nested/ept12.c) composed with EPT01 (L1 to host). A translation EPT12
 * denies or misconfigures is L1's EPT violation or misconfiguration; one it
 * allows gets an EPT02 entry with the intersection of both permissions and
 * EPT12's memory type. INVEPT and a new EPT12 pointer drop all of EPT02.
 */
#include "lib/log.h"
#include "mm/page_alloc.h"
#include "mm/pagetable.h" /* EPT_* entry bits */
#include "nested/ept12.h"
#include "nested/internal.h"
#include "vmx/apic.h"
#include "vmx/ept.h"
#include "vmx/gmem.h"
#include "vmx/vmx.h"

#define EPT_ADDR    0x000ffffffffff000ull
#define QUAL_ACCESS 7ull /* bits 2:0: read, write, fetch (SDM Table 28-7) */
#define QUAL_KEEP                                                              \
	0x1f80ull /* 7, 8 (linear address valid/translation), 9-12             \
		   */

uint64_t ept02_root(struct vcpu *v)
{
	struct nested *n = &v->nested;

	if (!n->ept02_root) {
		n->ept02_root = page_alloc();
		if (!n->ept02_root)
			vcpu_stop(v, "no page left for EPT02");
		n->ept02_pages = 1;
	}
	return n->ept02_root;
}

static void free_table(uint64_t pa, unsigned level)
{
	uint64_t *t = phys_to_virt(pa);

	if (level > 1)
		for (unsigned i = 0; i < 512; i++)
			if (t[i] & EPT_RWX)
				free_table(t[i] & EPT_ADDR, level - 1);
	page_free(pa);
}

void ept02_drop(struct vcpu *v)
{
	struct nested *n = &v->nested;

	if (!n->ept02_root)
		return;
	free_table(n->ept02_root, 4);
	/* VPID02 may cache combined translations through the old EPT02 */
	invept(INVEPT_SINGLE, n->ept02_root | 0x1e);
	n->ept02_root = 0;
	n->ept02_pages = 0;
	if (n->guest_mode && n->ept02_eptp12)
		vmcs_write(EPT_POINTER, ept02_root(v) | 0x1e);
}

/* The 4 KiB leaf for gpa, tables allocated on the way; NULL if the pool is
 * empty. */
static uint64_t *leaf(struct vcpu *v, uint64_t gpa)
{
	uint64_t *t = phys_to_virt(ept02_root(v));

	for (unsigned level = 4; level > 1; level--) {
		unsigned i = (gpa >> (12 + 9 * (level - 1))) & 511;

		if (!(t[i] & EPT_RWX)) {
			uint64_t pa = page_alloc();

			if (!pa)
				return 0;
			v->nested.ept02_pages++;
			t[i] = pa | EPT_RWX;
		}
		t = phys_to_virt(t[i] & EPT_ADDR);
	}
	return &t[(gpa >> 12) & 511];
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
	uint64_t l1 = r.l1_gpa, hpa, flags;

	if (!ept01_lookup(l1, &hpa, &flags) &&
	    !(ept01_map_on_demand(&ept01, l1) &&
	      ept01_lookup(l1, &hpa, &flags))) {
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
	uint64_t *e = leaf(v, gpa);

	if (!e)
		vcpu_stop(v, "no page left for EPT02");
	*e = (hpa & EPT_ADDR) | perms | ((uint64_t)r.memtype << EPT_MT_SHIFT) |
	     (r.ignore_pat ? EPT_IGNORE_PAT : 0);
	/* a permission raised in place must not meet a stale combined
	 * translation */
	invept(INVEPT_SINGLE, v->nested.ept02_root | 0x1e);
	v->nested.l0_handled++;
	return EXIT_RESUME;
}
