/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An exit of L2 that L1 gets (SDM Vol. 3C chapter 28): L2's state from
 * vmcs02 into vmcs12 (28.3), the exit information (28.2), the MSR-store
 * list (28.4), then vmcs01 current again with vmcs12's host state as L1's
 * new state (28.5) and the MSR-load list (28.6). L1 goes on at its host RIP.
 */
#include "arch/x86/cpu.h"
#include "core/gevent.h"
#include "lib/log.h"
#include "nested/checks.h"
#include "nested/internal.h"
#include "nested/msrlist.h"
#include "vmx/config.h"
#include "vmx/gmem.h"
#include "vmx/segment.h"
#include "vmx/vmx.h"

#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define CR4_PAE	 (1ull << 5)
#define CR0_PG	 (1ull << 31)
/* CR0 bits a VM exit leaves alone (SDM 28.5.1): ET, NW, CD, 63:32, 28:19, 17,
 * 15:6 */
#define CR0_KEEP                                                               \
	(0xffffffff00000000ull | (1ull << 4) | (1ull << 29) | (1ull << 30) |   \
	 0x1ff80000ull | (1ull << 17) | 0xffc0ull)
#define AR_CODE64   (AR_P | AR_S | AR_G | 0xbu)
#define AR_DATA	    (AR_P | AR_S | AR_G | AR_DB | 0x3u)
#define AR_TSS_BUSY (AR_P | 0xbu)

static const struct vmcs12_field_slot pdptes[] = {
    VMCS12_FIELD(GUEST_PDPTR0),
    VMCS12_FIELD(GUEST_PDPTR1),
    VMCS12_FIELD(GUEST_PDPTR2),
    VMCS12_FIELD(GUEST_PDPTR3),
};

static const uint16_t lazy_slots[] = {
#define GUEST_FIELD_EXIT(name)
#define GUEST_FIELD_LAZY(name) VMCS12_SLOT_##name,
#include "nested/guest_fields.def"
#undef GUEST_FIELD_EXIT
#undef GUEST_FIELD_LAZY
};
struct dirty12 nested_lazy_readers;

void nested_vmexit_init(void)
{
	struct dirty12 lazy;

	/* the check parts that read a lazy field, by their inputs */
	dirty12_of(&lazy, lazy_slots, sizeof(lazy_slots) / sizeof(lazy_slots[0]));
	dirty12_clear(&nested_lazy_readers);
	for (unsigned p = 0; p < NC_PART_COUNT; p++)
		if (dirty12_any(&nc_part_inputs[p], &lazy))
			dirty12_or(&nested_lazy_readers, &nc_part_inputs[p]);
}

/*
 * A saved value into vmcs12; u (if not NULL) learns which check inputs
 * changed, s (if not NULL) which fields changed at all. Inline: slot is a
 * constant of each SAVE, so the marks are single ORs (RIP changes at every
 * exit).
 */
static inline __attribute__((always_inline)) void
store_changed(struct vmcs12 *c, struct dirty12 *u, struct dirty12 *s,
	      unsigned slot, uint64_t value)
{
	uint64_t old = c->field[slot];

	c->field[slot] = value;
	if (s)
		dirty12_mark(s, slot);
	if (u && nested_check_input_changed(slot, old, value))
		dirty12_mark(u, slot);
}

/* Most saved fields keep their value: one VMREAD and one compare each. */
static inline __attribute__((always_inline)) void
store(struct vmcs12 *c, struct dirty12 *u, struct dirty12 *s, unsigned slot,
      uint64_t value)
{
	if (__builtin_expect(c->field[slot] != value, 0))
		store_changed(c, u, s, slot, value);
}

/* Straight-line code per field (the field is a constant of each VMREAD). */
#define SAVE(c, u, s, name)                                                    \
	store(c, u, s, VMCS12_SLOT_##name, vmcs_read_fast(name))

/* The guest fields L1 reads without an exit (nested/guest_fields.def). */
static void save_exit_fields(struct vmcs12 *c, struct dirty12 *u,
			     struct dirty12 *s)
{
#define GUEST_FIELD_EXIT(name) SAVE(c, u, s, name);
#define GUEST_FIELD_LAZY(name)
#include "nested/guest_fields.def"
#undef GUEST_FIELD_EXIT
#undef GUEST_FIELD_LAZY
	/* the real registers: L0 changes only VMX's fixed bits, which vmcs12
	 * had */
	SAVE(c, u, s, GUEST_CR0);
	SAVE(c, u, s, GUEST_CR4);
}

/* The guest fields L1 reads only through an exit (GUEST_FIELD_LAZY). */
static void save_lazy_fields(struct vmcs12 *c, struct dirty12 *u)
{
#define GUEST_FIELD_EXIT(name)
#define GUEST_FIELD_LAZY(name) SAVE(c, u, 0, name);
#include "nested/guest_fields.def"
#undef GUEST_FIELD_EXIT
#undef GUEST_FIELD_LAZY
}

/*
 * vmcs02's guest state into c (SDM 28.3) as an exit saves it, without the
 * GUEST_FIELD_LAZY fields (the caller saves them or leaves them in vmcs02:
 * nested_sync_lazy()).
 */
static void save_guest(struct vmcs12 *c, struct dirty12 *u,
		       struct dirty12 *s)
{
	uint32_t exit12 = (uint32_t)vmcs12_get(c, VM_EXIT_CONTROLS);
	uint32_t entry12 = (uint32_t)vmcs12_get(c, VM_ENTRY_CONTROLS);

	save_exit_fields(c, u, s);
	if (exit12 & EXIT_SAVE_DEBUG_CONTROLS) {
		SAVE(c, u, s, GUEST_DR7);
		SAVE(c, u, s, GUEST_IA32_DEBUGCTL);
	}
	if (exit12 & EXIT_SAVE_IA32_PAT)
		SAVE(c, u, s, GUEST_IA32_PAT);
	if (exit12 & EXIT_SAVE_IA32_EFER)
		SAVE(c, u, s, GUEST_IA32_EFER);
	if (exit12 & EXIT_SAVE_PREEMPTION_TIMER)
		SAVE(c, u, s, VMX_PREEMPTION_TIMER_VALUE);
	/* 28.2: the IA-32e mode guest control records EFER.LMA */
	entry12 &= ~(uint32_t)ENTRY_IA32E_MODE;
	if (vmcs_read_fast(VM_ENTRY_CONTROLS) & ENTRY_IA32E_MODE)
		entry12 |= ENTRY_IA32E_MODE;
	store(c, u, s, VMCS12_SLOT_VM_ENTRY_CONTROLS, entry12);
	uint32_t proc12 = (uint32_t)vmcs12_get(c, CPU_BASED_VM_EXEC_CONTROL);

	/* 28.3.4: with EPT, the PDPTEs in use if L2 was using PAE paging
	 * (otherwise the CPU saves nothing there; Bochs likewise) */
	if ((proc12 & CPU_SECONDARY_CONTROLS) &&
	    (vmcs12_get(c, SECONDARY_VM_EXEC_CONTROL) & SEC_ENABLE_EPT) &&
	    !(entry12 & ENTRY_IA32E_MODE) &&
	    (vmcs12_get(c, GUEST_CR0) & CR0_PG) &&
	    (vmcs12_get(c, GUEST_CR4) & CR4_PAE))
		for (unsigned i = 0; i < 4; i++)
			store(c, u, s, pdptes[i].slot, vmcs_read(pdptes[i].field));
}

/*
 * vmcs02 holds L2's GUEST_FIELD_LAZY values since the last exit of L2
 * (n->lazy_stale): they go into vmcs12 now, as the exit would have saved
 * them, and become check inputs that changed. Whatever VMCS is current
 * stays current. Called before anything reads those vmcs12 fields: an
 * emulated VMX instruction (VMREAD/VMWRITE/VMCLEAR/VMPTRLD...), a VMRESUME
 * whose checks read them, nested-state get, forgetting the fast path's
 * records (nested_forget).
 */
void nested_sync_lazy(struct nested *n)
{
	if (!n->lazy_stale)
		return;
	struct vcpu *v =
	    (struct vcpu *)((char *)n - __builtin_offsetof(struct vcpu, nested));
	uint64_t cur = vmptrst();
	bool load = cur != n->vmcs02_pa;

	n->lazy_stale = false;
	if (load && vmptrld(n->vmcs02_pa) != VMX_OK)
		vcpu_stop(v, "VMPTRLD of vmcs02 failed");
	save_lazy_fields(n->vmcs12, &n->unchecked);
	if (load && cur != ~0ull && vmptrld(cur) != VMX_OK)
		vcpu_stop(v, "VMPTRLD of the VMCS current before failed");
}

void nvmx_save_guest(struct vmcs12 *c)
{
	save_guest(c, 0, 0);
	save_lazy_fields(c, 0);
}

/* The exit information of an exit L0 makes up for L1 (28.2). */
static void exit_info(struct vmcs12 *c, const struct nested_exit_info *e)
{
	vmcs12_set(c, VM_EXIT_REASON, e->reason);
	vmcs12_set(c, EXIT_QUALIFICATION, e->qualification);
	vmcs12_set(c, VM_EXIT_INTR_INFO, e->intr_info);
	vmcs12_set(c, VM_EXIT_INTR_ERROR_CODE, e->intr_error);
	vmcs12_set(c, IDT_VECTORING_INFO, e->idt_info);
	vmcs12_set(c, IDT_VECTORING_ERROR_CODE, e->idt_error);
	vmcs12_set(c, VM_EXIT_INSTRUCTION_LEN, e->insn_len);
	vmcs12_set(c, VMX_INSTRUCTION_INFO, e->insn_info);
	vmcs12_set(c, GUEST_LINEAR_ADDRESS, e->guest_linear);
	vmcs12_set(c, GUEST_PHYSICAL_ADDRESS, e->guest_physical);
}

/* VMREAD straight into the cache (no copy through a struct). */
#define READ_INFO(c, name)                                                     \
	vmcs_read_fast_to(name, &(c)->field[VMCS12_SLOT_##name])

/* An exit of L2 that L1 gets as it is: its information is vmcs02's. */
static void exit_info_of_vmcs02(struct vmcs12 *c)
{
	READ_INFO(c, VM_EXIT_REASON);
	READ_INFO(c, EXIT_QUALIFICATION);
	READ_INFO(c, VM_EXIT_INTR_INFO);
	READ_INFO(c, VM_EXIT_INTR_ERROR_CODE);
	READ_INFO(c, IDT_VECTORING_INFO);
	READ_INFO(c, IDT_VECTORING_ERROR_CODE);
	READ_INFO(c, VM_EXIT_INSTRUCTION_LEN);
	READ_INFO(c, VMX_INSTRUCTION_INFO);
	READ_INFO(c, GUEST_LINEAR_ADDRESS);
	READ_INFO(c, GUEST_PHYSICAL_ADDRESS);
}

/* 28.2.?: an exit that is no entry failure consumed the injected event */
static void injected_consumed(struct nested *n)
{
	struct vmcs12 *c = n->vmcs12;

	if (!(vmcs12_get(c, VM_EXIT_REASON) & EXIT_REASON_ENTRY_FAILURE))
		store(c, &n->unchecked, 0, VMCS12_SLOT_VM_ENTRY_INTR_INFO,
		      vmcs12_get(c, VM_ENTRY_INTR_INFO) &
			  ~(uint64_t)INTR_INFO_VALID);
}

static inline __attribute__((always_inline)) void
host_segment(enum vmcs_field sel_field, uint64_t sel, uint64_t base,
			 uint32_t ar)
{
	unsigned i = (unsigned)(sel_field - GUEST_ES_SELECTOR) / 2;

	vmcs_write_fast(sel_field, sel);
	vmcs_write_fast(GUEST_ES_BASE + 2 * i, base);
	vmcs_write_fast(GUEST_ES_LIMIT + 2 * i, 0xffffffff);
	vmcs_write_fast(GUEST_ES_AR_BYTES + 2 * i, sel ? ar : AR_UNUSABLE);
}

/* 28.5: L1 continues with vmcs12's host state; vmcs01 is current. */
static void load_host(struct vcpu *v, const struct vmcs12 *c, bool nmi_exit)
{
	uint32_t exit12 = (uint32_t)vmcs12_get(c, VM_EXIT_CONTROLS);
	bool host64 = exit12 & EXIT_HOST_ADDR_SPACE_SIZE;
	uint64_t keep0 = CR0_KEEP | vmx_cfg.cr0_mask;
	/* L1's CR0 as it sees it (vcpu_cr0(); vmcs01's guest/host mask is
	 * always vmx_cfg.cr0_mask, vmx/vmcs01.c) */
	uint64_t l1_cr0 = (vmcs_read_fast(GUEST_CR0) & ~vmx_cfg.cr0_mask) |
			  (vmcs_read_fast(CR0_READ_SHADOW) & vmx_cfg.cr0_mask);
	uint64_t cr0 = (l1_cr0 & keep0) | (vmcs12_get(c, HOST_CR0) & ~keep0);
	uint64_t cr4 = vmcs12_get(c, HOST_CR4) | (host64 ? CR4_PAE : 0);
	uint64_t old_cr3 = vmcs_read_fast(GUEST_CR3);

	vmcs_write_fast(CR0_READ_SHADOW, cr0);
	vmcs_write_fast(GUEST_CR0, vmx_guest_cr0(cr0));
	vmcs_write_fast(CR4_READ_SHADOW, cr4);
	vmcs_write_fast(GUEST_CR4, vmx_guest_cr4(cr4));
	vmcs_write_fast(GUEST_CR3, vmcs12_get(c, HOST_CR3));
	vmcs_write_fast(GUEST_DR7, 0x400);
	vmcs_write_fast(GUEST_IA32_DEBUGCTL, 0);
	vmcs_write_fast(GUEST_SYSENTER_CS, vmcs12_get(c, HOST_IA32_SYSENTER_CS));
	vmcs_write_fast(GUEST_SYSENTER_ESP, vmcs12_get(c, HOST_IA32_SYSENTER_ESP));
	vmcs_write_fast(GUEST_SYSENTER_EIP, vmcs12_get(c, HOST_IA32_SYSENTER_EIP));
	uint64_t efer = vmcs_read_fast(GUEST_IA32_EFER);

	if (exit12 & EXIT_LOAD_IA32_EFER)
		efer = vmcs12_get(c, HOST_IA32_EFER);
	else
		efer = (efer & ~(EFER_LMA | EFER_LME)) |
		       (host64 ? EFER_LMA | EFER_LME : 0);
	vmcs_write_fast(GUEST_IA32_EFER, efer);
	if (exit12 & EXIT_LOAD_IA32_PAT)
		vmcs_write_fast(GUEST_IA32_PAT, vmcs12_get(c, HOST_IA32_PAT));
	uint32_t entry01 = (uint32_t)vmcs_read_fast(VM_ENTRY_CONTROLS) &
			   ~(uint32_t)ENTRY_IA32E_MODE;

	vmcs_write_fast(VM_ENTRY_CONTROLS,
		   entry01 | (host64 ? ENTRY_IA32E_MODE : 0));
	/* 28.5.2: selectors from the host fields, flat segments around them */
	vmcs_write_fast(GUEST_CS_SELECTOR, vmcs12_get(c, HOST_CS_SELECTOR));
	vmcs_write_fast(GUEST_CS_BASE, 0);
	vmcs_write_fast(GUEST_CS_LIMIT, 0xffffffff);
	vmcs_write_fast(GUEST_CS_AR_BYTES,
		   host64 ? AR_CODE64 | AR_L : AR_CODE64 | AR_DB);
	host_segment(GUEST_SS_SELECTOR, vmcs12_get(c, HOST_SS_SELECTOR), 0,
		     AR_DATA);
	host_segment(GUEST_DS_SELECTOR, vmcs12_get(c, HOST_DS_SELECTOR), 0,
		     AR_DATA);
	host_segment(GUEST_ES_SELECTOR, vmcs12_get(c, HOST_ES_SELECTOR), 0,
		     AR_DATA);
	host_segment(GUEST_FS_SELECTOR, vmcs12_get(c, HOST_FS_SELECTOR),
		     vmcs12_get(c, HOST_FS_BASE), AR_DATA);
	host_segment(GUEST_GS_SELECTOR, vmcs12_get(c, HOST_GS_SELECTOR),
		     vmcs12_get(c, HOST_GS_BASE), AR_DATA);
	/* a null SS is still usable in 64-bit mode for the CPU's purposes; its
	 * DPL is 0 */
	if (!vmcs12_get(c, HOST_SS_SELECTOR))
		vmcs_write_fast(GUEST_SS_AR_BYTES, AR_UNUSABLE | AR_DATA);
	vmcs_write_fast(GUEST_TR_SELECTOR, vmcs12_get(c, HOST_TR_SELECTOR));
	vmcs_write_fast(GUEST_TR_BASE, vmcs12_get(c, HOST_TR_BASE));
	vmcs_write_fast(GUEST_TR_LIMIT, 0x67);
	vmcs_write_fast(GUEST_TR_AR_BYTES, AR_TSS_BUSY);
	vmcs_write_fast(GUEST_LDTR_SELECTOR, 0);
	vmcs_write_fast(GUEST_LDTR_AR_BYTES, AR_UNUSABLE);
	vmcs_write_fast(GUEST_GDTR_BASE, vmcs12_get(c, HOST_GDTR_BASE));
	vmcs_write_fast(GUEST_GDTR_LIMIT, 0xffff);
	vmcs_write_fast(GUEST_IDTR_BASE, vmcs12_get(c, HOST_IDTR_BASE));
	vmcs_write_fast(GUEST_IDTR_LIMIT, 0xffff);
	vmcs_write_fast(GUEST_RIP, vmcs12_get(c, HOST_RIP));
	vmcs_write_fast(GUEST_RSP, vmcs12_get(c, HOST_RSP));
	vmcs_write_fast(GUEST_RFLAGS, 2);
	/* 28.5.? an NMI that caused the exit leaves NMIs blocked in L1 */
	vmcs_write_fast(GUEST_INTERRUPTIBILITY_INFO,
		   nmi_exit ? INTERRUPTIBILITY_NMI : 0);
	vmcs_write_fast(GUEST_ACTIVITY_STATE, ACTIVITY_ACTIVE);
	vmcs_write_fast(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmcs_write_fast(VM_ENTRY_INTR_INFO, 0);
	/* loading CR3 flushes L1's non-global translations, as MOV to CR3 would
	 */
	if (vmcs12_get(c, HOST_CR3) != old_cr3)
		vmx_flush_guest_tlb(v->vpid);
}

/* VMX-abort indicators (SDM Vol. 3C 28.7) */
#define ABORT_SAVE_GUEST_MSRS 1
#define ABORT_LOAD_HOST_MSRS  4

/*
 * A VMX abort (SDM 28.7): the CPU writes a nonzero indicator into the
 * VMX-abort field (offset 4) of the current VMCS's region and enters the
 * VMX-abort shutdown state, from which only RESET wakes it. L0 does the
 * same for this vCPU alone: the indicator goes into the cache and into L1's
 * region (a region in no memory drops it, as for the CPU), the event is
 * recorded, and this CPU halts for good; the other vCPUs go on. The
 * indicator reaches L1's memory last, after the log line.
 */
static __attribute__((noreturn)) void vmx_abort(struct vcpu *v,
						 uint32_t indicator)
{
	struct nested *n = &v->nested;

	vmcs12_set_abort_indicator(n->vmcs12, indicator);
	/* short: the event keeps GEVENT_LAST_MAX bytes of it */
	gevent(v, GEV_VMX_ABORT, LOG_ERROR,
	       "nested: VMX abort %u (exit MSR-%s list), vmcs12 0x%lx: cpu%u "
	       "shut down, the others go on",
	       indicator, indicator == ABORT_SAVE_GUEST_MSRS ? "store" : "load",
	       n->current_ptr, v->cpu);
	/* last: another CPU of L1 may be watching for it (the log line is out) */
	gmem_write(n->current_ptr + __builtin_offsetof(struct vmcs12, abort),
		   &indicator, sizeof(indicator));
	v->active = false;
	cpu_halt_forever();
	__builtin_unreachable();
}

/* e: the exit information, or NULL when it is vmcs02's (nested_reflect) */
static void finish(struct vcpu *v, const struct nested_exit_info *e,
		   bool from_l2)
{
	struct nested *n = &v->nested;
	struct vmcs12 *c = n->vmcs12;
	/* the saved guest fields that changed (nested_shadow_push_exit) */
	struct dirty12 changed = {{0}};

	prof_leg(&n->prof, PROF_LEG_EXIT);
	if (e)
		exit_info(c, e);
	else
		exit_info_of_vmcs02(c);
	injected_consumed(n);
	bool nmi =
	    (vmcs12_get(c, VM_EXIT_REASON) & 0xffff) == EXIT_EXCEPTION_NMI &&
	    (vmcs12_get(c, VM_EXIT_INTR_INFO) & INTR_TYPE_MASK) ==
		INTR_TYPE_NMI;

	prof_mark(&n->prof, PROF_X_INFO);
	if (from_l2) {
		save_guest(c, &n->unchecked, &changed);
		/* the rest stays in vmcs02 until someone looks */
		n->lazy_stale = true;
		prof_mark(&n->prof, PROF_X_GUEST);
		if (msrlist_store(
			vmcs12_get(c, VM_EXIT_MSR_STORE_ADDR),
			(uint32_t)vmcs12_get(c, VM_EXIT_MSR_STORE_COUNT)))
			vmx_abort(v, ABORT_SAVE_GUEST_MSRS);
		if (!vmcs12_get(c, VPID) ||
		    !((uint32_t)vmcs12_get(c, CPU_BASED_VM_EXEC_CONTROL) &
		      CPU_SECONDARY_CONTROLS) ||
		    !(vmcs12_get(c, SECONDARY_VM_EXEC_CONTROL) &
		      SEC_ENABLE_VPID))
			vmx_flush_guest_tlb(n->vpid02);
		prof_mark(&n->prof, PROF_X_STORE);
		vmcs01_current(v);
		prof_mark(&n->prof, PROF_X_VMCS01);
	}
	n->guest_mode = false;
	n->reflected++;
	load_host(v, c, nmi);
	prof_mark(&n->prof, PROF_X_HOST);
	if (msrlist_load(vmcs12_get(c, VM_EXIT_MSR_LOAD_ADDR),
			 (uint32_t)vmcs12_get(c, VM_EXIT_MSR_LOAD_COUNT), 0))
		vmx_abort(v, ABORT_LOAD_HOST_MSRS);
	prof_mark(&n->prof, PROF_X_LOAD);
	/* the event L0 queued for L1 before L2 ran is not L1's business now */
	v->injected = true;
	if (from_l2)
		nested_shadow_push_exit(v, &changed);
	else
		nested_shadow_push(v);
	prof_mark(&n->prof, PROF_X_PUSH);
}

void nested_vmexit(struct vcpu *v, const struct nested_exit_info *e)
{
	finish(v, e, true);
}

void nested_entry_failed(struct vcpu *v, uint32_t reason,
			 uint64_t qualification)
{
	struct nested_exit_info e = {.reason =
					 reason | EXIT_REASON_ENTRY_FAILURE,
				     .qualification = qualification};

	/* 27.8: no guest state is saved; vmcs01 is current (L2 never ran) */
	nested_forget(&v->nested);
	finish(v, &e, false);
}

void nested_reflect(struct vcpu *v)
{
	finish(v, NULL, true);
}
