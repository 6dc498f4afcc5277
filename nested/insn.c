/* SPDX-License-Identifier: Apache-2.0 */
/*
 * L1's VMX instructions (SDM Vol. 3C 31.3), as the CPU would execute them
 * for a guest that believes it is in VMX root operation: the exceptions
 * first, then VMsucceed, VMfailInvalid or VMfailValid with the
 * VM-instruction error number (SDM 31.4). VMREAD/VMWRITE, VMLAUNCH/VMRESUME
 * and INVEPT/INVVPID live in their own files.
 */
#include "lib/log.h"
#include "lib/string.h"
#include "mm/page_alloc.h"
#include "nested/internal.h"
#include "vmx/config.h"
#include "vmx/gmem.h"
#include "vmx/vmx.h"

#define RFLAGS_CF	  (1ull << 0)
#define RFLAGS_ZF	  (1ull << 6)
#define RFLAGS_VMX_STATUS 0x8d5ull /* CF PF AF ZF SF OF */
#define RFLAGS_VM	  (1ull << 17)
#define CR0_PE		  1ull
#define CR4_VMXE	  (1ull << 13)

void nvmx_set_status(struct vcpu *v, uint64_t flags)
{
	vmcs_write(GUEST_RFLAGS,
		   (vmcs_read(GUEST_RFLAGS) & ~RFLAGS_VMX_STATUS) | flags);
	vcpu_skip_instruction(v);
}

void nvmx_succeed(struct vcpu *v)
{
	nvmx_set_status(v, 0);
}

void nvmx_fail_invalid(struct vcpu *v)
{
	nvmx_set_status(v, RFLAGS_CF);
}

void nvmx_fail(struct vcpu *v, unsigned err)
{
	if (v->nested.current_ptr == VMCS12_NONE) {
		nvmx_fail_invalid(v);
		return;
	}
	vmcs12_set(v->nested.vmcs12, VM_INSTRUCTION_ERROR, err);
	nvmx_set_status(v, RFLAGS_ZF);
}

void nvmx_release_current(struct vcpu *v)
{
	struct nested *n = &v->nested;

	if (n->current_ptr == VMCS12_NONE)
		return;
	nested_sync_lazy(n);
	/* a region in no memory: the write goes nowhere, as the CPU's would
	 * (VMPTRLD accepted it, so it was RAM then; gmem records the event) */
	gmem_write(n->current_ptr, n->vmcs12, sizeof(struct vmcs12));
	n->current_ptr = VMCS12_NONE;
	nested_forget(n);
}

/* The operand of VMXON/VMCLEAR/VMPTRLD: a 64-bit physical address in memory. */
static bool read_pointer(struct vcpu *v, uint64_t *pa)
{
	struct vmx_operand op;

	return nvmx_operand(v, 8, false, &op) &&
	       nvmx_read_operand(v, &op, pa, 8);
}

/*
 * VMXON outside VMX operation (SDM 31.3 "VMXON"): #UD and #GP conditions,
 * then the pointer and the revision of the VMXON region.
 */
static enum exit_action emulate_vmxon(struct vcpu *v)
{
	struct nested *n = &v->nested;
	uint64_t cr0 = vcpu_cr0(), cr4 = vcpu_cr4();
	uint64_t pa;
	uint32_t rev;

	if (n->vmxon) { /* in VMX root operation already */
		if (vcpu_cpl() > 0) {
			vcpu_inject_exception(v, VEC_GP, true, 0);
		} else {
			nested_shadow_pull(v);
			nvmx_fail(v, 15);
			nested_shadow_push(v);
		}
		return EXIT_RESUME;
	}
	if (!(cr4 & CR4_VMXE) || !(cr0 & CR0_PE) ||
	    (vmcs_read(GUEST_RFLAGS) & RFLAGS_VM)) {
		vcpu_inject_exception(v, VEC_UD, false, 0);
		return EXIT_RESUME;
	}
	/* CR0/CR4 bits VMX operation fixes, as L1 set them (shadows) */
	if (vcpu_cpl() > 0 ||
	    (cr0 & nested_caps.cr0_fixed0) != nested_caps.cr0_fixed0 ||
	    (cr0 & ~nested_caps.cr0_fixed1 & 0xffffffffull) ||
	    (cr4 & nested_caps.cr4_fixed0) != nested_caps.cr4_fixed0 ||
	    (cr4 & ~nested_caps.cr4_fixed1 & 0xffffffffull)) {
		vcpu_inject_exception(v, VEC_GP, true, 0);
		return EXIT_RESUME;
	}
	if (!read_pointer(v, &pa))
		return EXIT_RESUME;
	if (!nested_pa_valid(pa)) {
		nvmx_fail_invalid(v);
		return EXIT_RESUME;
	}
	/* a region in no memory reads as all ones: a wrong revision */
	gmem_read(pa, &rev, sizeof(rev));
	if (rev != (uint32_t)(nested_caps.basic & 0x7fffffff)) {
		nvmx_fail_invalid(v);
		return EXIT_RESUME;
	}
	/* the vmcs12 cache, vmcs02 and MSR undo pages: nested/reserve.c */
	n->vmxon = true;
	n->vmxon_ptr = pa;
	n->current_ptr = VMCS12_NONE;
	nested_shadow_enable(v, true);
	nvmx_succeed(v);
	return EXIT_RESUME;
}

static enum exit_action emulate_vmxoff(struct vcpu *v)
{
	/* Nothing requires it, but L1 loses nothing it did not VMCLEAR. */
	nvmx_release_current(v);
	nested_shadow_enable(v, false);
	v->nested.vmxon = false;
	ept02_drop(v);
	nvmx_succeed(v);
	return EXIT_RESUME;
}

/* SDM 31.3 "VMCLEAR": the VMCS goes back to memory with launch state clear. */
static enum exit_action emulate_vmclear(struct vcpu *v)
{
	struct nested *n = &v->nested;
	uint64_t pa;

	if (!read_pointer(v, &pa))
		return EXIT_RESUME;
	if (!nested_pa_valid(pa)) {
		nvmx_fail(v, 2);
		return EXIT_RESUME;
	}
	if (pa == n->vmxon_ptr) {
		nvmx_fail(v, 3);
		return EXIT_RESUME;
	}
	if (pa == n->current_ptr) {
		vmcs12_set_launched(n->vmcs12, false);
		nvmx_release_current(v);
	} else {
		uint32_t clear = VMCS12_LAUNCH_CLEAR;

		/* a region in no memory: the CPU's write would go nowhere too
		 */
		gmem_write(pa + __builtin_offsetof(struct vmcs12, launch_state),
			   &clear, sizeof(clear));
	}
	nvmx_succeed(v);
	return EXIT_RESUME;
}

/* SDM 31.3 "VMPTRLD": L0 reads the region once; L1's later stores to it are not
 * seen. */
static enum exit_action emulate_vmptrld(struct vcpu *v)
{
	struct nested *n = &v->nested;
	uint64_t pa;
	uint32_t rev;

	if (!read_pointer(v, &pa))
		return EXIT_RESUME;
	if (!nested_pa_valid(pa)) {
		nvmx_fail(v, 9);
		return EXIT_RESUME;
	}
	if (pa == n->vmxon_ptr) {
		nvmx_fail(v, 10);
		return EXIT_RESUME;
	}
	/* a region in no memory (MMIO, holes, L0's region) reads as all ones:
	 * revision 0x7fffffff is never ours, so VMfailValid(11) as on a CPU */
	gmem_read(pa, &rev, sizeof(rev));
	/* bit 31 (shadow VMCS) is allowed only where VMCS shadowing is offered
	 */
	bool shadow_ok = (nested_caps.procbased2 >> 32) & SEC_SHADOW_VMCS;

	if ((rev & 0x7fffffff) != (uint32_t)(nested_caps.basic & 0x7fffffff) ||
	    ((rev >> 31) && !shadow_ok)) {
		nvmx_fail(v, 11);
		return EXIT_RESUME;
	}
	if (pa != n->current_ptr) {
		nvmx_release_current(v);
		/* one aligned page: RAM, since its revision was ours */
		gmem_read(pa, n->vmcs12, sizeof(struct vmcs12));
		vmcs12_sanitize(n->vmcs12);
		n->current_ptr = pa;
		nested_forget(n);
	}
	nvmx_succeed(v);
	return EXIT_RESUME;
}

static enum exit_action emulate_vmptrst(struct vcpu *v)
{
	struct vmx_operand op;
	uint64_t pa = v->nested.current_ptr;

	if (nvmx_operand(v, 8, true, &op) && nvmx_write_operand(v, &op, &pa, 8))
		nvmx_succeed(v);
	return EXIT_RESUME;
}

/*
 * Every VMX instruction of L1. Common to all but VMXON (SDM 31.3): #UD
 * outside VMX operation, in real or virtual-8086 mode and in compatibility
 * mode; #GP(0) at CPL > 0. (The CPU checks most of these before the exit.)
 */
static enum exit_action dispatch(struct vcpu *v, unsigned reason)
{
	switch (reason) {
	case EXIT_VMXOFF:
		return emulate_vmxoff(v);
	case EXIT_VMCLEAR:
		return emulate_vmclear(v);
	case EXIT_VMPTRLD:
		return emulate_vmptrld(v);
	case EXIT_VMPTRST:
		return emulate_vmptrst(v);
	case EXIT_VMREAD:
		return nvmx_vmread(v);
	case EXIT_VMWRITE:
		return nvmx_vmwrite(v);
	case EXIT_VMLAUNCH:
		return nvmx_launch(v, true);
	case EXIT_VMRESUME:
		return nvmx_launch(v, false);
	case EXIT_INVEPT:
		return nvmx_invept(v);
	case EXIT_INVVPID:
		return nvmx_invvpid(v);
	default:
		log_err("nested: VMX instruction exit %u not emulated", reason);
		return EXIT_STOP;
	}
}

enum exit_action nested_vmx_instruction(struct vcpu *v)
{
	unsigned reason = (unsigned)vmcs_read_fast(VM_EXIT_REASON) & 0xffff;

	if (reason == EXIT_VMXON)
		return emulate_vmxon(v);
	/*
	 * SDM 31.3 (each instruction's operation): CR0.PE = 0, RFLAGS.VM = 1
	 * and compatibility mode raise #UD before "in VMX non-root operation
	 * -> VM exit", so the CPU has checked L1's real CR0.PE (L0 never owns
	 * it: vmx/config_choose.c), RFLAGS.VM and CS.L already. What is left
	 * is L1's own (virtual) VMX operation, then CPL (after the exit).
	 */
	if (!v->nested.vmxon || reason == EXIT_VMFUNC) {
		vcpu_inject_exception(v, VEC_UD, false, 0);
		return EXIT_RESUME;
	}
	if (vcpu_cpl() > 0) {
		vcpu_inject_exception(v, VEC_GP, true, 0);
		return EXIT_RESUME;
	}
	/* the shadow VMCS has the newest values of its fields */
	prof_skip(&v->nested.prof);
	nested_shadow_pull(v);
	prof_mark(&v->nested.prof, PROF_E_PULL);
	/* VMREAD, VMWRITE, VMCLEAR, VMPTRLD... may read or write vmcs12's
	 * guest fields: vmcs12 gets what vmcs02 still holds of L2 first;
	 * VMLAUNCH/VMRESUME sync only for the checks that need it */
	if (reason != EXIT_VMLAUNCH && reason != EXIT_VMRESUME)
		nested_sync_lazy(&v->nested);
	enum exit_action a = dispatch(v, reason);

	if (!v->nested.guest_mode)
		nested_shadow_push(v);
	return a;
}
