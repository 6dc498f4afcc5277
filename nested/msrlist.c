/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vmcs12's MSR lists (SDM Vol. 3C 25.7.2, 25.8.2; loading 27.4, 28.4, 28.6).
 * Each entry is 16 bytes in L1's memory: MSR index (bits 31:0), reserved
 * (63:32), data. MSRs that are part of the guest or host state of a VMCS
 * go to the current VMCS's guest fields (the CPU would load those fields
 * over a WRMSR at the next entry, and L0 runs on them in between); every
 * other MSR is written as L1 could write it itself, so a list loads nothing
 * L1 could not already load with WRMSR.
 */
#include "arch/x86/cpu.h"
#include "lib/log.h"
#include "nested/x86_rules.h"
#include "nested/msrlist.h"
#include "vmx/gmem.h"
#include "vmx/msr.h"
#include "vmx/vmx.h"

#define MSR_SYSENTER_CS	    0x174
#define MSR_SYSENTER_ESP    0x175
#define MSR_SYSENTER_EIP    0x176
#define MSR_SMM_MONITOR_CTL 0x9b
#define MSR_SMBASE	    0x9e
#define MSR_DEBUGCTL	    0x1d9
#define MSR_PAT		    0x277
#define MSR_LIST_MAX	    512 /* IA32_VMX_MISC bits 27:25 = 0 as offered to L1 */
#define EFER_RESERVED	    (~0xd01ull)
#define EFER_LME	    (1ull << 8)
#define EFER_LMA	    (1ull << 10)
#define CR0_PG		    (1ull << 31)

struct msr_entry {
	uint32_t index, reserved;
	uint64_t data;
};

/* Bits 31:8 = 8: the x2APIC range, never in a list (SDM 27.4). */
static bool x2apic(uint32_t msr)
{
	return (msr >> 8) == 8;
}

static bool l0_owns(uint32_t msr)
{
	return msr == MSR_IA32_FEATURE_CONTROL ||
	       (msr >= MSR_IA32_VMX_BASIC &&
		msr <= MSR_IA32_VMX_PROCBASED_CTLS3);
}

/* WRMSR as L1 could do it, the old value recorded first. */
static bool write_msr(uint32_t index, uint64_t value, struct msr_undo *undo)
{
	uint64_t old;

	if (undo && rdmsr_safe(index, &old) == 0) {
		if (undo->n < MSR_UNDO_MAX) {
			undo->e[undo->n].index = index;
			undo->e[undo->n++].old = old;
		} else {
			undo->lost++;
		}
	}
	return wrmsr_safe(index, value) == 0;
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

static bool load_one(const struct msr_entry *e, struct msr_undo *undo)
{
	switch (e->index) {
	case MSR_SYSENTER_CS:
		vmcs_write(GUEST_SYSENTER_CS, (uint32_t)e->data);
		return true;
	case MSR_SYSENTER_ESP:
	case MSR_SYSENTER_EIP:
		if (!x86_canonical(e->data))
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
		return !l0_owns(e->index) && write_msr(e->index, e->data, undo);
	}
}

uint32_t msrlist_load(uint64_t gpa, uint32_t count, struct msr_undo *undo)
{
	if (undo)
		undo->n = undo->lost = 0;
	for (uint32_t i = 0; i < count; i++) {
		struct msr_entry e;

		if (i >= MSR_LIST_MAX ||
		    !gmem_read(gpa + 16ull * i, &e, sizeof(e)) || e.reserved ||
		    e.index == MSR_IA32_FS_BASE ||
		    e.index == MSR_IA32_GS_BASE || x2apic(e.index) ||
		    e.index == MSR_SMM_MONITOR_CTL || !load_one(&e, undo))
			return i + 1;
	}
	return 0;
}

uint32_t msrlist_store(uint64_t gpa, uint32_t count)
{
	for (uint32_t i = 0; i < count; i++) {
		struct msr_entry e;
		uint64_t value;

		if (i >= MSR_LIST_MAX ||
		    !gmem_read(gpa + 16ull * i, &e, sizeof(e)) || e.reserved ||
		    x2apic(e.index) || e.index == MSR_SMBASE)
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
			if (l0_owns(e.index) || rdmsr_safe(e.index, &value))
				return i + 1;
		}
		if (!gmem_write(gpa + 16ull * i + 8, &value, sizeof(value)))
			return i + 1;
	}
	return 0;
}

void msrlist_undo(struct msr_undo *undo)
{
	while (undo->n) {
		undo->n--;
		wrmsr_safe(undo->e[undo->n].index, undo->e[undo->n].old);
	}
	if (undo->lost)
		log_warn("nested: %u MSRs of the VM-entry MSR-load list could "
			 "not be put back",
			 undo->lost);
}
