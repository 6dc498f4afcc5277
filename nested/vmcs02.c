/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vmcs02: what L2 really runs on. Guest state is vmcs12's; host state is
 * L0's (the same as vmcs01's, so an exit of L2 lands in vmx_exit_entry like
 * any other); the controls are vmcs12's merged with L0's own needs: L0's
 * intercepts always win (MSR bitmap OR-merged, #AC and #DB in the exception
 * bitmap and the notify window (vmx/guard.h), L0's CR0/CR4 mask bits), EPT
 * is always on (EPT02 from EPT12, or EPT01 when L1 does not use EPT: L2
 * then lives in L1's guest-physical space) and L2 always runs with VPID02.
 */
#include "lib/log.h"
#include "lib/string.h"
#include "mm/page_alloc.h"
#include "nested/bitmap.h"
#include "nested/internal.h"
#include "vmx/config.h"
#include "vmx/ept.h"
#include "vmx/gmem.h"
#include "vmx/guard.h"
#include "vmx/vmx.h"

#define CR0_PG	       (1ull << 31)
#define CR4_PAE	       (1ull << 5)
#define EFER_LME       (1ull << 8)
#define EFER_LMA       (1ull << 10)
#define EPTP_WB_4LEVEL 0x1eull /* memory type 6, walk length 4 - 1 = 3 */

/* What vmcs12 may switch on for L2 (everything else in vmcs02 is L0's choice).
 */
#define PIN_FROM_12 (PIN_EXTINT_EXITING | PIN_PREEMPTION_TIMER)
#define PROC2_FROM_12                                                          \
	(SEC_UNRESTRICTED_GUEST | SEC_ENABLE_RDTSCP | SEC_ENABLE_INVPCID |     \
	 SEC_ENABLE_XSAVES | (1u << 2) | (1u << 6) | (1u << 11) | (1u << 16))
#define EXIT_FROM_12 (EXIT_ACK_INTR_ON_EXIT | EXIT_SAVE_PREEMPTION_TIMER)

static const enum vmcs_field host_fields[] = {
    HOST_CR0,
    HOST_CR3,
    HOST_CR4,
    HOST_CS_SELECTOR,
    HOST_SS_SELECTOR,
    HOST_DS_SELECTOR,
    HOST_ES_SELECTOR,
    HOST_FS_SELECTOR,
    HOST_GS_SELECTOR,
    HOST_TR_SELECTOR,
    HOST_FS_BASE,
    HOST_GS_BASE,
    HOST_TR_BASE,
    HOST_GDTR_BASE,
    HOST_IDTR_BASE,
    HOST_IA32_SYSENTER_CS,
    HOST_IA32_SYSENTER_ESP,
    HOST_IA32_SYSENTER_EIP,
    HOST_IA32_PAT,
    HOST_IA32_EFER,
    HOST_RSP,
    HOST_RIP,
};
#define NHOST (sizeof(host_fields) / sizeof(host_fields[0]))

/*
 * Fields copied from vmcs12 as they are: the guest state of
 * nested/guest_fields.def, and the controls L0 takes over unchanged.
 */
static const struct vmcs12_field_slot guest_copy[] = {
#define GUEST_FIELD(name) VMCS12_FIELD(name),
#include "nested/guest_fields.def"
#undef GUEST_FIELD
    VMCS12_FIELD(CR3_TARGET_COUNT),
    VMCS12_FIELD(CR3_TARGET_VALUE0),
    VMCS12_FIELD(CR3_TARGET_VALUE1),
    VMCS12_FIELD(CR3_TARGET_VALUE2),
    VMCS12_FIELD(CR3_TARGET_VALUE3),
    VMCS12_FIELD(PAGE_FAULT_ERROR_CODE_MASK),
    VMCS12_FIELD(PAGE_FAULT_ERROR_CODE_MATCH),
    VMCS12_FIELD(VM_ENTRY_INTR_INFO),
    VMCS12_FIELD(VM_ENTRY_EXCEPTION_ERROR_CODE),
    VMCS12_FIELD(VM_ENTRY_INSTRUCTION_LEN),
};
#define NGUEST (sizeof(guest_copy) / sizeof(guest_copy[0]))

/* L1's own values that L2 inherits when vmcs12 does not load them, and L0's
 * host state. */
struct l1_vals {
	uint64_t dr7, debugctl, pat, efer;
	uint64_t host[NHOST];
};

static bool pages(struct nested *n)
{
	if (n->msr_bitmap02_pa)
		return true;
	n->msr_bitmap02_pa = page_alloc();
	n->io_all_pa = page_alloc();
	if (!n->msr_bitmap02_pa || !n->io_all_pa)
		return false;
	memset(phys_to_virt(n->io_all_pa), 0xff, 4096);
	return true;
}

/*
 * vmcs02's MSR bitmap is L0's OR L1's, merged into L0's page at every entry
 * (L1 changing its bitmap while L2 runs is seen at the next entry). The I/O
 * bitmaps are L1's own pages, by their host-physical address (L0 intercepts
 * no I/O), so the CPU reads them live as it would for L1. Only RAM is
 * handed to the CPU or read by L0 (gmem_page_hpa): an MSR or I/O bitmap in
 * no memory (MMIO, holes, L0's region, beyond the identity map) reads as
 * all ones on a CPU, so L1's MSR bitmap is taken as absent (all exits) and
 * an I/O bitmap becomes L0's all-ones page: every access exits, and
 * reflect_decide() reads the same ones through gmem, which is L1's exit.
 */
static uint32_t bitmaps(struct nested *n, const struct vmcs12 *c,
			uint32_t proc12)
{
	/* L0's MSR bitmap never changes after start-up: its few set words, once
	 */
	static struct bitmap_sparse l0;
	static volatile int
	    l0_state; /* 0 not yet, 1 being made, 2 ready, 3 dense */
	uint64_t msr12 = (proc12 & CPU_USE_MSR_BITMAPS)
			     ? gmem_page_hpa(vmcs12_get(c, MSR_BITMAP))
			     : 0;
	const uint8_t *l0_page = phys_to_virt(vmx_cfg.msr_bitmap_pa);
	int expected = 0;

	if (__atomic_compare_exchange_n(&l0_state, &expected, 1, false,
					__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		__atomic_store_n(&l0_state,
				 bitmap_sparse_from(&l0, l0_page) ? 2 : 3,
				 __ATOMIC_RELEASE);
	while (__atomic_load_n(&l0_state, __ATOMIC_ACQUIRE) == 1)
		__asm__ volatile("pause");
	if (l0_state == 2)
		bitmap_merge_msr_sparse(phys_to_virt(n->msr_bitmap02_pa), &l0,
					msr12 ? phys_to_virt(msr12) : 0);
	else
		bitmap_merge_msr(phys_to_virt(n->msr_bitmap02_pa), l0_page,
				 msr12 ? phys_to_virt(msr12) : 0);
	if (proc12 & CPU_USE_IO_BITMAPS) {
		uint64_t a = gmem_page_hpa(vmcs12_get(c, IO_BITMAP_A));
		uint64_t b = gmem_page_hpa(vmcs12_get(c, IO_BITMAP_B));

		vmcs_write(IO_BITMAP_A, a ? a : n->io_all_pa);
		vmcs_write(IO_BITMAP_B, b ? b : n->io_all_pa);
		return CPU_USE_IO_BITMAPS;
	}
	return proc12 & CPU_UNCOND_IO_EXITING;
}

/*
 * L2's TSC: L1's (the CPU's plus L1's offset, which L0 keeps) plus vmcs12's
 * offset where L1 uses TSC offsetting (SDM 3C 27.3, "TSC offsetting").
 */
static uint64_t tsc_offset02(const struct vcpu *v, const struct vmcs12 *c)
{
	uint32_t proc12 = (uint32_t)vmcs12_get(c, CPU_BASED_VM_EXEC_CONTROL);

	return v->msrv.tsc_offset + ((proc12 & CPU_USE_TSC_OFFSETTING)
					 ? vmcs12_get(c, TSC_OFFSET)
					 : 0);
}

void nested_tsc_offset_changed(struct vcpu *v)
{
	if (vmptrst() == v->vmcs_pa) {
		vmcs_write(TSC_OFFSET, v->msrv.tsc_offset);
		return;
	}
	/* vmcs02 is current (an MSR list, or L2's WRMSR that L0 handles) */
	vmcs_write(TSC_OFFSET, tsc_offset02(v, v->nested.vmcs12));
	v->msrv.tsc_stale01 = true;
}

static void controls(struct vcpu *v, const struct vmcs12 *c)
{
	struct nested *n = &v->nested;
	uint32_t pin12 = (uint32_t)vmcs12_get(c, PIN_BASED_VM_EXEC_CONTROL);
	uint32_t proc12 = (uint32_t)vmcs12_get(c, CPU_BASED_VM_EXEC_CONTROL);
	uint32_t proc2_12 =
	    (proc12 & CPU_SECONDARY_CONTROLS)
		? (uint32_t)vmcs12_get(c, SECONDARY_VM_EXEC_CONTROL)
		: 0;
	uint32_t io = bitmaps(n, c, proc12); /* (current VMCS: vmcs02) */
	uint32_t proc =
	    (proc12 & ~(CPU_USE_IO_BITMAPS | CPU_UNCOND_IO_EXITING)) |
	    vmx_cfg.proc | io;

	vmcs_write(PIN_BASED_VM_EXEC_CONTROL,
		   vmx_cfg.pin | (pin12 & PIN_FROM_12));
	vmcs_write(CPU_BASED_VM_EXEC_CONTROL, proc);
	v->proc_ctls = proc;
	/* L0 may switch NMI-window exiting off only if L1 did not ask for it */
	v->proc_ctls_keep = proc12 & CPU_NMI_WINDOW_EXITING;
	vmcs_write(VM_EXIT_CONTROLS,
		   vmx_cfg.exit | ((uint32_t)vmcs12_get(c, VM_EXIT_CONTROLS) &
				   EXIT_FROM_12));
	vmcs_write(VM_ENTRY_CONTROLS,
		   vmx_cfg.entry | ((uint32_t)vmcs12_get(c, VM_ENTRY_CONTROLS) &
				    ENTRY_IA32E_MODE));
	/* L0's notify window and #AC/#DB intercepts, whatever vmcs12 says */
	vmcs_write(SECONDARY_VM_EXEC_CONTROL,
		   guard_proc2(SEC_ENABLE_EPT | SEC_ENABLE_VPID |
			       (proc2_12 & PROC2_FROM_12)));
	vmcs_write(EXCEPTION_BITMAP,
		   guard_exceptions((uint32_t)vmcs12_get(c, EXCEPTION_BITMAP)));
	if (guard_cfg.notify)
		vmcs_write(NOTIFY_WINDOW, guard_cfg.notify_window);
	vmcs_write(MSR_BITMAP, n->msr_bitmap02_pa);
	vmcs_write(TSC_OFFSET, tsc_offset02(v, c));
	vmcs_write(VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write(VM_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write(VMCS_LINK_POINTER, ~0ull);
	vmcs_write(VPID, n->vpid02);
	if (pin12 & PIN_PREEMPTION_TIMER)
		vmcs_write(VMX_PREEMPTION_TIMER_VALUE,
			   vmcs12_get(c, VMX_PREEMPTION_TIMER_VALUE));
	if (proc2_12 & SEC_ENABLE_EPT) {
		uint64_t eptp12 = vmcs12_get(c, EPT_POINTER);

		if (n->ept02_eptp12 != eptp12)
			ept02_drop(v);
		n->ept02_eptp12 = eptp12;
		vmcs_write(EPT_POINTER, ept02_root(v) | EPTP_WB_4LEVEL);
	} else {
		vmcs_write(EPT_POINTER, ept01.eptp);
	}
}

/*
 * CR0/CR4: L2 sees what vmcs12 says (its shadows for L1's bits, the real
 * value for the rest); bits only L0 owns are VMX's fixed bits, which
 * vmcs12's guest values already respect (nested/checks.c).
 */
static void control_registers(const struct vmcs12 *c)
{
	uint64_t cr0 = vmcs12_get(c, GUEST_CR0), cr4 = vmcs12_get(c, GUEST_CR4);
	uint64_t m0 = vmcs12_get(c, CR0_GUEST_HOST_MASK),
		 m4 = vmcs12_get(c, CR4_GUEST_HOST_MASK);

	vmcs_write(CR0_GUEST_HOST_MASK, m0 | vmx_cfg.cr0_mask);
	vmcs_write(CR4_GUEST_HOST_MASK, m4 | vmx_cfg.cr4_mask);
	vmcs_write(CR0_READ_SHADOW,
		   (vmcs12_get(c, CR0_READ_SHADOW) & m0) | (cr0 & ~m0));
	vmcs_write(CR4_READ_SHADOW,
		   (vmcs12_get(c, CR4_READ_SHADOW) & m4) | (cr4 & ~m4));
	vmcs_write(GUEST_CR0, vmx_guest_cr0(cr0));
	vmcs_write(GUEST_CR4, vmx_guest_cr4(cr4));
}

/*
 * PAE paging without EPT in vmcs12: VM entry loads the PDPTEs from L1's
 * memory at CR3 (SDM 27.3.2.4); with EPT they come from vmcs12.
 */
static void pdptes(const struct vmcs12 *c, bool ept12)
{
	uint64_t pdpte[4] = {0, 0, 0, 0};
	bool pae = (vmcs12_get(c, GUEST_CR0) & CR0_PG) &&
		   (vmcs12_get(c, GUEST_CR4) & CR4_PAE) &&
		   !(vmcs12_get(c, VM_ENTRY_CONTROLS) & ENTRY_IA32E_MODE);

	if (ept12)
		for (unsigned i = 0; i < 4; i++)
			pdpte[i] = vmcs12_get(c, GUEST_PDPTR0 + 2 * i);
	else if (pae)
		gmem_read(vmcs12_get(c, GUEST_CR3) & ~0x1full, pdpte,
			  sizeof(pdpte));
	for (unsigned i = 0; i < 4; i++)
		vmcs_write(GUEST_PDPTR0 + 2 * i, pdpte[i]);
}

static void guest_state(const struct vmcs12 *c, const struct l1_vals *l1)
{
	uint32_t entry12 = (uint32_t)vmcs12_get(c, VM_ENTRY_CONTROLS);
	bool ia32e = entry12 & ENTRY_IA32E_MODE;
	uint64_t efer = (l1->efer & ~(EFER_LMA | EFER_LME)) |
			(ia32e ? EFER_LMA | EFER_LME : 0);

	for (unsigned i = 0; i < NGUEST; i++)
		vmcs_write(guest_copy[i].field, c->field[guest_copy[i].slot]);
	control_registers(c);
	bool dbg = entry12 & ENTRY_LOAD_DEBUG_CONTROLS;

	vmcs_write(GUEST_DR7, dbg ? vmcs12_get(c, GUEST_DR7) : l1->dr7);
	vmcs_write(GUEST_IA32_DEBUGCTL,
		   dbg ? vmcs12_get(c, GUEST_IA32_DEBUGCTL) : l1->debugctl);
	vmcs_write(GUEST_IA32_PAT, (entry12 & ENTRY_LOAD_IA32_PAT)
				       ? vmcs12_get(c, GUEST_IA32_PAT)
				       : l1->pat);
	vmcs_write(GUEST_IA32_EFER, (entry12 & ENTRY_LOAD_IA32_EFER)
					? vmcs12_get(c, GUEST_IA32_EFER)
					: efer);
	uint32_t proc12 = (uint32_t)vmcs12_get(c, CPU_BASED_VM_EXEC_CONTROL);
	bool ept12 =
	    (proc12 & CPU_SECONDARY_CONTROLS) &&
	    (vmcs12_get(c, SECONDARY_VM_EXEC_CONTROL) & SEC_ENABLE_EPT);

	pdptes(c, ept12);
}

bool vmcs02_enter(struct vcpu *v)
{
	struct nested *n = &v->nested;
	const struct vmcs12 *c = n->vmcs12;
	struct l1_vals l1 = {
	    .dr7 = vmcs_read(GUEST_DR7),
	    .debugctl = vmcs_read(GUEST_IA32_DEBUGCTL),
	    .pat = vmcs_read(GUEST_IA32_PAT),
	    .efer = vmcs_read(GUEST_IA32_EFER),
	};
	if (!pages(n)) {
		log_err("nested: cpu%u: no pages left for vmcs02's bitmaps",
			v->cpu);
		return false;
	}
	bool fresh = !n->vmcs02_ready;

	/* L0's host state never changes on a CPU: vmcs02 gets it once */
	if (fresh)
		for (unsigned i = 0; i < NHOST; i++)
			l1.host[i] = vmcs_read(host_fields[i]);
	n->proc_ctls01 = v->proc_ctls;
	if (fresh) {
		if (vmclear(n->vmcs02_pa) != VMX_OK) {
			log_err("nested: cpu%u: VMCLEAR of vmcs02 failed",
				v->cpu);
			return false;
		}
		*(uint32_t *)phys_to_virt(n->vmcs02_pa) =
		    (uint32_t)vmx_cfg.msrs.basic & 0x7fffffff;
		n->vmcs02_ready = true;
	}
	if (vmptrld(n->vmcs02_pa) != VMX_OK) {
		log_err("nested: cpu%u: VMPTRLD of vmcs02 failed", v->cpu);
		return false;
	}
	if (fresh)
		for (unsigned i = 0; i < NHOST; i++)
			vmcs_write(host_fields[i], l1.host[i]);
	controls(v, c);
	guest_state(c, &l1);
	return true;
}

/* Back to L1's VMCS (an exit of L2 to L1, or an entry that did not happen). */
void vmcs01_current(struct vcpu *v)
{
	if (vmptrld(v->vmcs_pa) != VMX_OK)
		vcpu_stop(v, "VMPTRLD of vmcs01 failed");
	if (v->msrv.tsc_stale01) {
		vmcs_write(TSC_OFFSET, v->msrv.tsc_offset);
		v->msrv.tsc_stale01 = false;
	}
	v->proc_ctls = v->nested.proc_ctls01;
	v->proc_ctls_keep = 0;
}
