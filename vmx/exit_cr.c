/* SPDX-License-Identifier: Apache-2.0 */
/*
 * MOV to CR0/CR4 exits, taken only when L1 changes a bit VMX keeps fixed
 * (CR0.NE, CR4.VMXE...): L1 gets the value it wrote in the read shadow, the
 * CPU gets it with the fixed bits set.
 */
#include "nested/internal.h"
#include "vmx/config.h"
#include "vmx/exit.h"
#include "vmx/vmx.h"

#define CR0_PE (1ull << 0)
#define CR0_WP (1ull << 16)
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)

/* SDM Vol. 3C Table 28-3 */
#define CR_NUM(q) ((q) & 0xf)
#define CR_ACCESS_TYPE(q) (((q) >> 4) & 3)
#define CR_GPR(q) (((q) >> 8) & 0xf)
#define CR_MOV_TO 0

/* Paging turned on or off by an emulated write: do what the CPU would (SDM 10.8.5). */
static bool update_long_mode(uint64_t old, uint64_t val)
{
	uint64_t efer = vmcs_read(GUEST_IA32_EFER);
	uint64_t entry = vmcs_read(VM_ENTRY_CONTROLS);

	if (!(old & CR0_PG) && (val & CR0_PG) && (efer & EFER_LME)) {
		if (!(vmcs_read(GUEST_CR4) & CR4_PAE))
			return false;
		efer |= EFER_LMA;
		entry |= ENTRY_IA32E_MODE;
	} else if ((old & CR0_PG) && !(val & CR0_PG)) {
		efer &= ~EFER_LMA;
		entry &= ~(uint64_t)ENTRY_IA32E_MODE;
	}
	vmcs_write(GUEST_IA32_EFER, efer);
	vmcs_write(VM_ENTRY_CONTROLS, entry);
	return true;
}

/* In VMX operation the fixed bits stay fixed for L1 too (SDM 24.8): #GP. */
static bool vmx_fixed_ok(const struct vcpu *v, uint64_t val, uint64_t fixed0, uint64_t fixed1)
{
	return !v->nested.vmxon || ((val & fixed0) == fixed0 && !(val & ~fixed1 & 0xffffffffull));
}

static bool set_cr0(struct vcpu *v, uint64_t val)
{
	uint64_t old = vcpu_cr0();

	if (!vmx_fixed_ok(v, val, nested_caps.cr0_fixed0, nested_caps.cr0_fixed1))
		return false;

	/* the #GP(0) conditions of MOV to CR0 (SDM Vol. 2B MOV-Move to/from CR) */
	if ((val >> 32) || ((val & CR0_NW) && !(val & CR0_CD)) ||
	    ((val & CR0_PG) && !(val & CR0_PE)) || !update_long_mode(old, val))
		return false;
	vmcs_write(CR0_READ_SHADOW, val);
	vmcs_write(GUEST_CR0, vmx_guest_cr0(val));
	if ((old ^ val) & (CR0_PE | CR0_PG | CR0_WP | CR0_CD))
		vmx_flush_guest_tlb(v->vpid);
	return true;
}

/*
 * The IA-32e mode #GP(0) conditions of MOV to CR4 (SDM Vol. 2B MOV-Move
 * to/from Control Registers): clearing PAE, changing LA57. 5-level paging
 * is chosen before paging is turned on (SDM Vol. 3A 4.1.2), as Linux's
 * trampoline does, and that write needs no exit: LA57 is L1's wherever the
 * CPU has it (not in the guest/host mask, vmx/config.c).
 */
static bool ia32e_cr4_ok(uint64_t val)
{
	bool lma = vmcs_read(GUEST_IA32_EFER) & EFER_LMA;

	return !lma || ((val & CR4_PAE) && !((val ^ vcpu_cr4()) & CR4_LA57));
}

static bool set_cr4(struct vcpu *v, uint64_t val)
{
	/* bits the CPU cannot set are reserved: #GP(0) */
	if ((val & ~vmx_cfg.cr4_fixed1) ||
	    !vmx_fixed_ok(v, val, nested_caps.cr4_fixed0, nested_caps.cr4_fixed1) ||
	    !ia32e_cr4_ok(val))
		return false;
	vmcs_write(CR4_READ_SHADOW, val);
	vmcs_write(GUEST_CR4, vmx_guest_cr4(val));
	vmx_flush_guest_tlb(v->vpid);
	return true;
}

enum exit_action exit_cr_access(struct vcpu *v)
{
	uint64_t q = vmcs_read(EXIT_QUALIFICATION);
	bool ok;

	if (CR_ACCESS_TYPE(q) != CR_MOV_TO ||
	    (CR_NUM(q) != 0 && CR_NUM(q) != 4))
		return EXIT_STOP; /* nothing else is configured to exit */
	uint64_t val = vcpu_read_gpr(v, CR_GPR(q));

	ok = CR_NUM(q) == 0 ? set_cr0(v, val) : set_cr4(v, val);
	if (!ok)
		vcpu_inject_exception(v, VEC_GP, true, 0);
	else
		vcpu_skip_instruction(v);
	return EXIT_RESUME;
}
