/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VM exits of a 64-bit L2 that L1 asked for: each with the exit reason,
 * the exit qualification (SDM Vol. 3C 28.2.1), the instruction length
 * where it is defined (28.2.5) and where L2 stood, and for the conditional
 * ones the case that must NOT exit. After an exit L1 emulates what it must
 * and resumes L2 past the instruction, and L2 goes on from there.
 */
#include "tests/guests/nvmx_detail.h"

#include "lib/string.h"

#define CR0_TS	    (1ull << 3)
#define CR4_VMXE    (1ull << 13)
#define CR4_OSXSAVE (1ull << 18)

/* MSR bitmap quarters (SDM Vol. 3C 25.6.9). */
#define MSRBM_READ_LO  0
#define MSRBM_READ_HI  1024
#define MSRBM_WRITE_LO 2048
#define MSRBM_WRITE_HI 3072

static struct vm vm;

static void go(const void *stub)
{
	vm_init(&vm, L2_LONG, stub);
}

static bool l2_vmcall_done(void)
{
	return vm.x.entry == VM_OK && vm.x.reason == EXIT_VMCALL;
}

static void msr_bit(unsigned quarter, uint32_t msr)
{
	uint8_t *bm = (uint8_t *)env.msr_bitmap + quarter;
	uint32_t i = msr & 0x1fff;

	bm[i / 8] |= (uint8_t)(1u << (i % 8));
}

static void io_bit(uint16_t port)
{
	uint8_t *bm = (uint8_t *)(port < 0x8000 ? env.io_a : env.io_b);
	uint16_t i = port & 0x7fff;

	bm[i / 8] |= (uint8_t)(1u << (i % 8));
}

/* Runs L2 and checks one exit. */
static bool run_expect(const char *name, const struct want *w)
{
	vm_run(&vm);
	dstart();
	return dcheck(name, dexit(&vm, w));
}

static void cpuid_hlt(void)
{
	struct want w = {EXIT_CPUID, W_QUAL | W_LEN | W_RIP, 0, 2, 4, 0, 0};

	go(l2_cpuid);
	vm_run(&vm);
	dstart();
	bool ok = dexit(&vm, &w);

	dadd(", L2 asked for leaf 0x%lx", vm.r.rax);
	dcheck("exit-cpuid", ok && vm.r.rax == 0);

	/* L1 answers CPUID; L2 continues after it with those values. */
	vm.r.rax = 0x11;
	vm.r.rbx = 0x22;
	vm.r.rcx = 0x33;
	vm.r.rdx = 0x44;
	vm_skip_run(&vm);
	check("exit-cpuid-resume",
	      l2_vmcall_done() && vm_rip_off(&vm) == 6 && vm.r.rax == 0x11 &&
		  vm.r.rbx == 0x22 && vm.r.rcx == 0x33 && vm.r.rdx == 0x44,
	      "%s at +%ld, RAX..RDX 0x%lx 0x%lx 0x%lx 0x%lx", vm_exit_str(&vm),
	      vm_rip_off(&vm), vm.r.rax, vm.r.rbx, vm.r.rcx, vm.r.rdx);

	/*
	 * HLT exiting. The preemption timer is a safety net: an HLT that
	 * did not exit would otherwise halt L2 with interrupts off for good.
	 */
	go(l2_hlt);
	vmw_or(F_PROC, PROC_HLT);
	if (ctl_can(env.cap.pin, PIN_PREEMPT)) {
		vmw_or(F_PIN, PIN_PREEMPT);
		vmw(F_GUEST_PREEMPT, 1000000);
	}
	w = (struct want){EXIT_HLT, W_QUAL | W_LEN | W_RIP, 0, 1, 0, 0, 0};
	vm_run(&vm);
	dstart();
	ok = dexit(&vm, &w);
	vm_skip_run(&vm);
	dadd("; resumed: %s, RAX 0x%lx", vm_exit_str(&vm), vm.r.rax);
	dcheck("exit-hlt", ok && l2_vmcall_done() && vm.r.rax == 0x484c54);
}

static void io_exits(void)
{
	struct want w;

	/* SDM Vol. 3C Table 28-5: size-1, direction, string, REP, imm, port. */
	go(l2_out81);
	vmw_or(F_PROC, PROC_UNCOND_IO);
	w = (struct want){EXIT_IO, W_QUAL | W_LEN | W_RIP, 0x00810040, 2, 2, 0,
			  0};
	run_expect("exit-io-out-imm", &w);

	go(l2_in81);
	vmw_or(F_PROC, PROC_UNCOND_IO);
	w = (struct want){EXIT_IO, W_QUAL | W_LEN | W_RIP, 0x0081000b, 1, 5, 0,
			  0};
	run_expect("exit-io-in-dx", &w);

	go(l2_outsb);
	vmw_or(F_PROC, PROC_UNCOND_IO);
	w = (struct want){EXIT_IO, W_QUAL | W_LEN | W_RIP, 0x00810030, 2, 17, 0,
			  0};
	run_expect("exit-io-rep-outsb", &w);

	/* I/O bitmaps (25.6.4): port 0x81 marked, 0x80 not. */
	go(l2_out81);
	vmw_or(F_PROC, PROC_IO_BITMAPS);
	io_bit(0x81);
	w = (struct want){EXIT_IO, W_QUAL | W_LEN | W_RIP, 0x00810040, 2, 2, 0,
			  0};
	run_expect("exit-io-bitmap-set", &w);

	go(l2_out80);
	vmw_or(F_PROC, PROC_IO_BITMAPS);
	io_bit(0x81);
	vm_run(&vm);
	check("exit-io-bitmap-clear", l2_vmcall_done() && vm.r.rax == 0x600d,
	      "OUT to port 0x80 (bit clear): %s, RAX 0x%lx", vm_exit_str(&vm),
	      vm.r.rax);

	/* A 4-byte access exits if any of its ports is marked (26.1.3). */
	go(l2_out_span);
	vmw_or(F_PROC, PROC_IO_BITMAPS);
	io_bit(0x81);
	w = (struct want){EXIT_IO, W_QUAL | W_LEN | W_RIP, 0x007f0003, 1, 5, 0,
			  0};
	run_expect("exit-io-bitmap-span", &w);
}

static void msr_exits(void)
{
	struct want w = {EXIT_RDMSR, W_QUAL | W_LEN | W_RIP, 0, 2, 0, 0, 0};
	uint64_t kgs = rdmsr(MSR_KERNEL_GS_BASE);
	bool ok;

	go(l2_rdmsr);
	msr_bit(MSRBM_READ_HI, MSR_KERNEL_GS_BASE);
	vm.r.rcx = MSR_KERNEL_GS_BASE;
	vm_run(&vm);
	dstart();
	ok = dexit(&vm, &w);
	dadd(", RCX 0x%lx", vm.r.rcx);
	dcheck("exit-rdmsr-bitmap-set", ok && vm.r.rcx == MSR_KERNEL_GS_BASE);

	/* Not marked: L2 reads the value VM entry loaded from its field. */
	go(l2_rdmsr);
	msr_bit(MSRBM_READ_HI, MSR_KERNEL_GS_BASE);
	vmw(F_GUEST_SYSENTER_CS, 0x1234);
	vm.r.rcx = MSR_SYSENTER_CS;
	vm_run(&vm);
	check("exit-rdmsr-bitmap-clear",
	      l2_vmcall_done() && vm.r.rax == 0x1234 && vm.r.rdx == 0,
	      "RDMSR 0x174 (bit clear): %s, EDX:EAX 0x%lx:0x%lx",
	      vm_exit_str(&vm), vm.r.rdx, vm.r.rax);

	go(l2_wrmsr);
	msr_bit(MSRBM_WRITE_LO, MSR_SYSENTER_CS);
	vm.r.rcx = MSR_SYSENTER_CS;
	vm.r.rax = 0x5678;
	vm.r.rdx = 0;
	w.reason = EXIT_WRMSR;
	vm_run(&vm);
	dstart();
	ok = dexit(&vm, &w);
	dadd(", RCX 0x%lx EAX 0x%lx", vm.r.rcx, vm.r.rax);
	dcheck("exit-wrmsr-bitmap-set",
	       ok && vm.r.rcx == MSR_SYSENTER_CS && vm.r.rax == 0x5678);

	/* KERNEL_GS_BASE is not switched by VM exits: L1 sees L2's value. */
	go(l2_wrmsr);
	msr_bit(MSRBM_WRITE_LO, MSR_SYSENTER_CS);
	vm.r.rcx = MSR_KERNEL_GS_BASE;
	vm.r.rax = 0x56789000;
	vm.r.rdx = 0x1234;
	vm_run(&vm);
	uint64_t now = rdmsr(MSR_KERNEL_GS_BASE);

	wrmsr(MSR_KERNEL_GS_BASE, kgs);
	check("exit-wrmsr-bitmap-clear",
	      l2_vmcall_done() && now == 0x123456789000ull,
	      "WRMSR KERNEL_GS_BASE (bit clear): %s, L1 then reads 0x%lx",
	      vm_exit_str(&vm), now);

	/*
	 * State L1 reads only through an exit (L0 keeps it in vmcs02 after
	 * the exit until L1 looks: docs/nested.md, "Round trip"): L2 writes
	 * SYSENTER_ESP (bit clear: no exit; the exit saves the MSR, SDM
	 * 28.3.1), exits, L1 resumes it having written only the RIP (a
	 * shadowed field), L2 reads the MSR back, exits again; then L1 reads
	 * the field.
	 */
	go(l2_wrmsr);
	vm.r.rcx = MSR_SYSENTER_ESP;
	vm.r.rax = 0x1230;
	vm.r.rdx = 0x7fff;
	vm_run(&vm);
	bool wrote = l2_vmcall_done();

	vmw(F_GUEST_RIP, (uint64_t)l2_rdmsr);
	vm.r.rcx = MSR_SYSENTER_ESP;
	vm.r.rax = vm.r.rdx = 0;
	vm_run(&vm);
	bool kept = l2_vmcall_done() && vm.r.rax == 0x1230 && vm.r.rdx == 0x7fff;
	uint64_t esp = vmr(F_GUEST_SYSENTER_ESP);

	check("exit-saves-lazy-state", wrote && kept && esp == 0x7fff00001230ull,
	      "L2's WRMSR SYSENTER_ESP: %s; after a resume L2 reads "
	      "0x%lx:0x%lx, L1 then reads the field 0x%lx",
	      wrote ? "exit" : "no exit", vm.r.rdx, vm.r.rax, esp);

	/* Outside both bitmap ranges every RDMSR exits (25.6.9). */
	go(l2_rdmsr);
	vm.r.rcx = 0x2000;
	w.reason = EXIT_RDMSR;
	vm_run(&vm);
	dstart();
	ok = dexit(&vm, &w);
	dadd(", RCX 0x%lx", vm.r.rcx);
	dcheck("exit-rdmsr-out-of-range", ok && vm.r.rcx == 0x2000);
}

/*
 * CR access (SDM Vol. 3C 26.1.3, Table 28-3: CR number, access type in
 * bits 5:4, register in 11:8, LMSW source in 31:16).
 */
static void cr_exits(void)
{
	uint64_t cr0 = read_cr0() & ~CR0_TS;
	struct want w;

	go(l2_mov_cr0);
	vmw(F_GUEST_CR0, cr0);
	vmw(F_CR0_MASK, CR0_TS);
	vmw(F_CR0_SHADOW, 0);
	vm.r.rbx = cr0 | CR0_TS;
	w = (struct want){EXIT_CR, W_QUAL | W_LEN | W_RIP, 0x300, 3, 0, 0, 0};
	run_expect("exit-cr0-mask-differs", &w);

	/* Same as the shadow: no exit, the real TS stays, L2 reads the shadow.
	 */
	go(l2_mov_cr0);
	vmw(F_GUEST_CR0, cr0);
	vmw(F_CR0_MASK, CR0_TS);
	vmw(F_CR0_SHADOW, cr0 | CR0_TS);
	vm.r.rbx = cr0 | CR0_TS;
	vm_run(&vm);
	uint64_t real = vmr(F_GUEST_CR0);

	check("exit-cr0-mask-same",
	      l2_vmcall_done() && (vm.r.rax & CR0_TS) && !(real & CR0_TS),
	      "%s; L2 reads CR0.TS %d (shadow), guest CR0.TS %d",
	      vm_exit_str(&vm), !!(vm.r.rax & CR0_TS), !!(real & CR0_TS));

	/* The classic: L2 must not see CR4.VMXE, which VMX forces on. */
	go(l2_read_crs);
	vmw(F_CR4_MASK, CR4_VMXE);
	vmw(F_CR4_SHADOW, 0);
	vm_run(&vm);
	real = vmr(F_GUEST_CR4);
	check("l2-cr4-read-shadow",
	      l2_vmcall_done() && vm.r.rdx == (real & ~CR4_VMXE) &&
		  (real & CR4_VMXE),
	      "%s; L2 reads CR4.VMXE %d, other bits %s", vm_exit_str(&vm),
	      !!(vm.r.rdx & CR4_VMXE),
	      (vm.r.rdx & ~CR4_VMXE) == (real & ~CR4_VMXE) ? "real" : "differ");

	go(l2_mov_cr3);
	vmw_or(F_PROC, PROC_CR3_LOAD);
	vm.r.rbx = env.l2_cr3;
	w = (struct want){EXIT_CR, W_QUAL | W_LEN | W_RIP, 0x303, 3, 0, 0, 0};
	run_expect("exit-cr3-load", &w);

	go(l2_mov_cr3);
	vmw_or(F_PROC, PROC_CR3_LOAD);
	vmw(F_CR3_TARGET_CNT, 1);
	vmw(F_CR3_TARGET0, env.l2_cr3);
	vm.r.rbx = env.l2_cr3;
	vm_run(&vm);
	check("exit-cr3-target", l2_vmcall_done(),
	      "MOV to CR3 of CR3-target value 0: %s", vm_exit_str(&vm));

	go(l2_read_cr3);
	vmw_or(F_PROC, PROC_CR3_STORE);
	w = (struct want){EXIT_CR, W_QUAL | W_LEN | W_RIP, 0x13, 3, 0, 0, 0};
	run_expect("exit-cr3-store", &w);

	if (ctl_can(env.cap.proc, PROC_CR8_LOAD | PROC_CR8_STORE)) {
		go(l2_mov_cr8);
		vmw_or(F_PROC, PROC_CR8_LOAD);
		vm.r.rbx = 0;
		w = (struct want){
		    EXIT_CR, W_QUAL | W_LEN | W_RIP, 0x308, 4, 0, 0, 0};
		run_expect("exit-cr8-load", &w);
		go(l2_read_cr8);
		vmw_or(F_PROC, PROC_CR8_STORE);
		w = (struct want){
		    EXIT_CR, W_QUAL | W_LEN | W_RIP, 0x18, 4, 0, 0, 0};
		run_expect("exit-cr8-store", &w);
	} else {
		skip("exit-cr8-load", "CR8-load exiting");
		skip("exit-cr8-store", "CR8-store exiting");
	}

	/* CLTS exits only when TS is host-owned and the shadow has TS set. */
	go(l2_clts);
	vmw(F_GUEST_CR0, cr0);
	vmw(F_CR0_MASK, CR0_TS);
	vmw(F_CR0_SHADOW, cr0 | CR0_TS);
	w = (struct want){EXIT_CR, W_QUAL | W_LEN | W_RIP, 0x20, 2, 0, 0, 0};
	run_expect("exit-clts", &w);
	go(l2_clts);
	vmw(F_GUEST_CR0, cr0);
	vmw(F_CR0_MASK, CR0_TS);
	vmw(F_CR0_SHADOW, cr0);
	vm_run(&vm);
	check("exit-clts-shadow-clear", l2_vmcall_done(),
	      "CLTS with shadow TS 0: %s", vm_exit_str(&vm));

	go(l2_lmsw);
	vmw(F_GUEST_CR0, cr0);
	vmw(F_CR0_MASK, CR0_TS);
	vmw(F_CR0_SHADOW, cr0);
	vm.r.rbx = 0xb; /* PE, MP, TS */
	w = (struct want){EXIT_CR, W_QUAL | W_LEN | W_RIP, 0x000b0030, 3, 0, 0,
			  0};
	run_expect("exit-lmsw", &w);

	/* MOV DR (Table 28-4): DR7, from DR (bit 4), RAX. */
	go(l2_mov_dr7);
	vmw_or(F_PROC, PROC_MOV_DR);
	w = (struct want){EXIT_DR, W_QUAL | W_LEN | W_RIP, 0x17, 3, 0, 0, 0};
	run_expect("exit-mov-dr", &w);
}

static void exception_exits(void)
{
	struct want w;

	go(l2_ud2);
	vmw(F_EXC_BITMAP, 1u << 6);
	w = (struct want){EXIT_EXC_NMI,
			  W_INTR | W_QUAL | W_RIP,
			  0,
			  0,
			  0,
			  INTR_VALID | INTR_HW_EXC | 6,
			  0};
	run_expect("exit-exc-ud", &w);

	/* A selector beyond the GDT limit: #GP with the selector as error. */
	go(l2_load_ds);
	vmw(F_EXC_BITMAP, 1u << 13);
	vm.r.rbx = 0xfff8;
	w = (struct want){EXIT_EXC_NMI,
			  W_INTR | W_QUAL | W_RIP,
			  0,
			  0,
			  2,
			  INTR_VALID | INTR_HW_EXC | INTR_ERRCODE | 13,
			  0xfff8};
	run_expect("exit-exc-gp-errcode", &w);

	/* Software exceptions have an instruction length (28.2.5). */
	go(l2_int3);
	vmw(F_EXC_BITMAP, 1u << 3);
	w = (struct want){EXIT_EXC_NMI,
			  W_INTR | W_LEN | W_RIP,
			  0,
			  1,
			  0,
			  INTR_VALID | INTR_SW_EXC | 3,
			  0};
	run_expect("exit-exc-int3", &w);

	go(l2_icebp);
	vmw(F_EXC_BITMAP, 1u << 1);
	w = (struct want){EXIT_EXC_NMI,
			  W_INTR | W_LEN | W_RIP,
			  0,
			  1,
			  0,
			  INTR_VALID | INTR_PRIV_SW_EXC | 1,
			  0};
	run_expect("exit-exc-icebp", &w);

	/* Not in the bitmap: L2's own IDT handles it. */
	go(l2_ud2);
	l2_ev.count = 0;
	vm_run(&vm);
	check("exit-exc-not-intercepted",
	      l2_vmcall_done() && vm.r.rax == L2_EVENT_MAGIC &&
		  l2_ev.vector == 6 && l2_ev.error == L2_NO_ERROR &&
		  l2_ev.rip == vm.entry_rip && l2_ev.count == 1,
	      "%s; L2's handler got vector %lu, %s, at +%ld", vm_exit_str(&vm),
	      l2_ev.vector,
	      l2_ev.error == L2_NO_ERROR ? "no error code" : "an error code",
	      (long)(l2_ev.rip - vm.entry_rip));

	/*
	 * #PF and the error-code mask/match (SDM Vol. 3C 26.2): with bit 14
	 * set, #PF exits iff (PFEC & mask) == match; with it clear, iff not.
	 */
	go(l2_load);
	vmw(F_EXC_BITMAP, 1u << 14);
	vm.r.rbx = LA_UNMAPPED;
	w = (struct want){EXIT_EXC_NMI,
			  W_INTR | W_QUAL | W_RIP,
			  LA_UNMAPPED,
			  0,
			  0,
			  INTR_VALID | INTR_HW_EXC | INTR_ERRCODE | 14,
			  0};
	run_expect("exit-pf", &w);

	go(l2_load);
	vmw(F_EXC_BITMAP, 1u << 14);
	vmw(F_PFEC_MASK, 2);
	vmw(F_PFEC_MATCH, 2);
	vm.r.rbx = LA_UNMAPPED;
	l2_ev.count = 0;
	vm_run(&vm);
	check("exit-pf-pfec-mismatch",
	      l2_vmcall_done() && l2_ev.vector == 14 && l2_ev.error == 0 &&
		  l2_ev.cr2 == LA_UNMAPPED && l2_ev.count == 1,
	      "read (PFEC 0, mask 2, match 2): %s; L2 handler vector %lu "
	      "error 0x%lx CR2 0x%lx",
	      vm_exit_str(&vm), l2_ev.vector, l2_ev.error, l2_ev.cr2);

	go(l2_store);
	vmw(F_EXC_BITMAP, 1u << 14);
	vmw(F_PFEC_MASK, 2);
	vmw(F_PFEC_MATCH, 2);
	vm.r.rbx = LA_UNMAPPED;
	w = (struct want){EXIT_EXC_NMI,
			  W_INTR | W_QUAL | W_RIP,
			  LA_UNMAPPED,
			  0,
			  0,
			  INTR_VALID | INTR_HW_EXC | INTR_ERRCODE | 14,
			  2};
	run_expect("exit-pf-pfec-match", &w);

	go(l2_load);
	vmw(F_EXC_BITMAP, 0);
	vmw(F_PFEC_MASK, 2);
	vmw(F_PFEC_MATCH, 2);
	vm.r.rbx = LA_UNMAPPED;
	w.intr_err = 0;
	run_expect("exit-pf-pfec-inverted", &w);

	/*
	 * #UD whose delivery faults on L2's unmapped stack: the intercepted
	 * #PF exits with the #UD as IDT-vectoring information (SDM Vol. 3C
	 * 28.2.4); which push faults first is the CPU's choice, so only the
	 * page is compared.
	 */
	go(l2_ud2);
	vmw(F_EXC_BITMAP, 1u << 14);
	vmw(F_GUEST_RSP, LA_UNMAPPED + PAGE);
	vm_run(&vm);
	dstart();
	w = (struct want){EXIT_EXC_NMI,
			  W_INTR | W_RIP,
			  0,
			  0,
			  0,
			  INTR_VALID | INTR_HW_EXC | INTR_ERRCODE | 14,
			  2};
	bool ok = dexit(&vm, &w);

	dadd(", CR2 page 0x%lx, IDT-vectoring info 0x%x",
	     vm.x.qual & ~(uint64_t)0xfff, vm.x.idt);
	dcheck("idt-vectoring-pf",
	       ok && (vm.x.qual & ~(uint64_t)0xfff) == LA_UNMAPPED &&
		   vm.x.idt == (INTR_VALID | INTR_HW_EXC | 6));

	/* No IDT at all: #UD, #GP, #DF, then a triple fault (26.2). */
	go(l2_ud2);
	vmw(F_GUEST_IDTR_LIM, 0);
	w = (struct want){EXIT_TRIPLE, W_QUAL | W_RIP, 0, 0, 0, 0, 0};
	run_expect("exit-triple-fault", &w);
}

static void other_exits(void)
{
	struct want w;

	go(l2_invlpg);
	vmw_or(F_PROC, PROC_INVLPG);
	vm.r.rbx = 0x123000;
	w = (struct want){
	    EXIT_INVLPG, W_QUAL | W_LEN | W_RIP, 0x123000, 3, 0, 0, 0};
	run_expect("exit-invlpg", &w);

	go(l2_rdtsc);
	vmw_or(F_PROC, PROC_RDTSC);
	w = (struct want){EXIT_RDTSC, W_QUAL | W_LEN | W_RIP, 0, 2, 0, 0, 0};
	run_expect("exit-rdtsc", &w);

	/* TSC offsetting without RDTSC exiting (26.3): L2 sees TSC + offset. */
	const uint64_t off = 1ull << 60;

	go(l2_rdtsc);
	vmw_or(F_PROC, PROC_TSC_OFFSET);
	vmw(F_TSC_OFFSET, off);
	uint64_t t0 = rdtsc();

	vm_run(&vm);
	uint64_t t1 = rdtsc(), l2 = vm.r.rax - off;

	check(
	    "tsc-offset", l2_vmcall_done() && l2 >= t0 && l2 <= t1,
	    "%s; L2's TSC minus the offset 2^60 %s L1's reads before and after",
	    vm_exit_str(&vm),
	    l2 >= t0 && l2 <= t1 ? "lies between" : "is outside");

	go(l2_invd);
	w = (struct want){EXIT_INVD, W_QUAL | W_LEN | W_RIP, 0, 2, 0, 0, 0};
	run_expect("exit-invd", &w);

	if (env.has_xsave && (env.cap.cr4_fixed1 & CR4_OSXSAVE)) {
		go(l2_xsetbv);
		vmw(F_GUEST_CR4, read_cr4() | CR4_OSXSAVE);
		vm.r.rcx = 0;
		vm.r.rax = 3;
		vm.r.rdx = 0;
		w = (struct want){
		    EXIT_XSETBV, W_QUAL | W_LEN | W_RIP, 0, 3, 0, 0, 0};
		run_expect("exit-xsetbv", &w);
	} else {
		skip("exit-xsetbv", "XSAVE");
	}

	if (ctl_can(env.cap.proc, PROC_PAUSE)) {
		go(l2_pause);
		vmw_or(F_PROC, PROC_PAUSE);
		w = (struct want){
		    EXIT_PAUSE, W_QUAL | W_LEN | W_RIP, 0, 2, 0, 0, 0};
		run_expect("exit-pause", &w);
	} else {
		skip("exit-pause", "PAUSE exiting");
	}

	if (ctl_can(env.cap.proc2, PROC2_WBINVD)) {
		go(l2_wbinvd);
		vmw_or(F_PROC2, PROC2_WBINVD);
		w = (struct want){
		    EXIT_WBINVD, W_QUAL | W_LEN | W_RIP, 0, 2, 0, 0, 0};
		run_expect("exit-wbinvd", &w);
	} else {
		skip("exit-wbinvd", "WBINVD exiting");
	}

	if (ctl_can(env.cap.proc2, PROC2_DESC)) {
		go(l2_sgdt);
		vmw_or(F_PROC2, PROC2_DESC);
		vm.r.rbx = env.scratch;
		w = (struct want){EXIT_DESC, W_QUAL | W_LEN | W_RIP, 0, 3, 0, 0,
				  0};
		vm_run(&vm);
		dstart();
		bool ok = dexit(&vm, &w);
		/* Instruction information for SGDT [RBX] (28.2.5): defined bits
		 * only. */
		uint32_t info = vm.x.insn_info & 0x3fc38380u;

		dadd(", instruction info 0x%x", info);
		dcheck("exit-sgdt", ok && info == 0x01c18100u);
	} else {
		skip("exit-sgdt", "descriptor-table exiting");
	}

	if (ctl_can(env.cap.proc, PROC_MTF)) {
		go(l2_nop2);
		vmw_or(F_PROC, PROC_MTF);
		w = (struct want){37, W_QUAL | W_RIP, 0, 0, 1, 0, 0};
		run_expect("exit-mtf", &w);
	} else {
		skip("exit-mtf", "monitor trap flag");
	}
}

void check_exits(void)
{
	cpuid_hlt();
	io_exits();
	msr_exits();
	cr_exits();
	exception_exits();
	other_exits();
	vmclear(env.vmcs);
}

/*
 * VMX instructions in L2 always exit to L1 (SDM Vol. 3C 26.1.2): L0 must
 * reflect them, not run them as if L1 had. Instruction information as
 * 28.2.5 lays it out, only the bits defined for these operands compared.
 * The qualification is the memory operand's displacement; with register
 * operands it is 0 (28.2.1), but Bochs stores a stale displacement there,
 * different from run to run, so it is not compared for those.
 */
void check_l2_vmx_exits(void)
{
	static const struct {
		const char *name;
		const char *stub;
		uint32_t reason, len, mask, info;
		unsigned what;
		uint64_t qual;
	} t[] = {
	    {"l2-vmxon", l2_vmxon, EXIT_VMXON, 4, 0x0fc38780u, 0x01c18100u,
	     W_QUAL, 0},
	    {"l2-vmclear", l2_vmclear, EXIT_VMCLEAR, 4, 0x0fc38780u,
	     0x01c18100u, W_QUAL, 0},
	    {"l2-vmptrld", l2_vmptrld, EXIT_VMPTRLD, 3, 0x0fc38780u,
	     0x01c18100u, W_QUAL, 0},
	    {"l2-vmptrst", l2_vmptrst, EXIT_VMPTRST, 4, 0x0fc38780u,
	     0x01c18100u, W_QUAL, 0x20},
	    {"l2-vmread", l2_vmread, EXIT_VMREAD, 3, 0xf0000478u, 0x10000400u,
	     0, 0},
	    {"l2-vmread-memory", l2_vmread_mem, EXIT_VMREAD, 4, 0xffc38780u,
	     0x11c18100u, W_QUAL, 0x10},
	    {"l2-vmwrite", l2_vmwrite, EXIT_VMWRITE, 3, 0xf0000478u,
	     0x10000400u, 0, 0},
	    {"l2-vmlaunch", l2_vmlaunch, EXIT_VMLAUNCH, 3, 0, 0, W_QUAL, 0},
	    {"l2-vmresume", l2_vmresume, EXIT_VMRESUME, 3, 0, 0, W_QUAL, 0},
	    {"l2-vmxoff", l2_vmxoff, EXIT_VMXOFF, 3, 0, 0, W_QUAL, 0},
	    {"l2-invept", l2_invept, EXIT_INVEPT, 5, 0xffc38780u, 0x01c18100u,
	     W_QUAL, 0},
	    {"l2-invvpid", l2_invvpid, EXIT_INVVPID, 5, 0xffc38780u,
	     0x01c18100u, W_QUAL, 0},
	};

	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct want w = {t[i].reason,
				 t[i].what | W_LEN | W_RIP,
				 t[i].qual,
				 t[i].len,
				 0,
				 0,
				 0};

		go(t[i].stub);
		vm.r.rbx = env.scratch;
		vm.r.rcx = F_GUEST_RIP;
		vm.r.rax = 1;
		vm_run(&vm);
		dstart();
		bool ok = dexit(&vm, &w);

		if (t[i].mask) {
			uint32_t info = vm.x.insn_info & t[i].mask;

			dadd(", instruction info 0x%x", info);
			ok &= info == t[i].info;
		}
		dcheck(t[i].name, ok);
	}
	vmclear(env.vmcs);
}
