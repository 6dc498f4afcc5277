/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vmcs02: what L2 really runs on. Guest state is vmcs12's; host state is
 * L0's (the same as vmcs01's, so an exit of L2 lands in vmx_exit_entry like
 * any other); the controls are vmcs12's merged with L0's own needs: L0's
 * intercepts always win (MSR bitmap OR-merged, #AC and #DB in the exception
 * bitmap and the notify window (vmx/guard.h), L0's CR0/CR4 mask bits),
 * EPT is always on (EPT02 from EPT12, or EPT01 when
 * L1 does not use EPT: L2 then lives in L1's guest-physical space) and L2
 * always runs with VPID02.
 *
 * Built incrementally (docs/nested.md, "Round trip"): each group of vmcs02
 * fields below is written when one of its vmcs12 inputs is in the set of
 * fields changed since vmcs02 was last written from vmcs12 (n->dirty02,
 * nested/dirty12.h), and every group when vmcs02 is new or the set is full
 * (a new vmcs12, a failed entry, a nested-state set: anything in doubt).
 * Groups whose inputs live outside vmcs12 (L1's own DR7/DEBUGCTL/PAT/EFER,
 * L1's TSC offset, L1's MSR bitmap page, L0's event injection) are written
 * at every entry. Every write goes through vmcs02_put().
 */
#include "lib/log.h"
#include "lib/string.h"
#include "mm/page_alloc.h"
#include "nested/bitmap.h"
#include "nested/msr_holes.h"
#include "nested/dirty12.h"
#include "nested/internal.h"
#include "nested/vmcs02_out.h"
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
};
#define NGUEST (sizeof(guest_copy) / sizeof(guest_copy[0]))

_Static_assert(NHOST == VMCS02_NHOST, "vmcs02_out.h: VMCS02_NHOST");

/*
 * The seam (nested/vmcs02_out.h): the construction below writes through
 * vmcs02_put(), which is VMWRITE to the current VMCS unless
 * vmcs02_build_image() made a host image the target (tools/nstate; never
 * in L0).
 */
static struct vmcs02_image *image;

static void image_set(struct vmcs02_image *img, enum vmcs_field f,
		      uint64_t v)
{
	for (unsigned i = 0; i < img->n; i++)
		if (img->field[i] == (uint32_t)f) {
			img->value[i] = v;
			return;
		}
	if (img->n < VMCS02_IMAGE_MAX) {
		img->field[img->n] = (uint32_t)f;
		img->value[img->n++] = v;
	}
}

static inline void vmcs02_put(enum vmcs_field f, uint64_t v)
{
	if (__builtin_expect(image != 0, 0))
		image_set(image, f, v);
	else
		vmcs_write(f, v);
}

/* The same for a constant field: unchecked where it is basic (vmx/vmx.h). */
static inline __attribute__((always_inline)) void
vmcs02_put_fast(enum vmcs_field f, uint64_t v)
{
	if (__builtin_expect(image != 0, 0))
		image_set(image, f, v);
	else
		vmcs_write_fast(f, v);
}

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
 * vmcs02's MSR bitmap: L0's page is all ones except the bits of the MSRs
 * of nested/msr_holes.def that L0 does not intercept, which follow L1's
 * bitmap (read at every entry: L1 may change it between an exit and its
 * next VMRESUME, and the CPU would see that). Every other MSR access of L2
 * exits to L0, where reflect_decide() reads L1's bitmap at that moment and
 * L0 does the access for L2 when L1 does not want it (nested/l2exit.c); so
 * vmcs02 need not copy L1's 4 KiB page at each entry. Without holes (never
 * with the list as it is) L0's OR L1's page is merged whole, as before.
 * Only RAM is read (gmem_page_hpa): an MSR bitmap in no memory reads as
 * all ones on a CPU, so L1's bitmap is taken as absent (all exits).
 */
static bool holes_ok;

static void msr_bitmap(struct nested *n, const struct vmcs12 *c, uint32_t proc12)
{
	uint64_t gpa = vmcs12_get(c, MSR_BITMAP), msr12 = 0;
	uint8_t *out = phys_to_virt(n->msr_bitmap02_pa);
	const uint8_t *l1;

	if (proc12 & CPU_USE_MSR_BITMAPS) {
		/* whether an address is RAM never changes after start-up: the
		 * last answer is kept (the RAM map search costs hundreds) */
		if (!n->msr12_known || n->msr12_gpa != gpa) {
			n->msr12_gpa = gpa;
			n->msr12_hpa = gmem_page_hpa(gpa);
			n->msr12_known = true;
		}
		msr12 = n->msr12_hpa;
	}
	l1 = msr12 ? phys_to_virt(msr12) : 0;
	if (!holes_ok) {
		bitmap_merge_msr(out, phys_to_virt(vmx_cfg.msr_bitmap_pa), l1);
		return;
	}
	if (!n->msr02_filled) {
		bitmap_msr_fill(out);
		n->msr02_filled = true;
	}
	msr_holes_merge(out, l1);
}

/*
 * The I/O bitmaps are L1's own pages, by their host-physical address (L0
 * intercepts no I/O), so the CPU reads them live as it would for L1. An I/O
 * bitmap in no memory becomes L0's all-ones page: every access exits, and
 * reflect_decide() reads the same ones through gmem, which is L1's exit.
 * Returns the I/O bits of vmcs02's primary controls.
 */
static uint32_t io_bitmaps(struct nested *n, const struct vmcs12 *c,
			   uint32_t proc12)
{
	if (proc12 & CPU_USE_IO_BITMAPS) {
		uint64_t a = gmem_page_hpa(vmcs12_get(c, IO_BITMAP_A));
		uint64_t b = gmem_page_hpa(vmcs12_get(c, IO_BITMAP_B));

		vmcs02_put(IO_BITMAP_A, a ? a : n->io_all_pa);
		vmcs02_put(IO_BITMAP_B, b ? b : n->io_all_pa);
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

/* vmcs02 fields that are L0's constants: only into a new vmcs02. */
static void constants(struct vcpu *v, const struct vmcs02_l1 *l1)
{
	struct nested *n = &v->nested;

	for (unsigned i = 0; i < NHOST; i++)
		vmcs02_put(host_fields[i], l1->host[i]);
	vmcs02_put(MSR_BITMAP, n->msr_bitmap02_pa);
	vmcs02_put(VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs02_put(VM_EXIT_MSR_LOAD_COUNT, 0);
	vmcs02_put(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs02_put(VMCS_LINK_POINTER, ~0ull);
	vmcs02_put(VPID, n->vpid02);
}

/* The controls vmcs12 chooses (inputs: ctl_inputs below). */
static void controls(struct vcpu *v, const struct vmcs12 *c)
{
	struct nested *n = &v->nested;
	uint32_t pin12 = (uint32_t)vmcs12_get(c, PIN_BASED_VM_EXEC_CONTROL);
	uint32_t proc12 = (uint32_t)vmcs12_get(c, CPU_BASED_VM_EXEC_CONTROL);
	uint32_t proc2_12 =
	    (proc12 & CPU_SECONDARY_CONTROLS)
		? (uint32_t)vmcs12_get(c, SECONDARY_VM_EXEC_CONTROL)
		: 0;
	uint32_t io = io_bitmaps(n, c, proc12); /* (current VMCS: vmcs02) */

	n->proc02 = (proc12 & ~(CPU_USE_IO_BITMAPS | CPU_UNCOND_IO_EXITING)) |
		    vmx_cfg.proc | io;
	vmcs02_put(PIN_BASED_VM_EXEC_CONTROL,
		   vmx_cfg.pin | (pin12 & PIN_FROM_12));
	/* L0's notify window and #AC/#DB intercepts, whatever vmcs12 says */
	vmcs02_put(SECONDARY_VM_EXEC_CONTROL,
		   guard_proc2(SEC_ENABLE_EPT | SEC_ENABLE_VPID |
			       (proc2_12 & PROC2_FROM_12)));
	vmcs02_put(VM_EXIT_CONTROLS,
		   vmx_cfg.exit | ((uint32_t)vmcs12_get(c, VM_EXIT_CONTROLS) &
				   EXIT_FROM_12));
	vmcs02_put(VM_ENTRY_CONTROLS,
		   vmx_cfg.entry | ((uint32_t)vmcs12_get(c, VM_ENTRY_CONTROLS) &
				    ENTRY_IA32E_MODE));
	vmcs02_put(EXCEPTION_BITMAP,
		   guard_exceptions((uint32_t)vmcs12_get(c, EXCEPTION_BITMAP)));
	if (guard_cfg.notify)
		vmcs02_put(NOTIFY_WINDOW, guard_cfg.notify_window);
	if (proc2_12 & SEC_ENABLE_EPT) {
		uint64_t eptp12 = vmcs12_get(c, EPT_POINTER);

		if (n->ept02_eptp12 != eptp12)
			ept02_drop(v);
		n->ept02_eptp12 = eptp12;
		vmcs02_put(EPT_POINTER, ept02_root(v) | EPTP_WB_4LEVEL);
	} else {
		vmcs02_put(EPT_POINTER, ept01.eptp);
	}
}

/*
 * At every entry: what depends on more than vmcs12 (L0's window bits in
 * the primary controls, L1's TSC offset and MSR bitmap page) or that the
 * CPU or L0 change in vmcs02 while L2 runs (the preemption timer).
 */
static void controls_always(struct vcpu *v, const struct vmcs12 *c)
{
	struct nested *n = &v->nested;
	uint32_t proc12 = (uint32_t)vmcs12_get(c, CPU_BASED_VM_EXEC_CONTROL);

	vmcs02_put_fast(CPU_BASED_VM_EXEC_CONTROL, n->proc02);
	v->proc_ctls = n->proc02;
	/* L0 may switch NMI-window exiting off only if L1 did not ask for it */
	v->proc_ctls_keep = proc12 & CPU_NMI_WINDOW_EXITING;
	vmcs02_put_fast(TSC_OFFSET, tsc_offset02(v, c));
	if (vmcs12_get(c, PIN_BASED_VM_EXEC_CONTROL) & PIN_PREEMPTION_TIMER)
		vmcs02_put_fast(VMX_PREEMPTION_TIMER_VALUE,
			   vmcs12_get(c, VMX_PREEMPTION_TIMER_VALUE));
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

	vmcs02_put(CR0_GUEST_HOST_MASK, m0 | vmx_cfg.cr0_mask);
	vmcs02_put(CR4_GUEST_HOST_MASK, m4 | vmx_cfg.cr4_mask);
	vmcs02_put(CR0_READ_SHADOW,
		   (vmcs12_get(c, CR0_READ_SHADOW) & m0) | (cr0 & ~m0));
	vmcs02_put(CR4_READ_SHADOW,
		   (vmcs12_get(c, CR4_READ_SHADOW) & m4) | (cr4 & ~m4));
	vmcs02_put(GUEST_CR0, vmx_guest_cr0(cr0));
	vmcs02_put(GUEST_CR4, vmx_guest_cr4(cr4));
}

static bool ept12_on(const struct vmcs12 *c)
{
	return ((uint32_t)vmcs12_get(c, CPU_BASED_VM_EXEC_CONTROL) &
		CPU_SECONDARY_CONTROLS) &&
	       (vmcs12_get(c, SECONDARY_VM_EXEC_CONTROL) & SEC_ENABLE_EPT);
}

static bool pae_paging(const struct vmcs12 *c)
{
	return (vmcs12_get(c, GUEST_CR0) & CR0_PG) &&
	       (vmcs12_get(c, GUEST_CR4) & CR4_PAE) &&
	       !(vmcs12_get(c, VM_ENTRY_CONTROLS) & ENTRY_IA32E_MODE);
}

/*
 * PAE paging without EPT in vmcs12: VM entry loads the PDPTEs from L1's
 * memory at CR3 (SDM 27.3.2.4), at every entry; with EPT they come from
 * vmcs12.
 */
static void pdptes(const struct vmcs12 *c, bool ept12)
{
	uint64_t pdpte[4] = {0, 0, 0, 0};

	if (ept12)
		for (unsigned i = 0; i < 4; i++)
			pdpte[i] = vmcs12_get(c, GUEST_PDPTR0 + 2 * i);
	else if (pae_paging(c))
		gmem_read(vmcs12_get(c, GUEST_CR3) & ~0x1full, pdpte,
			  sizeof(pdpte));
	for (unsigned i = 0; i < 4; i++)
		vmcs02_put(GUEST_PDPTR0 + 2 * i, pdpte[i]);
}

/*
 * At every entry: fields L1's own values feed (vmcs01's DR7, DEBUGCTL,
 * PAT, EFER when vmcs12 does not load them), which L2 may also change
 * without vmcs12 seeing it (an exit saves them only when asked to), and
 * the event to inject, where L0's own injections into L2 leave their
 * values.
 */
static void guest_always(const struct vmcs12 *c, const struct vmcs02_l1 *l1)
{
	uint32_t entry12 = (uint32_t)vmcs12_get(c, VM_ENTRY_CONTROLS);
	bool ia32e = entry12 & ENTRY_IA32E_MODE;
	uint64_t efer = (l1->efer & ~(EFER_LMA | EFER_LME)) |
			(ia32e ? EFER_LMA | EFER_LME : 0);
	bool dbg = entry12 & ENTRY_LOAD_DEBUG_CONTROLS;

	vmcs02_put_fast(GUEST_DR7, dbg ? vmcs12_get(c, GUEST_DR7) : l1->dr7);
	vmcs02_put_fast(GUEST_IA32_DEBUGCTL,
		   dbg ? vmcs12_get(c, GUEST_IA32_DEBUGCTL) : l1->debugctl);
	vmcs02_put_fast(GUEST_IA32_PAT, (entry12 & ENTRY_LOAD_IA32_PAT)
				       ? vmcs12_get(c, GUEST_IA32_PAT)
				       : l1->pat);
	vmcs02_put_fast(GUEST_IA32_EFER, (entry12 & ENTRY_LOAD_IA32_EFER)
					? vmcs12_get(c, GUEST_IA32_EFER)
					: efer);
	vmcs02_put_fast(VM_ENTRY_INTR_INFO, vmcs12_get(c, VM_ENTRY_INTR_INFO));
	vmcs02_put_fast(VM_ENTRY_EXCEPTION_ERROR_CODE,
		   vmcs12_get(c, VM_ENTRY_EXCEPTION_ERROR_CODE));
	vmcs02_put_fast(VM_ENTRY_INSTRUCTION_LEN,
		   vmcs12_get(c, VM_ENTRY_INSTRUCTION_LEN));
}

/* The inputs of each group, as sets of vmcs12 slots (made once). */
static const uint16_t ctl_slots[] = {
    VMCS12_SLOT_PIN_BASED_VM_EXEC_CONTROL,
    VMCS12_SLOT_CPU_BASED_VM_EXEC_CONTROL,
    VMCS12_SLOT_SECONDARY_VM_EXEC_CONTROL,
    VMCS12_SLOT_VM_EXIT_CONTROLS,
    VMCS12_SLOT_VM_ENTRY_CONTROLS,
    VMCS12_SLOT_EXCEPTION_BITMAP,
    VMCS12_SLOT_EPT_POINTER,
    VMCS12_SLOT_IO_BITMAP_A,
    VMCS12_SLOT_IO_BITMAP_B,
};
static const uint16_t cr_slots[] = {
    VMCS12_SLOT_GUEST_CR0,	     VMCS12_SLOT_GUEST_CR4,
    VMCS12_SLOT_CR0_GUEST_HOST_MASK, VMCS12_SLOT_CR4_GUEST_HOST_MASK,
    VMCS12_SLOT_CR0_READ_SHADOW,     VMCS12_SLOT_CR4_READ_SHADOW,
};
static const uint16_t pdpte_slots[] = {
    VMCS12_SLOT_GUEST_PDPTR0,	     VMCS12_SLOT_GUEST_PDPTR1,
    VMCS12_SLOT_GUEST_PDPTR2,	     VMCS12_SLOT_GUEST_PDPTR3,
    VMCS12_SLOT_GUEST_CR0,	     VMCS12_SLOT_GUEST_CR3,
    VMCS12_SLOT_GUEST_CR4,	     VMCS12_SLOT_VM_ENTRY_CONTROLS,
    VMCS12_SLOT_CPU_BASED_VM_EXEC_CONTROL,
    VMCS12_SLOT_SECONDARY_VM_EXEC_CONTROL,
};
#define N(a) (sizeof(a) / sizeof((a)[0]))

struct groups {
	struct dirty12 ctl, cr, pdpte, copy;
	enum vmcs_field field_of[VMCS12_SLOT_COUNT]; /* copy fields by slot */
};

static struct groups g;

/* Once, on the bootstrap CPU (nested_global_init). */
void vmcs02_global_init(void)
{
	holes_ok = msr_holes_init(phys_to_virt(vmx_cfg.msr_bitmap_pa));
	if (!holes_ok)
		log_err("nested: the MSR holes do not fit the merge: vmcs02's MSR bitmap is "
			"merged whole at every entry");
	dirty12_of(&g.ctl, ctl_slots, N(ctl_slots));
	dirty12_of(&g.cr, cr_slots, N(cr_slots));
	dirty12_of(&g.pdpte, pdpte_slots, N(pdpte_slots));
	dirty12_clear(&g.copy);
	for (unsigned i = 0; i < NGUEST; i++) {
		dirty12_mark(&g.copy, guest_copy[i].slot);
		g.field_of[guest_copy[i].slot] = guest_copy[i].field;
	}
}

/*
 * Every vmcs02 field from vmcs12, L1's values and L0's: the groups whose
 * inputs are in d (all of them when d is full), and those written at every
 * entry. vmcs02 must be current.
 */
static void build(struct vcpu *v, const struct vmcs12 *c,
		  const struct vmcs02_l1 *l1, const struct dirty12 *d)
{
	const struct groups *gr = &g;
	bool ept12 = ept12_on(c);

	if (dirty12_any(d, &gr->ctl))
		controls(v, c);
	controls_always(v, c);
	prof_mark(&v->nested.prof, PROF_E_CONTROLS);
	msr_bitmap(&v->nested, c,
		   (uint32_t)vmcs12_get(c, CPU_BASED_VM_EXEC_CONTROL));
	prof_mark(&v->nested.prof, PROF_E_MSRBITMAP);
	DIRTY12_FOR_EACH(d, &gr->copy, slot)
		vmcs02_put(gr->field_of[slot], c->field[slot]);
	if (dirty12_any(d, &gr->cr))
		control_registers(c);
	/* PAE without EPT12: the PDPTEs come from L1's memory at each entry */
	if (dirty12_any(d, &gr->pdpte) || (!ept12 && pae_paging(c)))
		pdptes(c, ept12);
	guest_always(c, l1);
}

bool vmcs02_enter(struct vcpu *v)
{
	struct nested *n = &v->nested;
	const struct vmcs12 *c = n->vmcs12;
	uint32_t entry12 = (uint32_t)vmcs12_get(c, VM_ENTRY_CONTROLS);
	/* not zeroed whole: host[] is read (below) only for a new vmcs02,
	 * and zeroing it cost 26 stores at every entry */
	struct vmcs02_l1 l1;

	/* L1's own values reach L2 only where vmcs12 loads none (SDM 27.3.2:
	 * an entry loads DR7/DEBUGCTL, PAT, EFER only under those controls) */
	l1.dr7 = l1.debugctl = l1.pat = l1.efer = 0;
	if (!(entry12 & ENTRY_LOAD_DEBUG_CONTROLS)) {
		l1.dr7 = vmcs_read_fast(GUEST_DR7);
		l1.debugctl = vmcs_read_fast(GUEST_IA32_DEBUGCTL);
	}
	if (!(entry12 & ENTRY_LOAD_IA32_PAT))
		l1.pat = vmcs_read_fast(GUEST_IA32_PAT);
	if (!(entry12 & ENTRY_LOAD_IA32_EFER))
		l1.efer = vmcs_read_fast(GUEST_IA32_EFER);
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
		/* a new vmcs02 holds nothing: every field, and the checks of
		 * every field at the next entry L1 makes */
		nested_forget(n);
		n->msr02_filled = false;
	}
	if (vmptrld(n->vmcs02_pa) != VMX_OK) {
		log_err("nested: cpu%u: VMPTRLD of vmcs02 failed", v->cpu);
		return false;
	}
	if (fresh)
		constants(v, &l1);
	prof_mark(&n->prof, PROF_E_VMCS02);
	build(v, c, &l1, &n->dirty02);
	dirty12_clear(&n->dirty02);
	prof_mark(&n->prof, PROF_E_GUEST);
	return true;
}

bool vmcs02_build_image(struct vcpu *v, const struct vmcs12 *c,
			const struct vmcs02_l1 *l1, struct vmcs02_image *img)
{
	struct dirty12 all;

	if (!pages(&v->nested))
		return false;
	dirty12_fill(&all);
	img->n = 0;
	image = img;
	v->nested.msr02_filled = false; /* as a fresh vmcs02 */
	constants(v, l1);
	build(v, c, l1, &all);
	image = 0;
	return true;
}

enum vmcs_field vmcs02_host_field(unsigned i)
{
	return host_fields[i];
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
