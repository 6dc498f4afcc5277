/* SPDX-License-Identifier: Apache-2.0 */
/* Events L0 gives L1: exceptions, NMIs, and the event an exit interrupted. */
#include "vmx/vcpu.h"

#include "vmx/vmx.h"

#define RFLAGS_TF (1ull << 8)
#define PENDING_DBG_BS (1ull << 14)

void vcpu_inject_exception(struct vcpu *v, unsigned vector, bool has_error,
			   uint32_t error)
{
	vmcs_write(VM_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION |
					       (has_error ? INTR_INFO_DELIVER_CODE : 0) |
					       vector);
	if (has_error)
		vmcs_write(VM_ENTRY_EXCEPTION_ERROR_CODE, error);
	v->injected = true;
}

/*
 * As if the CPU had executed the instruction: the next one, no STI/MOV SS
 * shadow left (SDM 25.4.2), and a single-step trap owed if TF was set.
 */
void vcpu_skip_instruction(struct vcpu *v)
{
	vcpu_advance_rip(v, (unsigned)vmcs_read(VM_EXIT_INSTRUCTION_LEN));
}

void vcpu_advance_rip(struct vcpu *v, unsigned len)
{
	(void)v;
	vmcs_write(GUEST_RIP, vmcs_read(GUEST_RIP) + len);
	uint64_t intr = vmcs_read(GUEST_INTERRUPTIBILITY_INFO);

	if (intr & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS))
		vmcs_write(GUEST_INTERRUPTIBILITY_INFO,
			   intr & ~(uint64_t)(INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS));
	if (vmcs_read(GUEST_RFLAGS) & RFLAGS_TF)
		vmcs_write(GUEST_PENDING_DBG_EXCEPTIONS,
			   vmcs_read(GUEST_PENDING_DBG_EXCEPTIONS) | PENDING_DBG_BS);
}

uint64_t vcpu_cr0(void)
{
	uint64_t mask = vmcs_read(CR0_GUEST_HOST_MASK);

	return (vmcs_read(GUEST_CR0) & ~mask) | (vmcs_read(CR0_READ_SHADOW) & mask);
}

uint64_t vcpu_cr4(void)
{
	uint64_t mask = vmcs_read(CR4_GUEST_HOST_MASK);

	return (vmcs_read(GUEST_CR4) & ~mask) | (vmcs_read(CR4_READ_SHADOW) & mask);
}

unsigned vcpu_cpl(void)
{
	return (vmcs_read_fast(GUEST_SS_AR_BYTES) >> 5) & 3;
}

uint64_t vcpu_read_gpr(struct vcpu *v, unsigned n)
{
	return n == 4 ? vmcs_read(GUEST_RSP) : *vcpu_gpr(v, n);
}

void vcpu_write_gpr(struct vcpu *v, unsigned n, uint64_t value)
{
	if (n == 4)
		vmcs_write(GUEST_RSP, value);
	else
		*vcpu_gpr(v, n) = value;
}

/* Encoding order of SDM Table 28-3 (0 RAX, 1 RCX, 2 RDX, 3 RBX, 4 RSP, ...). */
uint64_t *vcpu_gpr(struct vcpu *v, unsigned n)
{
	struct guest_regs *r = &v->regs;
	uint64_t *const regs[16] = { &r->rax, &r->rcx, &r->rdx, &r->rbx, 0,
				     &r->rbp, &r->rsi, &r->rdi, &r->r8,  &r->r9,
				     &r->r10, &r->r11, &r->r12, &r->r13, &r->r14,
				     &r->r15 };

	return regs[n & 15];
}

void vcpu_nmi_arrived(struct vcpu *v)
{
	uint32_t doorbells = __atomic_load_n(&v->init_nmis, __ATOMIC_ACQUIRE);

	/* one of L0's own INIT doorbells (vmx/apic.c): not L1's NMI */
	while (doorbells)
		if (__atomic_compare_exchange_n(&v->init_nmis, &doorbells,
						doorbells - 1, false,
						__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			return;
	__atomic_add_fetch(&v->nmis_pending, 1, __ATOMIC_RELAXED);
}

static void set_proc_ctl(struct vcpu *v, uint32_t bit, bool on)
{
	uint32_t ctls = on ? v->proc_ctls | bit : v->proc_ctls & ~(bit & ~v->proc_ctls_keep);

	if (ctls != v->proc_ctls) {
		v->proc_ctls = ctls;
		vmcs_write(CPU_BASED_VM_EXEC_CONTROL, ctls);
	}
}

/*
 * An exit that interrupted the delivery of an event (IDT-vectoring info,
 * SDM 28.2.4) must deliver it again, or L1 loses an interrupt or exception.
 */
static void requeue_interrupted_event(struct vcpu *v)
{
	if (v->injected)
		return;
	uint32_t info = (uint32_t)vmcs_read(IDT_VECTORING_INFO);

	if (!(info & INTR_INFO_VALID))
		return;
	/*
	 * A CPU in the shutdown state delivers nothing but NMI and #MC (SDM
	 * 27.3.1.5); Bochs starts delivering a pending #DB there anyway, and an
	 * exit L0 takes on the way (an EPT02 fault) must not turn that into an
	 * injection the next entry refuses.
	 */
	if (vmcs_read(GUEST_ACTIVITY_STATE) == ACTIVITY_SHUTDOWN &&
	    (info & INTR_TYPE_MASK) != INTR_TYPE_NMI &&
	    !((info & INTR_TYPE_MASK) == INTR_TYPE_HW_EXCEPTION && (info & 0xff) == 18))
		return;
	vmcs_write(VM_ENTRY_INTR_INFO, info & ~INTR_INFO_NMI_UNBLOCKED_BY_IRET);
	if (info & INTR_INFO_DELIVER_CODE)
		vmcs_write(VM_ENTRY_EXCEPTION_ERROR_CODE,
			   vmcs_read(IDT_VECTORING_ERROR_CODE));
	uint32_t type = info & INTR_TYPE_MASK;

	if (type == INTR_TYPE_SW_INTR || type == INTR_TYPE_PRIV_SW_EXCEPTION ||
	    type == INTR_TYPE_SW_EXCEPTION)
		vmcs_write(VM_ENTRY_INSTRUCTION_LEN,
			   vmcs_read(VM_EXIT_INSTRUCTION_LEN));
	v->injected = true;
}

#define QUAL_NMI_UNBLOCKED_BY_IRET (1ull << 12) /* EPT violation, SDM Table 28-7 */

void vcpu_retry_reblock_nmi(uint64_t qualification)
{
	/* the bit means nothing for an exit during event delivery (28.2.3) */
	if (!(qualification & QUAL_NMI_UNBLOCKED_BY_IRET) ||
	    (vmcs_read(IDT_VECTORING_INFO) & INTR_INFO_VALID))
		return;
	vmcs_write(GUEST_INTERRUPTIBILITY_INFO,
		   vmcs_read(GUEST_INTERRUPTIBILITY_INFO) | INTERRUPTIBILITY_NMI);
}

/*
 * NMIs are owed while v->nmis_pending > 0. One goes in when nothing else is
 * being injected and L1 does not block NMIs; otherwise NMI-window exiting
 * (which needs virtual NMIs, SDM 26.2.1.1) says when it can.
 */
static void deliver_nmi(struct vcpu *v)
{
	if (!v->nmis_pending) {
		set_proc_ctl(v, CPU_NMI_WINDOW_EXITING, false);
		return;
	}
	uint64_t intr = vmcs_read(GUEST_INTERRUPTIBILITY_INFO);
	/* (L0 never puts a vCPU in the wait-for-SIPI activity state: vmx/apic.h) */
	bool blocked = v->injected ||
		       (intr & (INTERRUPTIBILITY_NMI | INTERRUPTIBILITY_MOV_SS |
				INTERRUPTIBILITY_STI));

	if (!blocked) {
		vmcs_write(VM_ENTRY_INTR_INFO,
			   INTR_INFO_VALID | INTR_TYPE_NMI | VEC_NMI);
		__atomic_sub_fetch(&v->nmis_pending, 1, __ATOMIC_RELAXED);
		v->injected = true;
	}
	set_proc_ctl(v, CPU_NMI_WINDOW_EXITING, v->nmis_pending != 0);
}

/*
 * HLT unless *word != expect. The compare and the HLT form a window: an NMI
 * taken inside it resumes after the HLT (arch/x86/exception.c), so a
 * doorbell that lands between the check and the HLT is not lost.
 */
__asm__(".pushsection .text\n"
	".global vcpu_halt_if\n"
	".global vcpu_halt_window_end\n"
	"vcpu_halt_if:\n"
	"\tcmpl %esi, (%rdi)\n"
	"\tjne 1f\n"
	"\thlt\n"
	"vcpu_halt_window_end:\n"
	"1:\tret\n"
	".popsection\n");

/*
 * After INIT the vCPU waits for its SIPI here, in L0, not in the CPU's
 * wait-for-SIPI activity state: L0 routes L1's INIT and SIPI IPIs itself
 * (vmx/apic.h). The sender marks this vCPU, rings an NMI doorbell once and
 * goes on; vcpu_halt_if makes sure the doorbell is not missed.
 */
static void wait_for_sipi(struct vcpu *v)
{
	uint32_t vector;

	for (;;) {
		if (__atomic_load_n(&v->init_pending, __ATOMIC_ACQUIRE)) {
			vcpu_init_reset(v); /* INIT, INIT, SIPI is fine */
			__atomic_store_n(&v->init_pending, 0, __ATOMIC_RELEASE);
		}
		vector = __atomic_load_n(&v->sipi_vector, __ATOMIC_ACQUIRE);
		if (vector != SIPI_NONE)
			break;
		vcpu_halt_if(&v->sipi_vector, SIPI_NONE);
	}
	vcpu_sipi_start(v, vector);
	__atomic_store_n(&v->waiting_sipi, false, __ATOMIC_RELEASE);
	__atomic_store_n(&v->sipi_vector, SIPI_NONE, __ATOMIC_RELEASE);
}

void vcpu_prepare_entry_events(struct vcpu *v)
{
	/*
	 * INIT wins over everything: events in flight are dropped (SDM 9.1).
	 * In VMX root operation INIT is blocked (SDM 24.8) and stays pending;
	 * in L2 it was an INIT exit to L1 already (nested_prepare_entry).
	 */
	if (__atomic_load_n(&v->init_pending, __ATOMIC_ACQUIRE) && !v->nested.vmxon) {
		vcpu_init_reset(v);
		v->injected = false;
		v->nmis_pending = 0;
		set_proc_ctl(v, CPU_NMI_WINDOW_EXITING, false);
		__atomic_store_n(&v->waiting_sipi, true, __ATOMIC_RELEASE);
		__atomic_store_n(&v->init_pending, 0, __ATOMIC_RELEASE);
		wait_for_sipi(v);
		return;
	}
	requeue_interrupted_event(v);
	deliver_nmi(v);
	v->injected = false;
}
