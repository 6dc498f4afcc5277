/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Notify VM exits (SDM Vol. 3C 25.6.2 secondary control bit 31, the 32-bit
 * NOTIFY_WINDOW field 0x4024, 26.2 the exit, 28.2.1 its qualification) as
 * tests/bochs/patches/0100 models them: a VM exit with reason 75 when event
 * deliveries go on without an event window (no instruction retires) for
 * longer than NOTIFY_WINDOW plus an internal threshold, in units of event
 * deliveries. The loop here is the #AC one of CVE-2015-5307: a 32-bit CPL-3
 * L2 with CR0.AM, RFLAGS.AC and a misaligned stack, whose #AC gate leads to
 * CPL-3 code, so that delivering #AC raises #AC again, forever.
 */
#include "tests/guests/bmodels.h"

#include "lib/string.h"

/* The 32-bit L2's descriptor tables, TSS and stack (below 1 GiB: EPT12). */
static uint64_t gdt32[6] __attribute__((aligned(64)));
static uint64_t idt32[32] __attribute__((aligned(64)));
static uint8_t tss32[0x68] __attribute__((aligned(64)));
static uint8_t stack32[4096] __attribute__((aligned(4096)));

#define SEL_CODE3 0x1bu /* GDT entry 3, RPL 3 */
#define SEL_DATA3 0x23u /* GDT entry 4, RPL 3 */
#define SEL_TSS	  0x28u /* GDT entry 5 */
#define AR_CODE32_DPL3 0xc0fbu
#define AR_DATA32_DPL3 0xc0f3u
#define AR_TSS32_BUSY  0x008bu
#define CR0_AM	       (1ull << 18)
#define RFLAGS_AC      (1ull << 18)
/* IDT-vectoring info of a hardware #AC with error code (SDM 25.9.3). */
#define IDT_AC (INTR_VALID | INTR_HW_EXC | INTR_ERRCODE | VEC_AC)

static void region(uint64_t pa, uint32_t rev)
{
	memset((void *)pa, 0, PAGE);
	*(volatile uint32_t *)pa = rev;
}

static void tables32(void)
{
	uint64_t h = (uint64_t)bm_l2_ac_handler, t = (uint64_t)tss32;

	memset(gdt32, 0, sizeof(gdt32));
	memset(idt32, 0, sizeof(idt32));
	gdt32[3] = 0x00cffb000000ffffull; /* code, 32-bit, DPL 3 */
	gdt32[4] = 0x00cff3000000ffffull; /* data, DPL 3 */
	gdt32[5] = 0x67 | (t & 0xffffff) << 16 | 0x8bull << 40 |
		   ((t >> 24) & 0xff) << 56;
	/* #AC: 32-bit interrupt gate, DPL 3, to the CPL-3 code segment. */
	idt32[VEC_AC] = (h & 0xffff) | (uint64_t)SEL_CODE3 << 16 |
			0xee00ull << 32 | (h & 0xffff0000ull) << 32;
}

static void seg32(unsigned s, uint16_t sel, uint64_t base, uint32_t limit,
		  uint32_t ar)
{
	vmw(F_GUEST_ES_SEL + 2 * s, sel);
	vmw(F_GUEST_ES_BASE + 2 * s, base);
	vmw(F_GUEST_ES_LIMIT + 2 * s, limit);
	vmw(F_GUEST_ES_AR + 2 * s, ar);
}

/* The CVE-2015-5307 L2 (see the top), with notify exiting as asked. */
static void ac_loop_guest(struct vm *vm, bool notify, uint32_t window,
			  bool intercept_ac)
{
	tables32();
	vm_init(vm, L2_PROT32, bm_l2_push32);
	for (unsigned s = SEG_ES; s <= SEG_GS; s++)
		seg32(s, SEL_DATA3, 0, 0xffffffff, AR_DATA32_DPL3);
	seg32(SEG_CS, SEL_CODE3, 0, 0xffffffff, AR_CODE32_DPL3);
	seg32(SEG_TR, SEL_TSS, (uint64_t)tss32, 0x67, AR_TSS32_BUSY);
	vmw(F_GUEST_GDTR_BASE, (uint64_t)gdt32);
	vmw(F_GUEST_GDTR_LIM, sizeof(gdt32) - 1);
	vmw(F_GUEST_IDTR_BASE, (uint64_t)idt32);
	vmw(F_GUEST_IDTR_LIM, sizeof(idt32) - 1);
	vmw(F_GUEST_CR0, vmr(F_GUEST_CR0) | CR0_AM);
	vmw(F_GUEST_RFLAGS, 0x2 | RFLAGS_AC);
	vmw(F_GUEST_RSP, (uint64_t)stack32 + 0x801); /* misaligned */
	if (notify) {
		vmw_or(F_PROC2, PROC2_NOTIFY);
		vmw(F_NOTIFY_WINDOW, window);
	}
	if (intercept_ac)
		vmw(F_EXC_BITMAP, 1u << VEC_AC);
}

/* The 64-bit L2's IDT and TSS for the #DB loop, and its IST stack. */
static uint64_t idt64[2 * 32] __attribute__((aligned(64)));
static uint8_t tss64[0x68] __attribute__((aligned(64)));
static uint8_t ist64[4096] __attribute__((aligned(4096)));
#define IDT_DB (INTR_VALID | INTR_HW_EXC | 1u)

/*
 * CVE-2015-8104-like: #DB through IST 1; DR0 watches (writes, 8 bytes) the
 * IST stack's top slot, where every #DB delivery pushes SS. DR0-DR3 are not
 * part of the VMCS: L1's DR0 is L2's; L2 sets DR7 itself.
 */
static void db_loop_guest(struct vm *vm, uint32_t window)
{
	uint64_t h = (uint64_t)bm_l2_db_handler, top = (uint64_t)ist64 + 4096;

	memset(idt64, 0, sizeof(idt64));
	memset(tss64, 0, sizeof(tss64));
	idt64[2] = (h & 0xffff) | (uint64_t)env.cs << 16 | 1ull << 32 |
		   0x8eull << 40 | (h & 0xffff0000ull) << 32;
	idt64[3] = h >> 32;
	*(uint64_t *)(tss64 + 0x24) = top; /* IST1 */
	*(uint16_t *)(tss64 + 0x66) = 0x68;
	__asm__ volatile("mov %0, %%dr0" : : "r"(top - 8));
	vm_init(vm, L2_LONG, bm_l2_icebp);
	vmw(F_GUEST_IDTR_BASE, (uint64_t)idt64);
	vmw(F_GUEST_IDTR_LIM, sizeof(idt64) - 1);
	vmw(F_GUEST_ES_BASE + 2 * SEG_TR, (uint64_t)tss64);
	/* L0 enabled, R/W0 = 01 (writes), LEN0 = 10 (8 bytes): L2 loads it
	 * with MOV DR7 (bmodels_l2.asm says why). */
	vm->r.rdi = 0x400 | 1 | 1u << 16 | 2u << 18;
	vmw_or(F_PROC2, PROC2_NOTIFY);
	vmw(F_NOTIFY_WINDOW, window);
}

static void notify_on(uint32_t window)
{
	vmw_or(F_PROC2, PROC2_NOTIFY);
	vmw(F_NOTIFY_WINDOW, window);
}

/*
 * Exit 75 in the #AC loop, context valid, the #AC being delivered: a #AC
 * raised while delivering #AC, so its error code has EXT (bit 0) set (SDM
 * Vol. 3A 6.13: an exception during the delivery of a hardware event).
 */
static bool notify_ac_exit(const char *name, const struct vm *vm)
{
	const struct exit_info *x = &vm->x;
	bool rsp = vmr(F_GUEST_RSP) == (uint64_t)stack32 + 0x801;

	return check(name,
		     x->entry == VM_OK && x->reason == EXIT_NOTIFY &&
			 x->qual == 0 && x->idt == IDT_AC && x->idt_err == 1 &&
			 x->rip == (uint64_t)bm_l2_push32 && rsp,
		     "%s, qualification 0x%lx, IDT-vectoring 0x%x error %u, "
		     "RIP %s, RSP %s",
		     vm_exit_str(vm), x->qual, x->idt, x->idt_err,
		     x->rip == (uint64_t)bm_l2_push32 ? "at the PUSH"
						       : "elsewhere",
		     rsp ? "as before the PUSH" : "moved");
}

static void notify_present(void)
{
	struct vm vm;
	uint64_t v = 0;

	vm_init(&vm, L2_LONG, bm_l2_loop);
	int w = vmwrite(F_NOTIFY_WINDOW, 0x12345678);
	int r = vmread(F_NOTIFY_WINDOW, &v);
	check("notify-window-vmwrite-vmread",
	      w == VM_OK && r == VM_OK && v == 0x12345678,
	      "VMWRITE %s, VMREAD %s, value 0x%lx", vmx_str(w), vmx_str2(r), v);

	/* Instructions retire: event windows open, no notify exit. */
	notify_on(0);
	vm_run(&vm);
	check("notify-no-exit-long-loop",
	      vm.x.entry == VM_OK && vm.x.reason == EXIT_VMCALL,
	      "%s after 300000 iterations, window 0", vm_exit_str(&vm));

	/* One exception delivered to a handler that runs: no notify exit. */
	vm_init(&vm, L2_LONG, l2_ud2);
	notify_on(0);
	vm_run(&vm);
	check("notify-no-exit-one-fault",
	      vm.x.entry == VM_OK && vm.x.reason == EXIT_VMCALL &&
		  vm.r.rax == L2_EVENT_MAGIC && l2_ev.vector == VEC_UD,
	      "%s, L2's #UD handler %s", vm_exit_str(&vm),
	      vm.r.rax == L2_EVENT_MAGIC ? "ran" : "did not run");

	/* An intercepted #AC exits first (exit 0), before any notify exit. */
	ac_loop_guest(&vm, true, 0, true);
	vm_run(&vm);
	check("notify-ac-intercept-first",
	      vm.x.entry == VM_OK && vm.x.reason == EXIT_EXC_NMI &&
		  vm.x.intr == IDT_AC && !(vm.x.idt & INTR_VALID),
	      "%s, interruption 0x%x, IDT-vectoring 0x%x", vm_exit_str(&vm),
	      vm.x.intr, vm.x.idt);

	ac_loop_guest(&vm, true, 0, false);
	vm_run(&vm);
	notify_ac_exit("notify-ac-loop-window-0", &vm);

	/* Resumable: the state is the PUSH's; with #AC intercepted now, the
	 * resumed L2 faults at the same place (exit 0, not during delivery). */
	vmw(F_EXC_BITMAP, 1u << VEC_AC);
	vm_run(&vm);
	check("notify-context-resumes",
	      vm.x.entry == VM_OK && vm.x.reason == EXIT_EXC_NMI &&
		  vm.x.intr == IDT_AC &&
		  vm.x.rip == (uint64_t)bm_l2_push32,
	      "VMRESUME: %s, interruption 0x%x, RIP %s", vm_exit_str(&vm),
	      vm.x.intr,
	      vm.x.rip == (uint64_t)bm_l2_push32 ? "at the PUSH" : "elsewhere");

	ac_loop_guest(&vm, true, 100, false);
	vm_run(&vm);
	notify_ac_exit("notify-ac-loop-window-100", &vm);

	/* The loop begins with a fault of an IRET that unblocked virtual NMIs:
	 * qualification bit 12, and the saved state shows NMIs unblocked
	 * (the VMM is to block them again, SDM 28.2.1). */
	if (ctl_can(env.cap.pin, PIN_NMI | PIN_VIRT_NMI)) {
		ac_loop_guest(&vm, true, 0, false);
		vmw(F_PIN, ctl_fix(env.cap.pin, PIN_NMI | PIN_VIRT_NMI));
		vmw(F_GUEST_INTR_STATE, 1u << 3); /* blocking by NMI */
		vmw(F_GUEST_RIP, (uint64_t)bm_l2_iret32);
		vm_run(&vm);
		uint64_t st = vmr(F_GUEST_INTR_STATE);

		check("notify-ac-loop-iret-nmi-unblock",
		      vm.x.entry == VM_OK && vm.x.reason == EXIT_NOTIFY &&
			  vm.x.qual == NOTIFY_NMI_UNBLOCK &&
			  vm.x.idt == IDT_AC &&
			  vm.x.rip == (uint64_t)bm_l2_iret32 && !(st & 8),
		      "%s, qualification 0x%lx, IDT-vectoring 0x%x, RIP %s, "
		      "NMI blocking saved %lu",
		      vm_exit_str(&vm), vm.x.qual, vm.x.idt,
		      vm.x.rip == (uint64_t)bm_l2_iret32 ? "at the IRET"
							  : "elsewhere",
		      (st >> 3) & 1);
	} else {
		bm_skip("notify-ac-loop-iret-nmi-unblock", "no virtual NMIs");
	}

	/* The #DB loop runs through Bochs' instruction loop: no cap. */
	db_loop_guest(&vm, 0);
	vm_run(&vm);
	check("notify-db-loop-window-0",
	      vm.x.entry == VM_OK && vm.x.reason == EXIT_NOTIFY &&
		  vm.x.qual == 0 && vm.x.idt == IDT_DB &&
		  vm.x.rip == (uint64_t)bm_l2_db_handler,
	      "%s, qualification 0x%lx, IDT-vectoring 0x%x, RIP %s",
	      vm_exit_str(&vm), vm.x.qual, vm.x.idt,
	      vm.x.rip == (uint64_t)bm_l2_db_handler ? "at the #DB handler"
						      : "elsewhere");
	__asm__ volatile("mov %0, %%dr0" : : "r"(0ull));

	/* Bochs recurses on a nested fault: the model caps the nesting. */
	ac_loop_guest(&vm, true, 0xffffffffu, false);
	vm_run(&vm);
	notify_ac_exit("notify-ac-loop-window-max", &vm);
}

static void notify_absent(void)
{
	struct vm vm;
	uint64_t v = 0;

	vm_init(&vm, L2_LONG, bm_l2_loop);
	int w = vmwrite(F_NOTIFY_WINDOW, 1);
	int r = vmread(F_NOTIFY_WINDOW, &v);
	/* SDM 31.3 VMREAD/VMWRITE: unsupported component is error 12. */
	check("notify-window-field-absent", w == 12 && r == 12,
	      "VMWRITE %s, VMREAD %s", vmx_str(w), vmx_str2(r));
	vmw(F_PROC2, vmr(F_PROC2) | PROC2_NOTIFY);
	vm_run(&vm);
	/* SDM 27.2.1.1: a reserved control bit set is error 7. */
	check("notify-control-refused", vm.x.entry == 7,
	      "VM entry with secondary bit 31: %s", vm_exit_str(&vm));
	/* Without notify exits, Bochs would recurse on the #AC loop. */
	static const char *const skipped[] = {
	    "notify-window-vmwrite-vmread", "notify-no-exit-long-loop",
	    "notify-no-exit-one-fault",	    "notify-ac-intercept-first",
	    "notify-ac-loop-window-0",	    "notify-context-resumes",
	    "notify-ac-loop-window-100",    "notify-ac-loop-iret-nmi-unblock",
	    "notify-db-loop-window-0",
	    "notify-ac-loop-window-max"};
	for (unsigned i = 0; i < sizeof(skipped) / sizeof(skipped[0]); i++)
		bm_skip(skipped[i], "no notify VM exiting");
}

void check_notify(void)
{
	region(env.vmxon, env.cap.revision);
	region(env.vmcs, env.cap.revision);
	int o = vmxon(env.vmxon);

	if (!check("vmxon", o == VM_OK, "%s", vmx_str(o)))
		return;
	bool has = ctl_can(env.cap.proc2, PROC2_NOTIFY);

	/* What the CPU enumerates; the system test expects 1 or 0 per model. */
	guest_printf("bmodels: info notify-ctls2-allowed1 %u\n", has ? 1u : 0u);
	if (has)
		notify_present();
	else
		notify_absent();
	vmxoff();
}
