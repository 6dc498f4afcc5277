/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vmcs12's MSR lists (SDM Vol. 3C 25.7.2, 25.8.2; loading 27.4, 28.4, 28.6).
 * Each entry is 16 bytes in L1's memory: MSR index (bits 31:0), reserved
 * (63:32), data. MSRs that are part of the guest or host state of a VMCS
 * go to the current VMCS's guest fields (the CPU would load those fields
 * over a WRMSR at the next entry, and L0 runs on them in between); every
 * other entry gets the verdict L1's WRMSR (RDMSR for the store list) in VMX
 * non-root operation would get (vmx/msr_policy.def): refused MSRs fail the
 * entry, virtualized ones change only the vCPU's copy, and nothing the
 * policy keeps from L1 is ever written in root mode.
 */
#include "arch/x86/cpu.h"
#include "core/gevent.h"
#include "core/percpu.h"
#include "lib/log.h"
#include "nested/internal.h"
#include "nested/x86_rules.h"
#include "nested/msrlist.h"
#include "vmx/gmem.h"
#include "vmx/msr.h"
#include "vmx/msr_access.h"
#include "vmx/msr_policy.h"
#include "vmx/vmx.h"

#define MSR_SYSENTER_CS	    MSR_IA32_SYSENTER_CS
#define MSR_SYSENTER_ESP    MSR_IA32_SYSENTER_ESP
#define MSR_SYSENTER_EIP    MSR_IA32_SYSENTER_EIP
#define MSR_DEBUGCTL	    MSR_IA32_DEBUGCTL
#define MSR_PAT		    MSR_IA32_PAT
#define MSR_LIST_MAX	    512 /* IA32_VMX_MISC bits 27:25 = 0 as offered to L1 */
#define EFER_RESERVED	    (~0xd01ull)
#define EFER_LME	    (1ull << 8)
#define EFER_LMA	    (1ull << 10)
#define CR0_PG		    (1ull << 31)

struct msr_entry {
	uint32_t index, reserved;
	uint64_t data;
};

/* WRMSR as L1 could do it, the old value (as L1 reads it) recorded first. */
static bool write_msr(struct vcpu *v, uint32_t index, uint64_t value,
		      struct msr_undo *undo)
{
	uint64_t old;

	if (undo && !msrlist_load_forbidden(index) &&
	    msr_guest_peek(v, index, &old)) {
		if (undo->n < MSR_UNDO_MAX) {
			undo->e[undo->n].index = index;
			undo->e[undo->n++].old = old;
		} else {
			undo->lost++;
		}
	}
	return msr_list_write(v, index, value);
}

/*
 * As WRMSR to IA32_EFER would (SDM Vol. 4 Table 2-2, Vol. 2 WRMSR): reserved
 * bits are #GP, LMA is the CPU's (not written), and LME cannot change while
 * paging is on (#GP). The VMCS's EFER is the register at this point.
 */
static bool load_efer(uint64_t value)
{
	uint64_t cur = vmcs_read(GUEST_IA32_EFER);
	uint64_t next = (value & ~EFER_LMA) | (cur & EFER_LMA);

	if ((value & EFER_RESERVED) ||
	    (((next ^ cur) & EFER_LME) && (vmcs_read(GUEST_CR0) & CR0_PG)))
		return false;
	vmcs_write(GUEST_IA32_EFER, next);
	return true;
}

static bool load_one(struct vcpu *v, const struct msr_entry *e,
		     struct msr_undo *undo)
{
	switch (e->index) {
	case MSR_SYSENTER_CS:
		vmcs_write(GUEST_SYSENTER_CS, (uint32_t)e->data);
		return true;
	case MSR_SYSENTER_ESP:
	case MSR_SYSENTER_EIP:
		if (!x86_canonical_to(e->data, x86_linear_bits(nested_la57)))
			return false;
		vmcs_write(e->index == MSR_SYSENTER_ESP ? GUEST_SYSENTER_ESP
							: GUEST_SYSENTER_EIP,
			   e->data);
		return true;
	case MSR_DEBUGCTL:
		vmcs_write(GUEST_IA32_DEBUGCTL, e->data);
		return true;
	case MSR_PAT:
		if (!x86_pat_valid(e->data))
			return false;
		vmcs_write(GUEST_IA32_PAT, e->data);
		return true;
	case MSR_IA32_EFER:
		return load_efer(e->data);
	default:
		return write_msr(v, e->index, e->data, undo);
	}
}

uint32_t msrlist_load_entries(uint64_t gpa, uint32_t count,
			      struct msr_undo *undo)
{
	struct vcpu *v = &this_cpu()->vcpu;

	if (undo)
		undo->n = undo->lost = 0;
	for (uint32_t i = 0; i < count; i++) {
		struct msr_entry e;

		if (i >= MSR_LIST_MAX ||
		    !gmem_read(gpa + 16ull * i, &e, sizeof(e)) || e.reserved ||
		    msrlist_load_forbidden(e.index) || !load_one(v, &e, undo))
			return i + 1;
	}
	return 0;
}

uint32_t msrlist_store_entries(uint64_t gpa, uint32_t count)
{
	struct vcpu *v = &this_cpu()->vcpu;

	for (uint32_t i = 0; i < count; i++) {
		struct msr_entry e;
		uint64_t value;

		if (i >= MSR_LIST_MAX ||
		    !gmem_read(gpa + 16ull * i, &e, sizeof(e)) || e.reserved ||
		    msrlist_store_forbidden(e.index))
			return i + 1;
		switch (e.index) {
		case MSR_SYSENTER_CS:
			value = vmcs_read(GUEST_SYSENTER_CS);
			break;
		case MSR_SYSENTER_ESP:
			value = vmcs_read(GUEST_SYSENTER_ESP);
			break;
		case MSR_SYSENTER_EIP:
			value = vmcs_read(GUEST_SYSENTER_EIP);
			break;
		case MSR_DEBUGCTL:
			value = vmcs_read(GUEST_IA32_DEBUGCTL);
			break;
		case MSR_PAT:
			value = vmcs_read(GUEST_IA32_PAT);
			break;
		case MSR_IA32_EFER:
			value = vmcs_read(GUEST_IA32_EFER);
			break;
		default:
			if (!msr_guest_read(v, e.index, &value))
				return i + 1;
		}
		if (!gmem_write(gpa + 16ull * i + 8, &value, sizeof(value)))
			return i + 1;
	}
	return 0;
}

/* Through the policy again: an undo can do no more than L1's WRMSR. */
void msrlist_undo(struct msr_undo *undo)
{
	struct vcpu *v = &this_cpu()->vcpu;

	while (undo->n) {
		undo->n--;
		msr_guest_write(v, undo->e[undo->n].index, undo->e[undo->n].old);
	}
	if (undo->lost)
		gevent(v, GEV_MSR_DENIED, LOG_WARN,
		       "nested: %u MSRs of the VM-entry MSR-load list could "
		       "not be put back",
		       undo->lost);
}
