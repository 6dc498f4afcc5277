/* SPDX-License-Identifier: Apache-2.0 */
/*
 * L0's #AC and #DB intercepts (exception bitmap bits 17 and 1, in vmcs01
 * and every vmcs02): a split lock goes to L0's policy (vmx/splitlock.c),
 * anything else is the guest's -- L1's, or for L2 L1's as a VM exit when
 * vmcs12 intercepts the vector, else delivered into L2 -- unless it is the
 * same exception re-delivered at the same RIP over and over
 * (vmx/excloop.h), which stops that vCPU with a dump.
 */
#include "arch/x86/cpu.h"
#include "core/gevent.h"
#include "lib/log.h"
#include "vmx/gmem.h"
#include "vmx/guard.h"
#include "vmx/msr.h"
#include "vmx/vmx.h"

#define VEC_DF 8
#define EFER_LMA_BIT (1ull << 10)
#define RFLAGS_RF (1ull << 16)
/* SDM Vol. 3C 28.2.1, Table 28-1: exit qualification for #DB */
#define DBQ_BITS 0x600full /* B3..B0, BD (13), BS (14) */
#define DBQ_RTM (1ull << 16)
/* SDM Vol. 3B 18.2.3: DR6 bits that read as 1, RTM active-low */
#define DR6_FIXED1 0xfffe0ff0ull
#define DR6_RTM (1ull << 16)

static inline uint64_t read_dr6(void)
{
	uint64_t v;

	__asm__ volatile("mov %%dr6, %0" : "=r"(v));
	return v;
}

static inline void write_dr6(uint64_t v)
{
	__asm__ volatile("mov %0, %%dr6" : : "r"(v));
}

/*
 * A #DB that exits leaves DR6 alone (SDM Vol. 3C 28.1): the qualification
 * has what the CPU would have written. B0-B3 are replaced, BD and BS
 * accumulate, RTM (active-low) follows the qualification.
 */
static void dr6_from_qualification(uint64_t q)
{
	uint64_t dr6 = (read_dr6() & ~0xfull) | DR6_FIXED1 | DR6_RTM;

	dr6 |= q & DBQ_BITS;
	if (q & DBQ_RTM)
		dr6 &= ~DR6_RTM;
	write_dr6(dr6);
}

/* The exception as the exit reported it, for the guest of the current VMCS. */
static void deliver(struct vcpu *v, uint32_t info)
{
	uint32_t type = info & INTR_TYPE_MASK;
	unsigned vector = info & 0xff;

	if (vector == VEC_DB)
		dr6_from_qualification(vmcs_read(EXIT_QUALIFICATION));
	/* a fault pushes RF = 1 (SDM Vol. 3A 18.3.1.1), so IRET does not
	 * break again on an instruction breakpoint at the same RIP */
	if (vector == VEC_AC)
		vmcs_write(GUEST_RFLAGS, vmcs_read(GUEST_RFLAGS) | RFLAGS_RF);
	/* an IRET that unblocked NMIs did not complete (SDM 28.2.3) */
	if ((info & INTR_INFO_NMI_UNBLOCKED_BY_IRET) && vector != VEC_DF)
		vmcs_write(GUEST_INTERRUPTIBILITY_INFO,
			   vmcs_read(GUEST_INTERRUPTIBILITY_INFO) |
			       INTERRUPTIBILITY_NMI);
	vmcs_write(VM_ENTRY_INTR_INFO, INTR_INFO_VALID | type | vector |
					       (info & INTR_INFO_DELIVER_CODE));
	if (info & INTR_INFO_DELIVER_CODE)
		vmcs_write(VM_ENTRY_EXCEPTION_ERROR_CODE,
			   vmcs_read(VM_EXIT_INTR_ERROR_CODE));
	if (type == INTR_TYPE_PRIV_SW_EXCEPTION || type == INTR_TYPE_SW_EXCEPTION)
		vmcs_write(VM_ENTRY_INSTRUCTION_LEN,
			   vmcs_read(VM_EXIT_INSTRUCTION_LEN));
	v->injected = true;
	if (vector == VEC_AC)
		v->guard.ac_to_guest++;
	else
		v->guard.db_to_guest++;
}

static bool split_lock(struct vcpu *v)
{
	struct ac_ctx c = {
	    .hw_sld = v->guard.sld_hw,
	    .guest_sld = (v->msrv.test_ctrl & TEST_CTRL_SLD) != 0,
	    .cpl = vcpu_cpl(),
	    .cr0 = vmcs_read(GUEST_CR0), /* the CPU's, not the read shadow */
	    .rflags = vmcs_read(GUEST_RFLAGS),
	};

	return ac_classify(&c) == AC_SPLIT_LOCK_L0;
}

/*
 * The offset in the guest's IDT gate for vector (SDM Vol. 3A 6.10, 6.14.1;
 * real mode: the IVT's offset word); false if the gate is out of the limit
 * or not in RAM.
 */
static bool handler_rip(unsigned vector, uint64_t *rip)
{
	uint64_t base = vmcs_read(GUEST_IDTR_BASE);
	uint32_t limit = (uint32_t)vmcs_read(GUEST_IDTR_LIMIT);
	bool ia32e = vmcs_read(GUEST_IA32_EFER) & EFER_LMA_BIT;
	bool pe = vmcs_read(GUEST_CR0) & 1;
	unsigned size = ia32e ? 16 : pe ? 8 : 4;
	uint32_t g[4] = {0, 0, 0, 0};

	if ((uint64_t)vector * size + size - 1 > limit ||
	    gmem_read_linear(base + vector * size, g, size) != size)
		return false;
	if (!pe)
		*rip = g[0] & 0xffff;
	else
		*rip = (g[0] & 0xffff) | (g[1] & 0xffff0000u) |
		       (ia32e ? (uint64_t)g[2] << 32 : 0);
	return true;
}

static bool looping(struct vcpu *v, unsigned vector)
{
	uint32_t idt = (uint32_t)vmcs_read(IDT_VECTORING_INFO);
	uint64_t rip = vmcs_read(GUEST_RIP);
	struct excloop_exit e = {
	    .vector = vector,
	    .rip = rip,
	    .idt_valid = (idt & INTR_INFO_VALID) != 0,
	    .idt_vector = idt & 0xff,
	};

	e.have_handler = handler_rip(vector, &e.handler_rip);
	if (excloop_note(&v->guard.loop, &e, EXCLOOP_THRESHOLD) !=
	    EXCLOOP_CONTAIN)
		return false;
	gevent(v, GEV_EXC_LOOP, LOG_ERROR,
	       "guard: cpu%u: %s re-delivers exception %u at rip 0x%lx without progress (%u rounds): stopping this vCPU",
	       v->cpu, v->nested.guest_mode ? "L2" : "L1", vector, rip,
	       v->guard.loop.rounds);
	return true;
}

enum guard_route guard_exception(struct vcpu *v, bool l2, uint32_t exc_bitmap12)
{
	uint32_t info = (uint32_t)vmcs_read(VM_EXIT_INTR_INFO);
	unsigned vector = info & 0xff;

	if (vector == VEC_AC && split_lock(v))
		return splitlock_handle(v) == EXIT_STOP ? GUARD_DONE_STOP
							: GUARD_DONE_RESUME;
	/* L1 asked for it: L1's hypervisor runs between rounds, L0 is not stuck */
	if (l2 && ((exc_bitmap12 >> vector) & 1))
		return GUARD_TO_L1;
	if (looping(v, vector))
		return GUARD_DONE_STOP;
	/* In the shutdown and wait-for-SIPI states the CPU delivers no #AC or
	 * #DB (SDM Vol. 3C 27.3.1.5: only NMI and #MC may even be injected
	 * into shutdown): one reported there (Bochs reports a pending #DB of
	 * the VM entry) is dropped, as without L0's intercept; injecting it
	 * would fail the next entry. */
	if (vmcs_read(GUEST_ACTIVITY_STATE) >= ACTIVITY_SHUTDOWN)
		return GUARD_DONE_RESUME;
	deliver(v, info);
	return GUARD_DONE_RESUME;
}
