/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Events: VM-entry event injection of every type L2's IDT handlers can
 * see (SDM Vol. 3C 27, "Event Injection"), external interrupts and NMIs
 * that arrive for L2 (26.2, 28.2.2), the interrupt and NMI windows (26.7.5,
 * 26.7.6), and the VMX-preemption timer (26.5.1).
 */
#include "tests/guests/nvmx_detail.h"

#include "lib/string.h"

#define RFLAGS_IF      0x200ull
#define INTR_STATE_NMI 8u /* blocking by NMI (virtual NMI with vNMI) */

#define VEC_SELF 0xf0 /* self-IPI: above anything the firmware uses */

static struct vm vm;
static uint32_t inject_pin; /* extra pin-based controls for inject() */

static void go(const void *stub)
{
	vm_init(&vm, L2_LONG, stub);
}

static bool handler_ran(void)
{
	return vm.x.entry == VM_OK && vm.x.reason == EXIT_VMCALL &&
	       vm.r.rax == L2_EVENT_MAGIC && l2_ev.count == 1;
}

/* Injects info (+ error, length) at l2_nop2 and looks at L2's handler. */
static void inject(const char *name, uint32_t info, uint32_t err, uint32_t len,
		   uint64_t want_err, long want_rip)
{
	go(l2_nop2);
	vmw_or(F_PIN, inject_pin);
	vmw(F_GUEST_RFLAGS, 0x2 | RFLAGS_IF);
	vmw(F_ENTRY_INTR, info);
	vmw(F_ENTRY_ERRCODE, err);
	vmw(F_ENTRY_INSN_LEN, len);
	l2_ev.count = 0;
	vm_run(&vm);
	long at = (long)(l2_ev.rip - vm.entry_rip);

	dstart();
	dadd("inject 0x%x: %s", info, vm_exit_str(&vm));
	if (handler_ran()) {
		dadd("; L2 handler: vector 0x%lx, ", l2_ev.vector);
		if (l2_ev.error == L2_NO_ERROR)
			dadd("no error code");
		else
			dadd("error 0x%lx", l2_ev.error);
		dadd(", return RIP +%ld", at);
	}
	dcheck(name, handler_ran() && l2_ev.vector == (info & 0xff) &&
			 l2_ev.error == want_err && at == want_rip);
}

static void injection(void)
{
	inject("inject-extint", INTR_VALID | INTR_EXT | 0x40, 0, 0, L2_NO_ERROR,
	       0);
	/* L2's handler never IRETs: NMI blocking is still on at the exit. */
	inject("inject-nmi", INTR_VALID | INTR_NMI | 2, 0, 0, L2_NO_ERROR, 0);
	uint32_t st = (uint32_t)vmr(F_GUEST_INTR_STATE);

	check("inject-nmi-blocking", (st & INTR_STATE_NMI) != 0,
	      "interruptibility state 0x%x after the NMI handler ran", st);
	/*
	 * Without virtual NMIs that blocking is the CPU's own and outlasts
	 * the VM exit; an IRET in L1 ends it (SDM Vol. 3C 6.7.1).
	 */
	nvmx_iret_self();
	inject("inject-hw-exception", INTR_VALID | INTR_HW_EXC | 6, 0, 0,
	       L2_NO_ERROR, 0);
	inject("inject-hw-exception-errcode",
	       INTR_VALID | INTR_HW_EXC | INTR_ERRCODE | 13, 0x1234, 0, 0x1234,
	       0);
	/* Software events return past the instruction: RIP + length. */
	inject("inject-soft-int", INTR_VALID | INTR_SW_INT | 0x41, 0, 2,
	       L2_NO_ERROR, 2);
	inject("inject-priv-soft-exception", INTR_VALID | INTR_PRIV_SW_EXC | 1,
	       0, 1, L2_NO_ERROR, 1);
	inject("inject-soft-exception", INTR_VALID | INTR_SW_EXC | 3, 0, 1,
	       L2_NO_ERROR, 1);
	/* A VM exit clears the valid bit and keeps the rest (SDM Vol. 3C 28.2).
	 */
	uint32_t left = (uint32_t)vmr(F_ENTRY_INTR);

	check("inject-valid-cleared", left == (INTR_SW_EXC | 3),
	      "VM-entry interruption info after the exit 0x%x", left);
}

/*
 * External interrupts: a self-IPI that is pending when L2 starts. With
 * external-interrupt exiting, RFLAGS.IF does not affect interrupt blocking
 * (SDM Vol. 3C 25.6.1, pin-based controls): it must exit at once either way.
 */
static void external(void)
{
	struct want w = {EXIT_EXTINT, W_QUAL | W_INTR | W_RIP, 0, 0, 0, 0, 0};

	irq_quiet();
	apic_self_ipi(VEC_SELF);

	go(l2_spin);
	vmw_or(F_PIN, PIN_EXTINT);
	vm_run(&vm);
	dstart();
	dadd("L2 RFLAGS.IF 0: ");
	dcheck("exit-extint-if0", dexit(&vm, &w));

	go(l2_spin);
	vmw_or(F_PIN, PIN_EXTINT);
	vmw(F_GUEST_RFLAGS, 0x2 | RFLAGS_IF);
	vm_run(&vm);
	dstart();
	dadd("L2 RFLAGS.IF 1: ");
	dcheck("exit-extint", dexit(&vm, &w));

	/* Acknowledged at the exit: the vector comes in the exit info. */
	go(l2_spin);
	vmw_or(F_PIN, PIN_EXTINT);
	vmw_or(F_EXIT_CTLS, EXIT_ACK_INTR);
	vmw(F_GUEST_RFLAGS, 0x2 | RFLAGS_IF);
	w.intr = INTR_VALID | INTR_EXT | VEC_SELF;
	vm_run(&vm);
	dstart();
	dcheck("exit-extint-ack", dexit(&vm, &w));
	if (vm.x.reason == EXIT_EXTINT && (vm.x.intr & INTR_VALID))
		apic_eoi();
	irq_restore();
}

/* ---- NMI exiting ---- */

struct __attribute__((packed)) dtr {
	uint16_t limit;
	uint64_t base;
};

static uint64_t l1_idt[512] __attribute__((aligned(16)));
static volatile int nmi_phase;
static volatile unsigned nmi_count;
static struct exit_info nmi_exit;
static uint64_t nmi_rip;

void nvmx_l1_nmi(void) HIDDEN;
void nvmx_nmi_hook(void) HIDDEN;

/*
 * L1's NMI handler. The first NMI makes NMIs blocked in L1, so a second
 * one sent now stays pending; L2 then starts with NMI exiting and nothing
 * blocked, and the pending NMI must become its exit (SDM Vol. 3C 26.2).
 */
void nvmx_nmi_hook(void)
{
	nmi_count++;
	if (nmi_phase != 1)
		return;
	nmi_phase = 2;
	apic_self_ipi(4u << 8); /* delivery mode NMI */
	go(l2_spin);
	vmw_or(F_PIN, PIN_NMI);
	/* Back in L1 on this IDT, so a stray second NMI is counted too. */
	vmw(F_HOST_IDTR_BASE, (uint64_t)l1_idt);
	vm_run(&vm);
	nmi_exit = vm.x;
	nmi_rip = vm.entry_rip;
	nmi_phase = 3;
}

static void nmi(void)
{
	struct dtr old, idt;
	uint64_t a = (uint64_t)nvmx_l1_nmi;
	uint16_t cs;

	__asm__ volatile("sidt %0" : "=m"(old));
	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	memcpy(l1_idt, (void *)old.base,
	       old.limit + 1u < sizeof(l1_idt) ? old.limit + 1u
					       : sizeof(l1_idt));
	l1_idt[4] = (a & 0xffff) | (uint64_t)cs << 16 | 0x8eull << 40 |
		    ((a >> 16) & 0xffff) << 48;
	l1_idt[5] = a >> 32;
	idt.base = (uint64_t)l1_idt;
	idt.limit = sizeof(l1_idt) - 1;
	__asm__ volatile("lidt %0" : : "m"(idt) : "memory");

	nmi_count = 0;
	nmi_phase = 1;
	apic_self_ipi(4u << 8);
	for (unsigned i = 0; i < 5000000u && nmi_phase != 3; i++)
		cpu_relax();
	/* A second NMI the exit did not take would arrive after the IRET. */
	for (unsigned i = 0; i < 100000u; i++)
		cpu_relax();
	__asm__ volatile("lidt %0" : : "m"(old) : "memory");

	dstart();
	if (nmi_phase != 3) {
		dadd("L1's NMI handler ran %u times, phase %d", nmi_count,
		     nmi_phase);
		dcheck("exit-nmi", false);
		return;
	}
	struct vm v;

	memset(&v, 0, sizeof(v));
	v.x = nmi_exit;
	v.entry_rip = nmi_rip;
	struct want w = {EXIT_EXC_NMI,
			 W_QUAL | W_INTR | W_RIP,
			 0,
			 0,
			 0,
			 INTR_VALID | INTR_NMI | 2,
			 0};
	bool ok = dexit(&v, &w);

	dadd("; L1 took %u NMI(s)", nmi_count);
	dcheck("exit-nmi", ok && nmi_count == 1);
}

/*
 * The same NMI exit, with the NMI sent by L2 through the local APIC L1
 * lets it use (EPT12 maps the APIC page): here nothing is pending at VM
 * entry; the NMI arrives while L2 runs. Last of all, since under L0 this
 * is L2 writing to the APIC page L0 guards for L1.
 */
void check_nmi_from_l2(void)
{
	struct want w = {EXIT_EXC_NMI,
			 W_QUAL | W_INTR,
			 0,
			 0,
			 0,
			 INTR_VALID | INTR_NMI | 2,
			 0};
	uint32_t id = apic_id_now();

	if (env.x2apic) {
		go(l2_icr_msr);
		vm.r.rcx = 0x830;
		vm.r.rax = 4u << 8 | 1u << 14; /* NMI, assert */
		vm.r.rdx = id;
	} else {
		go(l2_icr_mmio);
		vm.r.rbx = env.apic_base;
		vm.r.rcx = id << 24;
		vm.r.rdx = 4u << 8 | 1u << 14;
	}
	vmw_or(F_PIN, PIN_NMI);
	vm_run(&vm);
	/* A VM exit caused by an NMI leaves NMIs blocked (SDM Vol. 3C 28.5.5).
	 */
	nvmx_iret_self();
	dstart();
	dcheck("exit-nmi-from-l2", dexit(&vm, &w));
	vmclear(env.vmcs);
}

/* ---- windows ---- */

static void windows(void)
{
	struct want w;

	/* Open at once: the exit comes before L2's first instruction. */
	go(l2_nop2);
	vmw_or(F_PROC, PROC_INTR_WINDOW);
	vmw(F_GUEST_RFLAGS, 0x2 | RFLAGS_IF);
	w = (struct want){EXIT_INTR_WINDOW, W_QUAL | W_RIP, 0, 0, 0, 0, 0};
	vm_run(&vm);
	dstart();
	dcheck("exit-intr-window-open", dexit(&vm, &w));

	/* STI opens it after one more instruction (SDM Vol. 3C 26.7.5). */
	go(l2_sti);
	vmw_or(F_PROC, PROC_INTR_WINDOW);
	w.rip = 2;
	vm_run(&vm);
	dstart();
	dcheck("exit-intr-window-sti", dexit(&vm, &w));

	if (!ctl_can(env.cap.pin, PIN_NMI | PIN_VIRT_NMI) ||
	    !ctl_can(env.cap.proc, PROC_NMI_WINDOW)) {
		skip("exit-nmi-window-open", "virtual NMIs");
		skip("exit-nmi-window-iret", "virtual NMIs");
		skip("inject-vnmi", "virtual NMIs");
		skip("inject-vnmi-blocking", "virtual NMIs");
		return;
	}
	go(l2_nop2);
	vmw_or(F_PIN, PIN_NMI | PIN_VIRT_NMI);
	vmw_or(F_PROC, PROC_NMI_WINDOW);
	w = (struct want){EXIT_NMI_WINDOW, W_QUAL | W_RIP, 0, 0, 0, 0, 0};
	vm_run(&vm);
	dstart();
	dcheck("exit-nmi-window-open", dexit(&vm, &w));

	/* Virtual-NMI blocking lasts until L2's next IRET (26.7.6). */
	go(l2_iret);
	vmw_or(F_PIN, PIN_NMI | PIN_VIRT_NMI);
	vmw_or(F_PROC, PROC_NMI_WINDOW);
	vmw(F_GUEST_INTR_STATE, INTR_STATE_NMI);
	w.rip = (long)(l2_iret_next - l2_iret);
	vm_run(&vm);
	dstart();
	dcheck("exit-nmi-window-iret", dexit(&vm, &w));

	/* With virtual NMIs an injected NMI sets virtual-NMI blocking. */
	inject_pin = PIN_NMI | PIN_VIRT_NMI;
	inject("inject-vnmi", INTR_VALID | INTR_NMI | 2, 0, 0, L2_NO_ERROR, 0);
	inject_pin = 0;
	uint32_t st = (uint32_t)vmr(F_GUEST_INTR_STATE);

	check("inject-vnmi-blocking", (st & INTR_STATE_NMI) != 0,
	      "interruptibility state 0x%x after the NMI handler ran", st);
}

static void preemption(void)
{
	struct want w = {EXIT_PREEMPT, W_QUAL | W_RIP, 0, 0, 0, 0, 0};
	bool save = ctl_can(env.cap.exit, EXIT_SAVE_PREEMPT);
	uint64_t left;

	if (!ctl_can(env.cap.pin, PIN_PREEMPT)) {
		skip("exit-preempt-zero", "VMX-preemption timer");
		skip("exit-preempt-expire", "VMX-preemption timer");
		skip("exit-preempt-save", "VMX-preemption timer");
		return;
	}
	/* Value 0: the exit comes before any L2 instruction (26.5.1). */
	go(l2_spin);
	vmw_or(F_PIN, PIN_PREEMPT);
	vmw(F_GUEST_PREEMPT, 0);
	vm_run(&vm);
	dstart();
	dcheck("exit-preempt-zero", dexit(&vm, &w));

	/* Counting down while L2 spins; the saved value is then 0 (28.3.4). */
	go(l2_spin);
	vmw_or(F_PIN, PIN_PREEMPT);
	if (save)
		vmw_or(F_EXIT_CTLS, EXIT_SAVE_PREEMPT);
	vmw(F_GUEST_PREEMPT, 5000);
	vm_run(&vm);
	left = vmr(F_GUEST_PREEMPT);
	dstart();
	w.what = W_QUAL;
	bool ok = dexit(&vm, &w);

	if (save)
		dadd(", saved timer value %lu", left);
	dcheck("exit-preempt-expire", ok && (!save || left == 0));

	if (!save) {
		skip("exit-preempt-save", "save VMX-preemption timer value");
		return;
	}
	/*
	 * An exit before expiry saves what is left: less, but not 0. L2 spins
	 * first, so the timer moves whatever MISC[4:0] says its rate is.
	 */
	go(l2_spin);
	vmw_or(F_PIN, PIN_PREEMPT);
	vmw_or(F_EXIT_CTLS, EXIT_SAVE_PREEMPT);
	vmw(F_GUEST_PREEMPT, 0x7fffffff);
	vm_run(&vm);
	left = vmr(F_GUEST_PREEMPT);
	check("exit-preempt-save",
	      vm.x.entry == VM_OK && vm.x.reason == EXIT_VMCALL && left > 0 &&
		      left<0x7fffffff, "%s, saved timer value %s",
			   vm_exit_str(&vm), left> 0 &&
		      left < 0x7fffffff
		  ? "below the start value, above 0"
		  : "not counted down");
}

void check_events(void)
{
	injection();
	external();
	nmi();
	windows();
	preemption();
	vmclear(env.vmcs);
}
