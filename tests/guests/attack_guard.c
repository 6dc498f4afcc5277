/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The guard attacks (issue 10; tests/system/t-notify.sh), built once per
 * kind by the attack_{dbloop,acloop,split}.c wrappers (GUARD_KIND). Three
 * CPUs: AP 1 attacks as L1, the BSP attacks from an L2 of this payload's
 * own small hypervisor (tests/guests/nvmx*), AP 2 watches through L0's
 * hypercalls, reports and powers off.
 *
 *   dbloop: a #DB handler whose first instruction is INT1: every delivery
 *           of #DB raises #DB again at the handler's entry, no instruction
 *           of the handler ever completes (CVE-2015-8104 in spirit).
 *   acloop: the same with #AC: L1 enables its own split-lock detection
 *           (virtual MSR_TEST_CTRL.SLD) and the #AC handler starts with a
 *           split lock (CVE-2015-5307 in spirit). Needs split-lock detection.
 *   split:  GUARD_SPLITS split locks each (L1 has its detection off: they
 *           are L0's, for split_lock= to decide).
 *   istloop: the CVE-2015-8104 #DB loop itself: #DB through an IST stack
 *           with a data breakpoint on the IST slot the delivery writes, so
 *           every delivery raises #DB again before the handler's first
 *           instruction, on the same stack (no instruction ever retires:
 *           what the notify model counts).
 *   acloop32: the CVE-2015-5307 #AC loop itself (tests/guests/acloop32.c:
 *           32-bit protected mode, CPL 3, a misaligned stack) in L2, and
 *           in L1 after AP 1 left IA-32e mode; first the reference lines
 *           with #AC intercepted in vmcs12, which also run under no
 *           hypervisor (only they: the loop would not end there).
 *
 * Which levels attack: guard.cfg next to the payload (tests/guests/guestfile.c),
 * one line "levels=l1", "levels=l2" or "levels=l1,l2" (no file: both). A
 * level not named is not started: its CPU stays idle in the firmware, and
 * the report says "not run" for it.
 *
 * With L0's #AC/#DB intercepts (the default) the loops end in L0's
 * exception-loop containment: both attacking vCPUs stop, the watcher's L0
 * answers. With exc_intercepts=off they reach the CPU, where a CPU with
 * notify VM exits ends each round in a notify exit (L0's, also from L2).
 * The payload does not know L0's options: it reports what it sees, and the
 * system test judges it against the options it booted with. Under no
 * hypervisor it only says SKIP (a loop would hang bare Bochs).
 */
#include <efi.h>
#include <efilib.h>

#include "core/gevent.h"
#include "tests/guests/acloop32.h"
#include "tests/guests/guestfile.h"
#include "tests/guests/nvmx.h"

#define GUARD_SPLITS 20
#define POLL_SPINS 100000ull
#define WATCH_SECONDS 3 /* TSC seconds the watcher waits at most */
#define STACK_BYTES (256 * 1024)
#define MSR_TEST_CTRL 0x33
#define MSR_CORE_CAPS 0xcf
#define TEST_CTRL_SLD (1ull << 29)

#define GUARD_DBLOOP 0
#define GUARD_ACLOOP 1
#define GUARD_SPLIT 2
#define GUARD_ISTLOOP 3
#define GUARD_ACLOOP32 4
#define LEVEL_L1 1u
#define LEVEL_L2 2u
/* DR7: breakpoint 0 enabled (L0), on writes (R/W0 = 01), 8 bytes (LEN0 = 11) */
#define DR7_W8_BP0 0xd0001ull

/* The 64-byte lines the split locks cross: 4 bytes at offset 62 (L1's)
 * and at offset 126 (L2's). */
uint8_t guard_line[192] __attribute__((aligned(64))) HIDDEN;

/*
 * guard_db_handler / guard_ac_handler: a handler that raises its own
 * vector at its first instruction. guard_on_stack(fn, top): runs fn on
 * another stack (the loops push a frame per round). The L2 entry points
 * end in VMCALL (only reached where nothing loops).
 */
void guard_db_handler(void) HIDDEN;
void guard_ac_handler(void) HIDDEN;
void guard_on_stack(void (*fn)(void), uint64_t top) HIDDEN;
void guard_l1_db(void) HIDDEN;
void guard_l1_ac(void) HIDDEN;
void guard_l1_split(void) HIDDEN;
L2_STUB(guard_l2_db);
L2_STUB(guard_l2_ac);
L2_STUB(guard_l2_split);
void guard_l1_ist(void) HIDDEN;
L2_STUB(guard_l2_ist);
__asm__(".pushsection .text\n"
	"guard_db_handler:\n\t.byte 0xf1\n\tiretq\n"
	"guard_ac_handler:\n\tlock incl guard_line+62(%rip)\n\tiretq\n"
	"guard_on_stack:\n\tpushq %rbp\n\tmovq %rsp, %rbp\n\tmovq %rsi, %rsp\n"
	"\tcall *%rdi\n\tmovq %rbp, %rsp\n\tpopq %rbp\n\tret\n"
	"guard_l1_db:\n\t.byte 0xf1\n\tret\n"
	"guard_l1_ac:\n\tlock incl guard_line+62(%rip)\n\tret\n"
	"guard_l1_split:\n\tmovl $" "20" ", %ecx\n"
	"1:\tlock incl guard_line+62(%rip)\n\tdecl %ecx\n\tjnz 1b\n\tret\n"
	"guard_l2_db:\n\t.byte 0xf1\n\tvmcall\n"
	/* RAX = the DR7 to load: the guest loads it itself (Bochs flushes its
	 * TLB's breakpoint marks only on MOV DR7) */
	"guard_l1_ist:\n\tmovq %rax, %dr7\n\t.byte 0xf1\n\tret\n"
	"guard_l2_ist:\n\tmovq %rax, %dr7\n\t.byte 0xf1\n\tvmcall\n"
	"guard_l2_ac:\n\tlock incl guard_line+126(%rip)\n\tvmcall\n"
	"guard_l2_split:\n\tmovl $" "20" ", %ecx\n"
	"2:\tlock incl guard_line+126(%rip)\n\tdecl %ecx\n\tjnz 2b\n\tvmcall\n"
	".popsection\n");
_Static_assert(GUARD_SPLITS == 20, "the asm above counts 20");

static struct {
	volatile int l1_done, l2_done, l1_started, l2_started;
	volatile uint32_t l1_count; /* guard_line+62 after L1's split locks */
	volatile uint64_t l1_tsc;   /* TSC (in Bochs: instructions) of them */
	uint64_t idt_base;          /* AP 1's IDT (a copy with our gate) */
	uint16_t idt_limit;
	uint64_t gdt_base;          /* AP 1's GDT: the firmware's + a TSS */
	uint16_t gdt_limit, tr_sel;
	uint64_t l1_ist, l2_ist;    /* the IST stacks' tops (istloop) */
	uint64_t l1_stack, l2_stack;
	unsigned levels; /* LEVEL_L1 | LEVEL_L2: the attacks started */
} sh;

static struct vm vm;

static const char *kind_name(void)
{
	return GUARD_KIND == GUARD_DBLOOP    ? "#DB loop"
	       : GUARD_KIND == GUARD_ACLOOP  ? "#AC loop"
	       : GUARD_KIND == GUARD_ISTLOOP ? "#DB IST loop"
	       : GUARD_KIND == GUARD_ACLOOP32 ? "32-bit #AC loop"
					     : "split locks";
}

static uint64_t gev(unsigned kind, unsigned whose)
{
	uint64_t rbx = kind, rcx = whose, rdx = 0;

	return hypercall(HC_GUEST_EVENTS, &rbx, &rcx, &rdx) == HC_OK ? rbx : ~0ull;
}

static void set_gate_ist(uint64_t *idt, unsigned vector, uint64_t a,
			 uint16_t cs, unsigned ist)
{
	idt[2 * vector] = (a & 0xffff) | (uint64_t)cs << 16 |
			  (uint64_t)ist << 32 | 0x8eull << 40 |
			  ((a >> 16) & 0xffff) << 48;
	idt[2 * vector + 1] = a >> 32;
}

static void set_gate(uint64_t *idt, unsigned vector, uint64_t a, uint16_t cs)
{
	idt[2 * vector] = (a & 0xffff) | (uint64_t)cs << 16 | 0x8eull << 40 |
			  ((a >> 16) & 0xffff) << 48;
	idt[2 * vector + 1] = a >> 32;
}

static uint16_t read_cs(void)
{
	uint16_t cs;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	return cs;
}

/* A page-aligned block below 1 GiB (EPT12 maps only that much for L2). */
static uint64_t low_pages(UINTN bytes)
{
	EFI_PHYSICAL_ADDRESS a = 0x3fffffff;

	if (EFI_ERROR(BS->AllocatePages(AllocateMaxAddress, EfiLoaderData,
					EFI_SIZE_TO_PAGES(bytes), &a)))
		return 0;
	return a;
}

/* AP 1: the attack as L1, on its own IDT copy and stack. */
static VOID EFIAPI l1_attack(VOID *arg)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = {sh.idt_limit, sh.idt_base};

	(void)arg;
	__asm__ volatile("cli; lidt %0" : : "m"(idtr));
	if (GUARD_KIND == GUARD_ISTLOOP) {
		struct {
			uint16_t limit;
			uint64_t base;
		} __attribute__((packed)) gdtr = {sh.gdt_limit, sh.gdt_base};

		__asm__ volatile("lgdt %0; ltr %1" : : "m"(gdtr), "r"(sh.tr_sel));
		__asm__ volatile("movq %0, %%dr0" : : "r"(sh.l1_ist - 8));
	}
	sh.l1_started = 1;
	if (GUARD_KIND == GUARD_ACLOOP32)
		acloop32_l1(); /* leaves IA-32e mode: never returns */
	if (GUARD_KIND == GUARD_ACLOOP)
		wrmsr(MSR_TEST_CTRL, TEST_CTRL_SLD);
	if (GUARD_KIND == GUARD_ISTLOOP)
		__asm__ volatile("call guard_l1_ist" : : "a"(DR7_W8_BP0)
				 : "memory", "cc");
	else {
		uint64_t t0 = rdtsc();

		guard_on_stack(GUARD_KIND == GUARD_DBLOOP   ? guard_l1_db
			       : GUARD_KIND == GUARD_ACLOOP ? guard_l1_ac
							    : guard_l1_split,
			       sh.l1_stack + STACK_BYTES);
		sh.l1_tsc = rdtsc() - t0;
	}
	sh.l1_count = *(volatile uint32_t *)(guard_line + 62);
	sh.l1_done = 1; /* only where nothing looped */
	for (;;)
		__asm__ volatile("hlt");
}

/* The TSC rate from CPUID 0x15 (crystal * ratio), else 3 GHz. */
static uint64_t tsc_hz(void)
{
	struct cpuid_regs r = cpuid(0, 0).eax >= 0x15 ? cpuid(0x15, 0)
						       : (struct cpuid_regs){0, 0, 0, 0};

	return r.eax && r.ebx && r.ecx ? (uint64_t)r.ecx * r.ebx / r.eax
				       : 3000000000ull;
}

/* The event L0 counts for this kind's attack. */
static unsigned watched_event(void)
{
	return GUARD_KIND == GUARD_SPLIT ? GEV_SPLIT_LOCK : GEV_EXC_LOOP;
}

static unsigned n_levels(void)
{
	return !!(sh.levels & LEVEL_L1) + !!(sh.levels & LEVEL_L2);
}

static bool all_done(void)
{
	return (!(sh.levels & LEVEL_L1) || sh.l1_done) &&
	       (!(sh.levels & LEVEL_L2) || sh.l2_done);
}

static const char *outcome(unsigned level, int done)
{
	return !(sh.levels & level) ? "not run"
	       : done		    ? "completed"
				    : "did not complete";
}

/* AP 2: waits until the attacks ended or L0 saw them, then reports. */
static VOID EFIAPI watch(VOID *arg)
{
	uint64_t loops = 0, notify = 0, splits = 0;
	int polls;

	(void)arg;
	while (((sh.levels & LEVEL_L1) && !sh.l1_started) ||
	       ((sh.levels & LEVEL_L2) && !sh.l2_started))
		cpu_relax();
	uint64_t end = rdtsc() + WATCH_SECONDS * tsc_hz();

	for (polls = 0; rdtsc() < end; polls++) {
		loops = gev(GEV_EXC_LOOP, HC_GEV_ALL);
		notify = gev(GEV_NOTIFY_STUCK, HC_GEV_ALL);
		splits = gev(GEV_SPLIT_LOCK, HC_GEV_ALL);
		if (all_done())
			break;
		/* seen stuck by notify exits, or stopped there */
		if (notify >= 4 || gev(GEV_NOTIFY_INVALID, HC_GEV_ALL) >= n_levels())
			break;
		/* both loops stopped by L0; split locks: both stopped at their
		 * first (no increment landed), not held by ratelimit's wait */
		uint64_t seen = gev(watched_event(), HC_GEV_ALL);
		bool none = !*(volatile uint32_t *)(guard_line + 62) &&
			    !*(volatile uint32_t *)(guard_line + 126);

		if (seen >= n_levels() && (GUARD_KIND != GUARD_SPLIT || none))
			break;
		for (uint64_t i = 0; i < POLL_SPINS; i++)
			cpu_relax();
	}
	/* a moment more, so a stop L0 is logging has finished */
	for (uint64_t i = 0; i < 20 * POLL_SPINS; i++)
		cpu_relax();
	loops = gev(GEV_EXC_LOOP, HC_GEV_ALL);
	notify = gev(GEV_NOTIFY_STUCK, HC_GEV_ALL);
	splits = gev(GEV_SPLIT_LOCK, HC_GEV_ALL);
	guest_printf("%s: seen after %d polls: L1 attack %s, L2 attack %s; L0 counted %lu exception loops, %lu split locks, %lu no-progress notify exits\n",
		     GUARD_NAME, polls, outcome(LEVEL_L1, sh.l1_done),
		     outcome(LEVEL_L2, sh.l2_done), loops, splits, notify);
	if (GUARD_KIND == GUARD_SPLIT && sh.l1_done)
		guest_printf("%s: L1's %u split locks took %lu TSC ticks (Bochs: instructions), %lu each\n",
			     GUARD_NAME, GUARD_SPLITS, sh.l1_tsc,
			     sh.l1_tsc / GUARD_SPLITS);
	if (GUARD_KIND == GUARD_SPLIT && sh.l1_done)
		check("split-lock-l1-completed", sh.l1_count == GUARD_SPLITS,
		      "L1's %u locked increments across the line left %u",
		      GUARD_SPLITS, sh.l1_count);
	if (GUARD_KIND == GUARD_SPLIT && sh.l2_done)
		check("split-lock-l2-completed",
		      vm.x.reason == EXIT_VMCALL &&
			  *(volatile uint32_t *)(guard_line + 126) == GUARD_SPLITS,
		      "L2 reached its VMCALL after its %u locked increments, which left %u (%s)",
		      GUARD_SPLITS, *(volatile uint32_t *)(guard_line + 126),
		      vm_exit_str(&vm));
	uint64_t rbx = 0, rcx = 0, rdx = 0;

	check("l0-alive-watcher", hypercall(HC_VCPU_EXITS, &rbx, &rcx, &rdx) == HC_OK && rbx,
	      "the watching CPU's L0 answers after the %s", kind_name());
	rbx = rcx = rdx = 0;
	hypercall(HC_PRINT_COUNTERS, &rbx, &rcx, &rdx);
	guest_finish();
}

/* "l1", "l2" or "l1,l2" at s, up to the end of the line: the levels. */
static unsigned parse_levels(const char *s)
{
	unsigned lv = 0;

	for (;;) {
		if (s[0] != 'l' || (s[1] != '1' && s[1] != '2'))
			return 0;
		lv |= s[1] == '1' ? LEVEL_L1 : LEVEL_L2;
		s += 2;
		if (*s != ',')
			break;
		s++;
	}
	return *s == 0 || *s == '\n' || *s == '\r' ? lv : 0;
}

/* guard.cfg's "levels=" line; no file: both levels; 0: a bad file. */
static unsigned read_levels(EFI_HANDLE image)
{
	char buf[128];
	long n = guest_read_file(image, "guard.cfg", buf, sizeof(buf));

	if (n == 0)
		return LEVEL_L1 | LEVEL_L2;
	for (long i = 0; n > 0 && i + 7 <= n; i++)
		if ((i == 0 || buf[i - 1] == '\n') &&
		    !__builtin_memcmp(buf + i, "levels=", 7))
			return parse_levels(buf + i + 7);
	return 0;
}

/* The CPUs to use: AP 1 attacks, AP 2 watches. */
static bool two_aps(mp_services *s, UINTN *ap1, UINTN *ap2)
{
	UINTN total = 0, enabled = 0, n = 0;

	if (!s || EFI_ERROR(s->GetNumberOfProcessors(s, &total, &enabled)))
		return false;
	for (UINTN cpu = 0; cpu < total && n < 2; cpu++) {
		processor_info info;

		if (EFI_ERROR(s->GetProcessorInfo(s, cpu, &info)) ||
		    (info.StatusFlag & PROCESSOR_AS_BSP_BIT) ||
		    !(info.StatusFlag & PROCESSOR_ENABLED_BIT))
			continue;
		*(n++ ? ap2 : ap1) = cpu;
	}
	return n == 2;
}

/* AP 1's IDT: the firmware's with our handler for the kind's vector. */
static bool l1_idt(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr;

	__asm__ volatile("sidt %0" : "=m"(idtr));
	sh.idt_base = low_pages(4096);
	if (!sh.idt_base || idtr.limit < 32 * 16 - 1)
		return false;
	CopyMem((void *)sh.idt_base, (void *)idtr.base, 4096 < idtr.limit + 1u ? 4096 : idtr.limit + 1u);
	sh.idt_limit = idtr.limit < 4095 ? idtr.limit : 4095;
	set_gate((uint64_t *)sh.idt_base, 1, (uint64_t)guard_db_handler, read_cs());
	set_gate((uint64_t *)sh.idt_base, 17, (uint64_t)guard_ac_handler, read_cs());
	if (GUARD_KIND == GUARD_ISTLOOP)
		set_gate_ist((uint64_t *)sh.idt_base, 1, (uint64_t)guard_db_handler,
			     read_cs(), 1);
	return true;
}

/* A 64-bit TSS descriptor (SDM Vol. 3A 8.2.3), available. */
static void tss_desc(uint64_t *d, uint64_t tss)
{
	d[0] = 0x67 | (tss & 0xffffff) << 16 | 0x89ull << 40 |
	       ((tss >> 24) & 0xff) << 56;
	d[1] = tss >> 32;
}

/* AP 1's GDT: the firmware's with a TSS whose IST1 is l1_ist. */
static bool l1_gdt(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) gdtr;
	uint64_t tss = low_pages(4096);

	__asm__ volatile("sgdt %0" : "=m"(gdtr));
	sh.gdt_base = low_pages(4096);
	if (!tss || !sh.gdt_base || gdtr.limit > 4096 - 32)
		return false;
	ZeroMem((void *)tss, 4096);
	CopyMem((void *)sh.gdt_base, (void *)gdtr.base, gdtr.limit + 1u);
	sh.tr_sel = (uint16_t)((gdtr.limit + 1u + 7) & ~7u);
	tss_desc((uint64_t *)(sh.gdt_base + sh.tr_sel), tss);
	sh.gdt_limit = (uint16_t)(sh.tr_sel + 15);
	*(uint64_t *)(tss + 0x24) = sh.l1_ist; /* IST1 */
	*(uint16_t *)(tss + 0x66) = 0x68;      /* no I/O bitmap */
	return true;
}

/* Split-lock detection offered to L1 (IA32_CORE_CAPABILITIES bit 5). */
static bool have_sld(void)
{
	uint64_t caps = 0;

	return (cpuid(7, 0).edx & (1u << 30)) &&
	       try_rdmsr(MSR_CORE_CAPS, &caps) == NO_FAULT && (caps & (1u << 5));
}

/* The BSP: L2's attack, after its L1 side is set up. */
static void l2_attack(void)
{
	const void *code = GUARD_KIND == GUARD_DBLOOP    ? guard_l2_db
			   : GUARD_KIND == GUARD_ACLOOP  ? guard_l2_ac
			   : GUARD_KIND == GUARD_ISTLOOP ? guard_l2_ist
							 : guard_l2_split;

	*(volatile uint32_t *)env.vmxon = env.cap.revision;
	*(volatile uint32_t *)env.vmcs = env.cap.revision;
	if (vmxon(env.vmxon) != VM_OK) {
		check("vmxon", false, "VMX operation did not start");
		sh.l2_started = 1;
		return;
	}
	if (GUARD_KIND == GUARD_ACLOOP32) {
		acloop32_reference(&vm);
		acloop32_vm(&vm, 0); /* vmcs12 leaves #AC to L2: the loop */
		sh.l2_started = 1;
		vm_run(&vm);
		sh.l2_done = vm.x.entry == VM_OK;
		return;
	}
	vm_init(&vm, L2_LONG, code);
	set_gate((uint64_t *)env.l2_idt, 1, (uint64_t)guard_db_handler, env.cs);
	set_gate((uint64_t *)env.l2_idt, 17, (uint64_t)guard_ac_handler, env.cs);
	vmw(F_GUEST_RSP, sh.l2_stack + STACK_BYTES);
	if (GUARD_KIND == GUARD_DBLOOP) {
		/* first with L1 intercepting #DB: the exit is L1's, not L0's */
		vmw(F_EXC_BITMAP, 1u << 1);
		vm_run(&vm);
		check("db-exit-to-l1", vm.x.reason == EXIT_EXC_NMI &&
					   (vm.x.intr & 0xff) == 1,
		      "L1 intercepting #DB gets L2's INT1 as exit 0 vector 1 (%s, vector %u)",
		      vm_exit_str(&vm), vm.x.intr & 0xff);
		vmw(F_EXC_BITMAP, 0);
		vmw(F_GUEST_RIP, (uint64_t)code);
	}
	if (GUARD_KIND == GUARD_ISTLOOP) {
		/* L2's TSS is env.tss: IST1 there, the breakpoint on its slot */
		*(volatile uint64_t *)(env.tss + 0x24) = sh.l2_ist;
		set_gate_ist((uint64_t *)env.l2_idt, 1, (uint64_t)guard_db_handler,
			     env.cs, 1);
		__asm__ volatile("movq %0, %%dr0" : : "r"(sh.l2_ist - 8));
		vm.r.rax = DR7_W8_BP0;
	}
	/* L1's own detection (per vCPU): L2's split locks become L1's #AC */
	if (GUARD_KIND == GUARD_ACLOOP)
		wrmsr(MSR_TEST_CTRL, TEST_CTRL_SLD);
	sh.l2_started = 1;
	vm_run(&vm); /* the loops never come back */
	sh.l2_done = vm.x.entry == VM_OK;
}

/* No hypervisor: the reference lines only (the loop itself would recurse
 * in Bochs' exception() without end: see acloop32.c). */
static void acloop32_bare(void)
{
	if (!env_init() || !acloop32_init()) {
		check("setup", false, "no memory for nvmx or the 32-bit L2");
		guest_finish();
	}
	*(volatile uint32_t *)env.vmxon = env.cap.revision;
	*(volatile uint32_t *)env.vmcs = env.cap.revision;
	if (vmxon(env.vmxon) != VM_OK) {
		check("vmxon", false, "VMX operation did not start");
		guest_finish();
	}
	acloop32_reference(&vm);
	vmxoff();
	guest_printf("%s: SKIP guard no hypervisor: the loop itself would not end in bare Bochs\n",
		     GUARD_NAME);
	guest_finish();
}

#ifndef GUARD_NAME
#error "a wrapper defines GUARD_KIND and GUARD_NAME"
#endif

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	mp_services *s;
	EFI_EVENT e1, e2;
	UINTN ap1 = 0, ap2 = 0;
	char sig[13];

	InitializeLib(image, systab);
	BS->SetWatchdogTimer(0, 0, 0, NULL);
	guest_init(GUARD_NAME);
	sh.levels = read_levels(image);
	guest_printf("%s: start (%s; levels%s%s)\n", GUARD_NAME, kind_name(),
		     sh.levels & LEVEL_L1 ? " l1" : "", sh.levels & LEVEL_L2 ? " l2" : "");
	if (!sh.levels) {
		check("guard-cfg", false, "guard.cfg: no valid levels= line (l1, l2 or l1,l2)");
		guest_finish();
	}
	if (GUARD_KIND == GUARD_ACLOOP32 && !hv_signature(sig, NULL))
		acloop32_bare(); /* does not return */
	if (!hv_signature(sig, NULL)) {
		guest_printf("%s: SKIP guard no hypervisor: the %s would hang bare Bochs\n",
			     GUARD_NAME, kind_name());
		guest_finish();
	}
	if (GUARD_KIND == GUARD_ACLOOP && !have_sld()) {
		guest_printf("%s: SKIP guard no split-lock detection offered to L1 (IA32_CORE_CAPABILITIES bit 5)\n",
			     GUARD_NAME);
		guest_finish();
	}
	s = mp_locate();
	if (!two_aps(s, &ap1, &ap2)) {
		check("three-cpus", false, "needs the BSP and two APs");
		guest_finish();
	}
	sh.l1_stack = low_pages(STACK_BYTES);
	sh.l2_stack = low_pages(STACK_BYTES);
	sh.l1_ist = sh.l1_stack + STACK_BYTES / 2;
	sh.l2_ist = sh.l2_stack + STACK_BYTES / 2;
	if (!sh.l1_stack || !sh.l2_stack || !l1_idt() ||
	    (GUARD_KIND == GUARD_ISTLOOP && !l1_gdt()) || !env_init() ||
	    (GUARD_KIND == GUARD_ACLOOP32 && !acloop32_init())) {
		check("setup", false, "no memory for the stacks, the IDT or nvmx");
		guest_finish();
	}
	if (EFI_ERROR(BS->CreateEvent(0, 0, NULL, NULL, &e1)) ||
	    EFI_ERROR(BS->CreateEvent(0, 0, NULL, NULL, &e2)) ||
	    EFI_ERROR(s->StartupThisAP(s, watch, ap2, e2, 0, NULL, NULL)) ||
	    ((sh.levels & LEVEL_L1) &&
	     EFI_ERROR(s->StartupThisAP(s, l1_attack, ap1, e1, 0, NULL, NULL)))) {
		check("aps-started", false, "StartupThisAP failed");
		guest_finish();
	}
	if (sh.levels & LEVEL_L2)
		l2_attack();
	for (;;)
		__asm__ volatile("hlt");
}
