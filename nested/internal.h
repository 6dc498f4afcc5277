/* SPDX-License-Identifier: Apache-2.0 */
/* What the nested/ files share and nobody else needs. */
#ifndef NESTED_INTERNAL_H
#define NESTED_INTERNAL_H

#include "nested/dirty12.h"
#include "nested/nested.h"
#include "nested/operand.h"
#include "nested/vmcs12.h"
#include "vmx/caps.h"

/* The IA32_VMX_* values L1 reads (nested/vcaps12.c computes them). */
extern struct vmx_msrs nested_caps;
/* L1's MAXPHYADDR: VMX pointers with bits at or above it are invalid. */
extern unsigned nested_phys_bits;
/* The CPU (and so L1, whose CPUID leaf 7 is the CPU's) has 5-level paging. */
extern bool nested_la57;
/* early_consistency_checks resolved (auto -> bare metal?) */
extern bool nested_early_checks;
/* nested_skip_check, or NULL */
extern const char *nested_skip_check;

static inline bool nested_pa_valid(uint64_t pa)
{
	return !(pa & 0xfff) && !(pa >> nested_phys_bits);
}

/*
 * Ends an emulated VMX instruction of the current VMCS's guest (SDM Vol. 3C
 * 31.2): RFLAGS' status flags set to flags (CF, ZF or none), RIP advanced.
 */
void nvmx_set_status(struct vcpu *v, uint64_t flags);
/* Ends an emulated VMX instruction (SDM Vol. 3C 31.2), RIP advanced. */
void nvmx_succeed(struct vcpu *v);
/* VMfailValid(err) with a current vmcs12, VMfailInvalid without one. */
void nvmx_fail(struct vcpu *v, unsigned err);
void nvmx_fail_invalid(struct vcpu *v);

/*
 * The memory operand of the VMX instruction that exited, checked as the
 * CPU would (segment, canonical form, paging permissions at L1's CPL).
 * On a fault the exception is queued for L1 and false returned.
 */
bool nvmx_operand(struct vcpu *v, unsigned size, bool write,
		  struct vmx_operand *op);
bool nvmx_read_operand(struct vcpu *v, const struct vmx_operand *op, void *buf,
		       unsigned n);
bool nvmx_write_operand(struct vcpu *v, const struct vmx_operand *op,
			const void *buf, unsigned n);
/* True if L1 runs in 64-bit mode (operand sizes of VMREAD/VMWRITE...). */
bool nvmx_long_mode(void);

/* Writes the cached vmcs12 back to L1's memory and forgets it. */
void nvmx_release_current(struct vcpu *v);

/* Hardware VMCS shadowing for L1 (nested/shadow.c). */
void nested_shadow_init(void);
void nested_shadow_pull(struct vcpu *v); /* shadow VMCS -> cache */
void nested_shadow_push(
    struct vcpu *v); /* cache -> shadow VMCS, link in vmcs01 */
void nested_shadow_enable(struct vcpu *v, bool on);
/* After an exit of L2: the exit information, the injected-event field and
 * the cache's saved guest fields in changed. */
void nested_shadow_push_exit(struct vcpu *v, const struct dirty12 *changed);

/* VMCS shadowing offered to L1 (nested/shadow12.c). */
bool nested_shadow12_access(struct vcpu *v,
			    unsigned reason); /* true: done by L0 */

/* VMLAUNCH/VMRESUME (nested/entry.c). */
enum exit_action nvmx_launch(struct vcpu *v, bool launch);
/* INVEPT/INVVPID (nested/invalidate.c). */
enum exit_action nvmx_invept(struct vcpu *v);
enum exit_action nvmx_invvpid(struct vcpu *v);
/* VMREAD/VMWRITE (nested/vmrw.c). */
enum exit_action nvmx_vmread(struct vcpu *v);
enum exit_action nvmx_vmwrite(struct vcpu *v);

/*
 * vmcs02 (nested/vmcs02.c): made current and filled from vmcs12, the fields
 * in n->dirty02 (all of them for a new vmcs02).
 */
void vmcs02_global_init(void);
bool vmcs02_enter(struct vcpu *v);

/*
 * The fast path's record of what changed in vmcs12 (nested/dirty12.h):
 * n->dirty02, fields vmcs02 does not hold yet; n->unchecked, fields whose
 * VM-entry checks have not passed since they changed. Forgetting fills
 * both: the next entry writes all of vmcs02 and runs every check.
 */
void nested_sync_lazy(struct nested *n); /* nested/vmexit.c */
/* The inputs of every check part that reads a GUEST_FIELD_LAZY field: a
 * VMRESUME whose changed inputs meet them syncs first. */
extern struct dirty12 nested_lazy_readers;
static inline void nested_forget(struct nested *n)
{
	/* what vmcs02 still holds of L2 is vmcs12's first */
	nested_sync_lazy(n);
	dirty12_fill(&n->dirty02);
	dirty12_fill(&n->unchecked);
}

/* L1 wrote the field in slot (VMWRITE, the shadow VMCS). */
static inline void nested_changed(struct nested *n, unsigned slot)
{
	dirty12_mark(&n->dirty02, slot);
	dirty12_mark(&n->unchecked, slot);
}

/*
 * RFLAGS' status flags (CF, PF, AF, ZF, SF, OF) are no VM-entry check's
 * input (SDM 27.3.1.4 looks at the reserved bits, VM and IF; 27.3.1.5 at
 * TF): L2 changes them all the time, and that alone needs no check.
 */
#define NESTED_RFLAGS_STATUS 0x8d5ull
static inline bool nested_check_input_changed(unsigned slot, uint64_t old,
					      uint64_t value)
{
	uint64_t diff = old ^ value;

	if (slot == VMCS12_SLOT_GUEST_RFLAGS)
		diff &= ~NESTED_RFLAGS_STATUS;
	return diff != 0;
}

/* A value of the shadow VMCS (L1's VMWRITE without an exit) into vmcs12. */
static inline void nested_pulled(struct nested *n, unsigned slot,
				 uint64_t value)
{
	struct vmcs12 *c = n->vmcs12;

	if (c->field[slot] == value)
		return;
	if (nested_check_input_changed(slot, c->field[slot], value))
		dirty12_mark(&n->unchecked, slot);
	dirty12_mark(&n->dirty02, slot);
	c->field[slot] = value;
}

/* A value of vmcs02 saved into vmcs12 at an exit: vmcs02 has it already. */
static inline void nested_saved(struct nested *n, unsigned slot,
				uint64_t value)
{
	struct vmcs12 *c = n->vmcs12;

	if (nested_check_input_changed(slot, c->field[slot], value))
		dirty12_mark(&n->unchecked, slot);
	c->field[slot] = value;
}

void vmcs01_current(struct vcpu *v);

/* EPT02 (nested/ept02.c). */
void ept02_drop(struct vcpu *v);
uint64_t ept02_root(struct vcpu *v); /* reserved at start-up, never changes */
enum exit_action ept02_violation(struct vcpu *v);
/*
 * The vCPU's EPT02 pages all accounted for: the tree holds budget.used
 * pages (the root included), the free list the rest of budget.cap.
 */
bool ept02_accounting_ok(const struct vcpu *v);

/*
 * The exit from L2 to L1 (nested/vmexit.c): vmcs02's guest state and the
 * given exit information go into vmcs12, vmcs01 becomes current with
 * vmcs12's host state as L1's state.
 */
struct nested_exit_info {
	uint32_t reason;
	uint64_t qualification;
	uint32_t intr_info, intr_error, idt_info, idt_error, insn_len,
	    insn_info;
	uint64_t guest_linear, guest_physical;
};
void nested_vmexit(struct vcpu *v, const struct nested_exit_info *e);
void nested_vmexit_init(void); /* once, nested_global_init */
/* vmcs02's guest state into vmcs12 as a VM exit saves it (SDM 28.3). */
void nvmx_save_guest(struct vmcs12 *c);
/* The same with vmcs02's own exit information (a reflected exit). */
void nested_reflect(struct vcpu *v);
/*
 * VMLAUNCH/VMRESUME that ends in a VM exit for an entry failure (SDM 27.8):
 * reason 33 or 34 with bit 31; vmcs01 must be current, vmcs12's guest state
 * is left as it is.
 */
void nested_entry_failed(struct vcpu *v, uint32_t reason,
			 uint64_t qualification);

#endif
