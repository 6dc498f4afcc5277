/* SPDX-License-Identifier: Apache-2.0 */
/* One vCPU of L1 per physical CPU: its saved registers, VMCS and counters. */
#ifndef VMX_VCPU_H
#define VMX_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "core/gevent.h"
#include "nested/state.h"
#include "vmx/controls.h"
#include "vmx/guard_state.h"
#include "vmx/msr_policy.h"

/* Saved by vmx_entry.asm on every exit (RSP and RIP live in the VMCS). */
struct guest_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

struct vcpu {
	struct guest_regs regs;
	uint32_t cpu;
	uint16_t vpid;
	bool active;           /* vmcs01 is current on this CPU */
	bool injected;         /* an event is queued for the next entry */
	uint32_t nmis_pending; /* NMIs owed to L1 */
	uint32_t init_pending; /* another vCPU sent this one INIT (vmx/apic.c) */
	uint32_t sipi_vector;  /* a SIPI for it while it waits, or SIPI_NONE */
	bool waiting_sipi;     /* after INIT, in L0, until a SIPI comes */
	uint32_t init_nmis;    /* NMIs sent as INIT/SIPI doorbells, not L1's */
	uint32_t proc_ctls;    /* the current VMCS's primary processor-based controls */
	uint32_t proc_ctls_keep; /* bits of them L0 must not clear (L1's, in vmcs02) */
	uint64_t vmxon_pa, vmcs_pa;
	struct nested nested;
	uint64_t exits[EXIT_REASON_COUNT];
	uint64_t exits_total;
	struct gevent_stats gev; /* guest-caused events (core/gevent.h) */
	struct msr_virt msrv;    /* L1's virtualized MSRs (vmx/msr_policy.def) */
	struct vcpu_guard guard; /* notify, split-lock, exception loops */
};

/* What an exit handler tells the dispatcher (see vmx/exit.c). */
enum exit_action { EXIT_RESUME, EXIT_STOP };

/* Queues an exception for the next VM entry (SDM 27.6). */
void vcpu_inject_exception(struct vcpu *v, unsigned vector, bool has_error,
			   uint32_t error);
/* Retires the instruction that exited: RIP, interruptibility, single-step. */
void vcpu_skip_instruction(struct vcpu *v);
/*
 * CR0/CR4 as the guest of the current VMCS sees them: the read shadow for
 * the bits L0 owns (the mask), the real register for the rest.
 */
uint64_t vcpu_cr0(void);
uint64_t vcpu_cr4(void);
/* CPL of L1 from SS.DPL (SDM 25.4.1). */
unsigned vcpu_cpl(void);
/* The general register numbered as in exit qualifications (0 = RAX ... 15). */
uint64_t *vcpu_gpr(struct vcpu *v, unsigned n);
uint64_t vcpu_read_gpr(struct vcpu *v, unsigned n);
void vcpu_write_gpr(struct vcpu *v, unsigned n, uint64_t value);
/* Delivers owed NMIs and re-queues an interrupted event before each entry. */
void vcpu_prepare_entry_events(struct vcpu *v);
/*
 * The same, inline for the common exit: an event is queued already (the
 * emulated VMRESUME and the reflected exit queue theirs), no NMI is owed,
 * no INIT is pending and NMI-window exiting is off: then there is nothing
 * to re-queue or deliver, and only the queued mark ends.
 */
static inline void vcpu_prepare_entry(struct vcpu *v)
{
	if (v->injected && !v->nmis_pending &&
	    !__atomic_load_n(&v->init_pending, __ATOMIC_ACQUIRE) &&
	    !(v->proc_ctls & CPU_NMI_WINDOW_EXITING)) {
		v->injected = false;
		return;
	}
	vcpu_prepare_entry_events(v);
}
/* An NMI arrived while this CPU ran L0 or L1: owe it to L1 (unless it was an INIT doorbell). */
void vcpu_nmi_arrived(struct vcpu *v);
/*
 * An EPT violation L0 resolved itself and retries (EPT01 mapped on demand,
 * an EPT02 fill): if the faulting instruction was an IRET that had already
 * unblocked NMIs (exit qualification bit 12, SDM Vol. 3C 28.2.3), blocking
 * by NMI goes back into the current VMCS before the IRET runs again.
 */
void vcpu_retry_reblock_nmi(uint64_t qualification);
#define SIPI_NONE 0xffffffffu

/* INIT: the vCPU's INIT state (vmx/exit_init.c). */
void vcpu_init_reset(struct vcpu *v);
/* SIPI: real mode at the vector's page (vmx/exit_init.c). */
void vcpu_sipi_start(struct vcpu *v, uint32_t vector);
/* HLT in L0 unless *word != expect; an NMI wakes it, even one that lands
 * just before the HLT (the window is vcpu_halt_if .. vcpu_halt_window_end). */
void vcpu_halt_if(const uint32_t *word, uint32_t expect);
extern const char vcpu_halt_window_end[];
/* RIP += len after L0 emulated an instruction whose length it decoded. */
void vcpu_advance_rip(struct vcpu *v, unsigned len);

/* Dumps the VMCS to the log (error level) and stops this vCPU for good. */
__attribute__((noreturn)) void vcpu_stop(struct vcpu *v, const char *why);
void vmcs_dump(void);

#endif
