/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Memory operands of L1's VMX instructions: decoded from the exit's
 * instruction information (nested/operand.c), translated through L1's
 * paging with L1's permissions (vmx/gwalk.c), then read or written in L1's
 * guest-physical memory (vmx/gmem.c: no memory reads as all ones, writes
 * to it are dropped). Faults go to L1 as the CPU would raise them.
 */
#include "arch/x86/cpu.h"
#include "nested/internal.h"
#include "vmx/gmem.h"
#include "vmx/gwalk.h"
#include "vmx/segment.h"
#include "vmx/vmx.h"

#define EFER_LMA  (1ull << 10)
#define RFLAGS_VM (1ull << 17)
#define RFLAGS_AC (1ull << 18)
#define CR0_PE	  1ull
#define CR4_LA57  (1ull << 12)
#define PAGE	  4096ull

bool nvmx_long_mode(void)
{
	return (vmcs_read(GUEST_IA32_EFER) & EFER_LMA) &&
	       (vmcs_read(GUEST_CS_AR_BYTES) & AR_L);
}

static void read_seg(struct seg *s, unsigned i)
{
	/* ES, CS, SS, DS, FS, GS fields are 2 encodings apart (App. B) */
	s->base = vmcs_read(GUEST_ES_BASE + 2 * i);
	s->limit = (uint32_t)vmcs_read(GUEST_ES_LIMIT + 2 * i);
	s->ar = (uint32_t)vmcs_read(GUEST_ES_AR_BYTES + 2 * i);
}

bool nvmx_operand(struct vcpu *v, unsigned size, bool write,
		  struct vmx_operand *op)
{
	struct operand_ctx c;

	for (unsigned i = 0; i < 16; i++)
		c.gpr[i] = vcpu_read_gpr(v, i);
	for (unsigned i = 0; i < 6; i++)
		read_seg(&c.seg[i], i);
	c.long_mode = nvmx_long_mode();
	c.la57 = vmcs_read(GUEST_CR4) & CR4_LA57;
	c.cs_db = c.seg[1].ar & AR_DB;
	c.real_or_v86 =
	    !(vcpu_cr0() & CR0_PE) || (vmcs_read(GUEST_RFLAGS) & RFLAGS_VM);
	enum operand_fault f =
	    operand_decode(&c, (uint32_t)vmcs_read(VMX_INSTRUCTION_INFO),
			   vmcs_read(EXIT_QUALIFICATION), size, write, op);

	if (f == OPERAND_OK)
		return true;
	vcpu_inject_exception(v, (unsigned)f, f != OPERAND_UD, 0);
	return false;
}

/*
 * A paging-structure entry in no memory reads as all ones, as the CPU would
 * read it: present, with reserved bits set in every IA-32e and PAE level, so
 * the walk ends in a #PF with the RSVD bit (SDM Vol. 3A 4.7).
 */
static bool read64(void *ctx, uint64_t gpa, uint64_t *value)
{
	(void)ctx;
	gmem_read(gpa, value, sizeof(*value));
	return true;
}

/* One page of the operand: its guest-physical address, or a #PF queued for L1. */
static bool translate(struct vcpu *v, uint64_t gla, bool write, uint64_t *gpa)
{
	struct gwalk_regs r = {vmcs_read(GUEST_CR0), vmcs_read(GUEST_CR3),
			       vmcs_read(GUEST_CR4),
			       vmcs_read(GUEST_IA32_EFER)};
	unsigned access =
	    (write ? GWALK_WRITE : 0) | (vcpu_cpl() == 3 ? GWALK_USER : 0) |
	    ((vmcs_read(GUEST_RFLAGS) & RFLAGS_AC) ? GWALK_AC : 0);
	uint32_t pfec = 0;

	enum gwalk_result res =
	    gwalk_translate_access(&r, gla, access, read64, 0, gpa, &pfec);

	if (res == GWALK_OK)
		return true;
	if (res == GWALK_NOT_PRESENT || res == GWALK_RESERVED ||
	    res == GWALK_PROTECTION) {
		write_cr2(gla);
		vcpu_inject_exception(v, 14, true, pfec);
		return false;
	}
	/* GWALK_NON_CANONICAL: operand_decode() raised #GP/#SS for such an
	 * address already (GWALK_NO_MEMORY cannot happen with read64); #GP
	 * rather than a guess */
	vcpu_inject_exception(v, VEC_GP, true, 0);
	return false;
}

static bool access(struct vcpu *v, uint64_t gla, uint8_t *buf, unsigned n,
		   bool write)
{
	uint64_t gpa[2];
	unsigned first = n;
	bool wide = nvmx_long_mode();

	if (!wide)
		gla = (uint32_t)gla;
	if ((gla & (PAGE - 1)) + n > PAGE)
		first = (unsigned)(PAGE - (gla & (PAGE - 1)));
	/* both pages are checked before anything is written (no partial store)
	 */
	if (!translate(v, gla, write, &gpa[0]))
		return false;
	if (first < n) {
		uint64_t next = gla + first;

		if (!translate(v, wide ? next : (uint32_t)next, write, &gpa[1]))
			return false;
	}
	/* operand bytes in no memory read as all ones, writes to them are
	 * dropped: no fault, as on a CPU */
	if (write)
		gmem_write(gpa[0], buf, first);
	else
		gmem_read(gpa[0], buf, first);
	if (first < n) {
		if (write)
			gmem_write(gpa[1], buf + first, n - first);
		else
			gmem_read(gpa[1], buf + first, n - first);
	}
	return true;
}

bool nvmx_read_operand(struct vcpu *v, const struct vmx_operand *op, void *buf,
		       unsigned n)
{
	return access(v, op->gla, buf, n, false);
}

bool nvmx_write_operand(struct vcpu *v, const struct vmx_operand *op,
			const void *buf, unsigned n)
{
	return access(v, op->gla, (uint8_t *)(uintptr_t)buf, n, true);
}
