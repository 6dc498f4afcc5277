/* SPDX-License-Identifier: Apache-2.0 */
/*
 * nvmxfuzz: the differential VM-entry fuzzer (see nvmxfuzz.h for what a case
 * is). An EFI application; its parameters come from the text file fuzz.cfg
 * in its own directory on the boot medium (tests/system/fuzz.sh writes it):
 *
 *   seed=N cases=N [first=N]      cases first .. first+cases-1 of seed N
 *   counters=1                     at the end, ask L0 to print its exit
 *                                  counters (debugging; nothing on bare)
 *   warmup=0                       no warm-up entry (see below)
 *   resume=1                       each case mutates a vmcs12 that has
 *                                  entered twice (VMLAUNCH, VMRESUME) and
 *                                  ends in VMRESUME (see below)
 *   replay seed=S case=I MUTATION...   (any number of lines) run exactly
 *                                  these cases instead, as printed before
 *
 * Numbers are decimal or 0x-hex; '#' starts a comment. Without fuzz.cfg it
 * runs seed=1 cases=100. Before the cases, one entry without mutations
 * ("nvmxfuzz: warm-up => OUTCOME"), so that the first case is never the
 * first entry of L2 that L0 makes (that one is special: the first VMLAUNCH
 * of its vmcs02). One line per case:
 *
 *   nvmxfuzz: case I seed S MUTATIONS => OUTCOME
 *
 * OUTCOME is "entered exit R" (L2 ran: the VMX-preemption timer at 0 ends it
 * at once, SDM Vol. 3C 26.5.1.3), "VMfailInvalid", "VMfailValid(N)" (SDM
 * 31.2), "entry-failure exit R qual Q" (33 or 34, SDM 27.8), or
 * "vmwrite-failed NAME VMfailValid(N)" when a mutation's VMWRITE itself
 * failed (no VMLAUNCH then). Nothing in a line depends on the environment,
 * but one note: " | unoffered WHAT" after the outcome when the case's
 * controls use settings this CPU does not offer (read from its capability
 * MSRs, as the VMCS holds them at VMLAUNCH: a control bit it does not allow
 * or a required one cleared, "ctl:0xBITS"; an activity state or a CR3-target
 * count beyond IA32_VMX_MISC; an injected event only IA32_VMX_BASIC[56]
 * allows, "basic56"; EPTP's A/D or shadow-stack bit, "eptp-ad",
 * "eptp-sss"). The two sides may offer different VMXs (bare
 * Bochs, and what L0 offers L1): tests/system/fuzz.sh compares a case only
 * where both notes are the same, and otherwise checks that the side that
 * does not offer the setting refused it.
 * Last line: "nvmxfuzz: summary N cases, E entered, V VMfail, A exit33,
 * B exit34" (VMWRITE failures count as VMfail).
 *
 * resume=1 is the fast path's mode (L0 checks on VMRESUME only what changed
 * since the last entry of the same vmcs12, docs/nested.md "Round trip"):
 * the baseline is entered with VMLAUNCH and again with VMRESUME (both exit
 * at once, VMX-preemption timer 0), then the case's mutations apply and
 * VMRESUME gives the outcome. A warm-up entry that does not enter shows
 * as "warm-launch OUTCOME" or "warm-resume OUTCOME" instead.
 */
#include <efi.h>
#include <efilib.h>

#include "tests/guests/guestfile.h"
#include "tests/guests/nvmxfuzz.h"

#include "lib/fmt.h"
#include "lib/string.h"

#define CFG_MAX	     (4u << 20)
#define DEFAULT_SEED 1
#define DEFAULT_N    100

static struct {
	uint64_t seed, cases, first, counters, warmup, resume;
	char *text; /* the file, NUL-terminated; replay lines point into it */
	unsigned replays;
} cfg = {DEFAULT_SEED, DEFAULT_N, 0, 0, 1, 0, NULL, 0};

static struct {
	uint64_t cases, entered, vmfail, exit33, exit34, other;
} count;

/* L1's own state that a case may change (restored after it). */
struct fz_dtr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static struct {
	uint64_t cr0, cr4, kgs, fs_base, gs_base, pat;
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
	struct fz_dtr gdtr, idtr;
} l1;

static struct vm vm;

/* ---- output ---- */

/* One line of any length, in pieces guest_printf can take. */
static void put_long_line(const char *s)
{
	char piece[201];
	size_t n = 0;

	for (;;) {
		size_t k = 0;

		while (k < sizeof(piece) - 1 && s[n + k])
			k++;
		memcpy(piece, s + n, k);
		piece[k] = 0;
		n += k;
		if (!s[n]) {
			guest_printf("%s\n", piece);
			return;
		}
		guest_printf("%s", piece);
	}
}

static void put_suffix(char *buf, size_t n, const char *suffix)
{
	size_t used = 0;

	while (used < n && buf[used])
		used++;
	while (*suffix && used + 1 < n)
		buf[used++] = *suffix++;
	if (used < n)
		buf[used] = 0;
}

/* Power off without guest_finish's "passed/failed" summary line. */
__attribute__((noreturn)) static void power_off(void)
{
	static const char bochs_off[] = "Shutdown";

	for (unsigned spins = 0; spins < 1000000; spins++)
		if ((inb(GUEST_SERIAL_PORT + 5) & 0x40))
			break;
	RT->ResetSystem(EfiResetShutdown, EFI_SUCCESS, 0, NULL);
	for (const char *c = bochs_off; *c; c++)
		outb(0x8900, (uint8_t)*c);
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* ---- fuzz.cfg ---- */

static bool number(const char *s, uint64_t *v)
{
	uint64_t x = 0;
	unsigned base = 10, digits = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (;; s++, digits++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			break;
		x = x * base + d;
	}
	if (!digits ||
	    (*s && *s != ' ' && *s != '\t' && *s != '\r' && *s != '\n'))
		return false;
	*v = x;
	return true;
}

static bool prefix(const char *s, const char *p)
{
	while (*p)
		if (*s++ != *p++)
			return false;
	return true;
}

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	return s;
}

static const char *next_word(const char *s)
{
	while (*s && *s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
		s++;
	return skip_blanks(s);
}

static const char *next_line(const char *s)
{
	while (*s && *s != '\n')
		s++;
	return *s ? s + 1 : s;
}

/* "replay seed=S case=I MUTATIONS": the case and where its words start. */
static bool replay_head(const char *s, uint64_t *seed, uint64_t *index,
			const char **muts)
{
	s = next_word(s); /* "replay" */
	if (!prefix(s, "seed=") || !number(s + 5, seed))
		return false;
	s = next_word(s);
	if (!prefix(s, "case=") || !number(s + 5, index))
		return false;
	*muts = next_word(s);
	return true;
}

static bool parse_cfg(char *text)
{
	unsigned line = 1;

	for (const char *s = text; *s; s = next_line(s), line++) {
		s = skip_blanks(s);
		if (prefix(s, "replay ")) {
			uint64_t a, b;
			const char *m;

			if (!replay_head(s, &a, &b, &m)) {
				guest_printf(
				    "nvmxfuzz: fuzz.cfg:%u: bad replay line\n",
				    line);
				return false;
			}
			cfg.replays++;
			continue;
		}
		for (; *s && *s != '\n' && *s != '#'; s = next_word(s)) {
			uint64_t *dst = prefix(s, "seed=")	 ? &cfg.seed
					: prefix(s, "cases=")	 ? &cfg.cases
					: prefix(s, "first=")	 ? &cfg.first
					: prefix(s, "counters=") ? &cfg.counters
					: prefix(s, "warmup=")	 ? &cfg.warmup
					: prefix(s, "resume=")	 ? &cfg.resume
								 : NULL;
			const char *eq = s;

			while (*eq && *eq != '=')
				eq++;
			if (!dst || !number(eq + 1, dst)) {
				guest_printf(
				    "nvmxfuzz: fuzz.cfg:%u: bad setting\n",
				    line);
				return false;
			}
		}
	}
	cfg.text = text;
	return true;
}

/* fuzz.cfg from the directory the image was loaded from, if there. */
static bool read_cfg(EFI_HANDLE image)
{
	EFI_STATUS st;
	EFI_FILE_HANDLE f = guest_open_file(image, "fuzz.cfg", &st);

	if (!f) {
		guest_printf("nvmxfuzz: no fuzz.cfg (status 0x%lx): defaults\n",
			     (uint64_t)st);
		return true;
	}
	EFI_FILE_INFO *info = LibFileInfo(f);
	UINT64 size = info ? info->FileSize : CFG_MAX + 1ull;

	if (info)
		FreePool(info);
	char *buf = size <= CFG_MAX ? AllocatePool(size + 1) : NULL;
	UINTN got = size;

	if (!buf || EFI_ERROR(f->Read(f, &got, buf))) {
		f->Close(f);
		guest_printf("nvmxfuzz: cannot read fuzz.cfg (%lu bytes)\n",
			     size);
		return false;
	}
	f->Close(f);
	buf[got] = 0;
	return parse_cfg(buf);
}

/* ---- one case ---- */

#define MSRL_ENTRY 0x000 /* offsets in env.msr_area */
#define MSRL_STORE 0x800
#define MSRL_LOAD  0xc00

#define CR0_PG	 (1ull << 31)
#define CR4_PAE	 (1ull << 5)
#define F_PDPTE0 0x280au

/*
 * The same valid vmcs12 for every case (vm_init and what it leaves out),
 * for a 64-bit L2 or, by the case's MODE, a 32-bit (1), real-mode (2) or
 * PAE-paging (3) one with unrestricted guest. Its first instruction is never
 * reached: the VMX-preemption timer at 0 ends the L2 at once.
 */
static void baseline(unsigned mode)
{
	uint64_t *l = (uint64_t *)env.msr_area;

	for (unsigned i = 0; i < 4; i++) {
		l[2 * i] = MSR_KERNEL_GS_BASE;
		l[2 * i + 1] = 0x1234000 + 0x1000 * i;
		l[(MSRL_STORE / 8) + 2 * i] = MSR_KERNEL_GS_BASE;
		l[(MSRL_STORE / 8) + 2 * i + 1] = 0;
		l[(MSRL_LOAD / 8) + 2 * i] = MSR_KERNEL_GS_BASE;
		l[(MSRL_LOAD / 8) + 2 * i + 1] = l1.kgs;
	}
	*(volatile uint32_t *)env.vmcs2 = env.cap.revision;
	/* PG_ZERO: an L2 stack pointer moved by a case can reach it when an
	 * injected event is delivered (the stack's top ^ 0x800) */
	memset((void *)env.scratch, 0, PAGE);
	if (mode == 2)
		vm_init(&vm, L2_REAL, NULL);
	else if (mode == 1 || mode == 3)
		vm_init(&vm, L2_PROT32, l2_pm32);
	else
		vm_init(&vm, L2_LONG, l2_vmcall);
	if (mode == 3) { /* PAE paging, PDPTEs from the fields (EPT) */
		vmw(F_GUEST_CR0, vmr(F_GUEST_CR0) | CR0_PG);
		vmw(F_GUEST_CR4, vmr(F_GUEST_CR4) | CR4_PAE);
		vmw(F_GUEST_CR3, env.scratch);
	}
	for (unsigned i = 0; i < 4; i++)
		vmw(F_PDPTE0 + 2 * i, 0);
	vmw_or(F_PIN, PIN_PREEMPT);
	vmw(F_GUEST_PREEMPT, 0);
	vmw(F_ENTRY_MSR_LOAD, env.msr_area + MSRL_ENTRY);
	vmw(F_EXIT_MSR_STORE, env.msr_area + MSRL_STORE);
	vmw(F_EXIT_MSR_LOAD, env.msr_area + MSRL_LOAD);
	vmw(F_GUEST_PAT, l1.pat);
	vmw(F_HOST_PAT, l1.pat);
}

static uint64_t apply_op(uint64_t old, const struct mut *m)
{
	switch (m->op) {
	case OP_XOR:
		return old ^ m->v;
	case OP_OR:
		return old | m->v;
	case OP_CLEAR:
		return old & ~m->v;
	default:
		return fz_value(m);
	}
}

/* 0, or the VMWRITE's failure (outcome text in out). */
static int apply(const struct mut *m, char *out, size_t n)
{
	uint32_t enc;
	unsigned arg;
	int r = VM_OK;

	if (fz_target_field(m->target, &enc)) {
		uint64_t old = 0;

		if (m->op != OP_SET)
			r = vmread(enc, &old);
		if (r == VM_OK)
			r = vmwrite(enc, apply_op(old, m));
	} else {
		switch (fz_target_pseudo(m->target, &arg)) {
		case PSEUDO_MSRE: {
			uint64_t *e =
			    (uint64_t *)(env.msr_area + MSRL_ENTRY) + 2 * arg;

			e[0] = m->v;
			e[1] = m->v2;
			break;
		}
		case PSEUDO_LINKREV: {
			volatile uint32_t *rev = (volatile uint32_t *)env.vmcs2;

			*rev = (uint32_t)apply_op(*rev, m);
			break;
		}
		case PSEUDO_BADFIELD:
			r = vmwrite(fz_value(m), 0);
			break;
		default:
			break;
		}
	}
	if (r != VM_OK)
		fmt_snprintf(out, n, "vmwrite-failed %s %s",
			     fz_target_name(m->target), vmx_str(r));
	return r;
}

/* " name:0xBITS" for the bits of control field enc that cap does not allow. */
static void unoffered_ctl(char *buf, size_t n, const char *name, uint32_t enc,
			  uint64_t cap)
{
	uint64_t v = 0;
	uint32_t bad;
	char word[40];

	if (vmread(enc, &v) != VM_OK)
		return;
	bad = ((uint32_t)v & ~(uint32_t)(cap >> 32)) | (~(uint32_t)v & (uint32_t)cap);
	if (!bad)
		return;
	fmt_snprintf(word, sizeof(word), " %s:0x%x", name, bad);
	put_suffix(buf, n, word);
}

/*
 * SDM Vol. 3C 27.2.1.3: an injected event's deliver-error-code bit. Without
 * IA32_VMX_BASIC[56] it must be 1 exactly for hardware exceptions 8, 10-14
 * and 17 in protected mode (CR0.PE 1, or no unrestricted guest); with it,
 * only "0 for other types and outside protected mode" remains. True if the
 * event breaks the first rule and keeps the second: then only a CPU with
 * BASIC[56] accepts it.
 */
static bool needs_basic56(uint64_t info, bool pm)
{
	unsigned type = (info >> 8) & 7, vec = info & 0xff;
	bool code = info & INTR_ERRCODE, hw = type == 3;
	bool with_code = vec == 8 || (vec >= 10 && vec <= 14) || vec == 17;

	if (!(info & INTR_VALID))
		return false;
	return code != (hw && pm && with_code) && !(code && (!hw || !pm));
}

/* Settings outside the control fields that this CPU may not offer. */
static void unoffered_more(char *buf, size_t n, uint64_t proc)
{
	const struct vmx_caps *c = &env.cap;
	uint64_t proc2 = 0, info = 0, cr0 = 0, eptp = 0;
	bool ug, ept;

	if (proc & PROC_SECONDARY)
		vmread(F_PROC2, &proc2);
	ug = proc2 & PROC2_UNRESTRICTED;
	ept = proc2 & PROC2_EPT;
	vmread(F_ENTRY_INTR, &info);
	vmread(F_GUEST_CR0, &cr0);
	if (needs_basic56(info, !ug || (cr0 & 1)) && !(c->basic & (1ull << 56)))
		put_suffix(buf, n, " basic56");
	/* EPTP bit 6 (A/D): IA32_VMX_EPT_VPID_CAP[21]; bit 7 (supervisor
	 * shadow stacks): CET's shadow stacks, CPUID.(7,0):ECX[7] */
	vmread(F_EPTP, &eptp);
	if (ept && (eptp & (1u << 6)) && !(c->ept_vpid & (1ull << 21)))
		put_suffix(buf, n, " eptp-ad");
	if (ept && (eptp & (1u << 7)) && !(cpuid(7, 0).ecx & (1u << 7)))
		put_suffix(buf, n, " eptp-sss");
}

/* What the VMCS now asks for that this CPU does not offer (see the top). */
static void unoffered(char *buf, size_t n)
{
	const struct vmx_caps *c = &env.cap;
	uint64_t proc = 0, act = 0, cr3n = 0;
	char word[40];

	buf[0] = 0;
	unoffered_ctl(buf, n, "pin", F_PIN, c->pin);
	unoffered_ctl(buf, n, "proc", F_PROC, c->proc);
	vmread(F_PROC, &proc);
	if ((proc & PROC_SECONDARY) && ctl_can(c->proc, PROC_SECONDARY))
		unoffered_ctl(buf, n, "proc2", F_PROC2, c->proc2);
	unoffered_ctl(buf, n, "exit", F_EXIT_CTLS, c->exit);
	unoffered_ctl(buf, n, "entry", F_ENTRY_CTLS, c->entry);
	/* IA32_VMX_MISC bits 6-8: HLT, shutdown, wait-for-SIPI (Vol. 3D A.6) */
	vmread(F_GUEST_ACTIVITY, &act);
	if (act >= 1 && act <= 3 && !(c->misc & (1ull << (5 + act)))) {
		fmt_snprintf(word, sizeof(word), " activity:%lu", act);
		put_suffix(buf, n, word);
	}
	vmread(F_CR3_TARGET_CNT, &cr3n);
	if (cr3n <= 0x1ff && cr3n > ((c->misc >> 16) & 0x1ff)) {
		fmt_snprintf(word, sizeof(word), " cr3-targets:%lu", cr3n);
		put_suffix(buf, n, word);
	}
	unoffered_more(buf, n, proc);
}

static void restore_l1(unsigned dirty)
{
	/* first: reloading the segment registers reads the GDT */
	if (dirty & DIRTY_DT)
		__asm__ volatile("lgdt %0\n\tlidt %1"
				 :
				 : "m"(l1.gdtr), "m"(l1.idtr)
				 : "memory");
	if (dirty & DIRTY_SEGS) {
		__asm__ volatile(
		    "mov %0, %%ds\n\tmov %0, %%es\n\tmov %0, %%fs\n\t"
		    "mov %0, %%gs\n\tmov %1, %%ss"
		    :
		    : "r"((uint64_t)env.ds), "r"((uint64_t)env.ss)
		    : "memory");
		dirty |= DIRTY_FSGS;
	}
	if (dirty & DIRTY_FSGS) {
		wrmsr(MSR_FS_BASE, l1.fs_base);
		wrmsr(MSR_GS_BASE, l1.gs_base);
	}
	if (dirty & DIRTY_SYSENTER) {
		wrmsr(MSR_SYSENTER_CS, l1.sysenter_cs);
		wrmsr(MSR_SYSENTER_ESP, l1.sysenter_esp);
		wrmsr(MSR_SYSENTER_EIP, l1.sysenter_eip);
	}
	if (dirty & DIRTY_PAT)
		wrmsr(MSR_PAT, l1.pat);
	if (dirty & DIRTY_KGS)
		wrmsr(MSR_KERNEL_GS_BASE, l1.kgs);
	if (dirty & DIRTY_CRS) {
		write_cr0(l1.cr0);
		write_cr4(l1.cr4);
	}
}

/* resume=1: the baseline enters with VMLAUNCH, then VMRESUME; false
 * (with the outcome in out) if either did not enter. */
static bool enter_twice(char *out, size_t n)
{
	for (int launch = 1; launch >= 0; launch--) {
		uint64_t rf = nvmx_enter(&vm.r, launch), reason = 0;

		if (!rf) {
			vmread(F_EXIT_REASON, &reason);
			if (!(reason & EXIT_ENTRY_FAIL))
				continue;
		}
		if (rf)
			fmt_snprintf(out, n, "warm-%s %s",
				     launch ? "launch" : "resume",
				     vmx_str(vmx_outcome(rf)));
		else
			fmt_snprintf(out, n, "warm-%s entry-failure exit %lu",
				     launch ? "launch" : "resume",
				     reason & 0xffff);
		return false;
	}
	return true;
}

/* One case: its line is printed, or (warm-up) its outcome put in out. */
static void run_case(const struct fz_case *c, char *out, size_t outn)
{
	char line[512], outcome[80], note[96];
	unsigned dirty = 0;
	int failed = VM_OK;
	size_t used;

	unsigned mode = 0, arg;

	for (unsigned i = 0; i < c->n; i++)
		if (fz_target_pseudo(c->m[i].target, &arg) == PSEUDO_MODE)
			mode = (unsigned)fz_value(&c->m[i]);
	baseline(mode);
	outcome[0] = 0;
	if (cfg.resume && !enter_twice(outcome, sizeof(outcome)))
		failed = VM_INVALID; /* the warm entries' outcome is the case's */
	for (unsigned i = 0; i < c->n && failed == VM_OK; i++) {
		dirty |= fz_target_dirty(c->m[i].target);
		failed = apply(&c->m[i], outcome, sizeof(outcome));
	}
	count.cases++;
	note[0] = 0;
	if (failed == VM_OK)
		unoffered(note, sizeof(note));
	if (failed != VM_OK) {
		count.vmfail++;
	} else {
		uint64_t rf = nvmx_enter(&vm.r, !cfg.resume);

		if (rf) {
			fmt_snprintf(outcome, sizeof(outcome), "%s",
				     vmx_str(vmx_outcome(rf)));
			count.vmfail++;
		} else {
			uint64_t reason = 0, qual = 0;

			vmread(F_EXIT_REASON, &reason);
			vmread(F_EXIT_QUAL, &qual);
			if (reason & EXIT_ENTRY_FAIL) {
				fmt_snprintf(
				    outcome, sizeof(outcome),
				    "entry-failure exit %lu qual 0x%lx",
				    reason & 0xffff, qual);
				if ((reason & 0xffff) == EXIT_BAD_GUEST)
					count.exit33++;
				else if ((reason & 0xffff) == EXIT_BAD_MSR_LOAD)
					count.exit34++;
				else
					count.other++;
			} else {
				fmt_snprintf(outcome, sizeof(outcome),
					     "entered exit %lu",
					     reason & 0xffff);
				count.entered++;
			}
			if (reason & 0x7fff0000) { /* other bits: shown */
				char bits[24];

				fmt_snprintf(bits, sizeof(bits), " bits 0x%lx",
					     reason & 0x7fff0000);
				put_suffix(outcome, sizeof(outcome), bits);
			}
		}
	}
	restore_l1(dirty);
	if (out) {
		fmt_snprintf(out, outn, "%s", outcome);
		return;
	}
	used = (size_t)fmt_snprintf(line, sizeof(line),
				    "nvmxfuzz: case %lu seed %lu ", c->index,
				    c->seed);
	if (used < sizeof(line))
		used += fz_format(c, line + used, sizeof(line) - used);
	if (used < sizeof(line))
		fmt_snprintf(line + used, sizeof(line) - used, " => %s%s%s",
			     outcome, note[0] ? " | unoffered" : "", note);
	put_long_line(line);
}

static void run_replays(void)
{
	unsigned line = 1;

	for (const char *s = cfg.text; *s; s = next_line(s), line++) {
		struct fz_case c;
		const char *m;
		char err[80];

		s = skip_blanks(s);
		if (!prefix(s, "replay "))
			continue;
		replay_head(s, &c.seed, &c.index, &m);
		if (!fz_parse(m, &c, err, sizeof(err))) {
			guest_printf("nvmxfuzz: fuzz.cfg:%u: %s\n", line, err);
			continue;
		}
		run_case(&c, NULL, 0);
	}
}

/* Interrupts that arrived while the firmware had them on: taken now, so
 * that none is pending when a case enables external-interrupt exiting. */
static void drain_interrupts(void)
{
	irq_quiet();
	__asm__ volatile("sti" ::: "memory");
	for (unsigned i = 0; i < 10000; i++)
		cpu_relax();
	__asm__ volatile("cli" ::: "memory");
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	char caps[64];
	const struct vmx_caps *vc;

	InitializeLib(image, systab);
	BS->SetWatchdogTimer(0, 0, 0, NULL);
	guest_init("nvmxfuzz");
	if (!read_cfg(image))
		power_off();
	if (!env_init()) {
		guest_printf("nvmxfuzz: no VMX environment\n");
		power_off();
	}
	*(uint32_t *)env.vmxon = env.cap.revision;
	*(uint32_t *)env.vmcs = env.cap.revision;
	if (vmxon(env.vmxon) != VM_OK) {
		guest_printf("nvmxfuzz: VMXON failed\n");
		power_off();
	}
	drain_interrupts();
	l1.cr0 = read_cr0();
	__asm__ volatile("sgdt %0\n\tsidt %1" : "=m"(l1.gdtr), "=m"(l1.idtr));
	l1.cr4 = read_cr4();
	l1.kgs = rdmsr(MSR_KERNEL_GS_BASE);
	l1.fs_base = rdmsr(MSR_FS_BASE);
	l1.gs_base = rdmsr(MSR_GS_BASE);
	l1.pat = rdmsr(MSR_PAT);
	l1.sysenter_cs = rdmsr(MSR_SYSENTER_CS);
	l1.sysenter_esp = rdmsr(MSR_SYSENTER_ESP);
	l1.sysenter_eip = rdmsr(MSR_SYSENTER_EIP);

	fz_maxphy = env.cap.maxphyaddr;
	fz_page_addr[PG_VMCS] = env.vmcs;
	fz_page_addr[PG_VMCS2] = env.vmcs2;
	fz_page_addr[PG_SHADOW] = env.shadow;
	fz_page_addr[PG_MSRBM] = env.msr_bitmap;
	fz_page_addr[PG_IOA] = env.io_a;
	fz_page_addr[PG_IOB] = env.io_b;
	fz_page_addr[PG_VMRBM] = env.vmread_bm;
	fz_page_addr[PG_VMWBM] = env.vmwrite_bm;
	fz_page_addr[PG_MSR] = env.msr_area;
	fz_page_addr[PG_EPT] = env.ept_pml4;
	fz_page_addr[PG_ZERO] = env.scratch;

	/* What this CPU offers: cases that use more say so (unoffered()). */
	vc = &env.cap;
	guest_printf("nvmxfuzz: capabilities pin 0x%lx proc 0x%lx proc2 0x%lx "
		     "exit 0x%lx entry 0x%lx misc 0x%lx\n",
		     vc->pin, vc->proc, vc->proc2, vc->exit, vc->entry,
		     vc->misc);
	if (fz_caps_hold(&env.cap, caps, sizeof(caps)))
		guest_printf(
		    "nvmxfuzz: capabilities as the generator assumes\n");
	else
		guest_printf(
		    "nvmxfuzz: capabilities differ from the generator's "
		    "assumptions:%s (cases that use the difference say "
		    "\"unoffered\")\n",
		    caps);
	if (cfg.replays)
		guest_printf("nvmxfuzz: start replay %u cases maxphyaddr %u\n",
			     cfg.replays, fz_maxphy);
	else
		guest_printf("nvmxfuzz: start seed %lu cases %lu first %lu "
			     "maxphyaddr %u\n",
			     cfg.seed, cfg.cases, cfg.first, fz_maxphy);

	if (cfg.warmup) {
		static const struct fz_case none = {0, 0, 0, {{0, 0, 0, 0, 0}}};
		char line[160];

		run_case(&none, line, sizeof(line));
		guest_printf("nvmxfuzz: warm-up => %s\n", line);
		memset(&count, 0, sizeof(count));
	}
	uint64_t t0 = rdtsc();

	if (cfg.replays) {
		run_replays();
	} else {
		for (uint64_t i = cfg.first; i < cfg.first + cfg.cases; i++) {
			struct fz_case c;

			fz_generate(cfg.seed, i, &c);
			run_case(&c, NULL, 0);
		}
	}
	uint64_t t1 = rdtsc();

	vmclear(env.vmcs);
	vmxoff();
	if (cfg.counters) { /* L0's exit counters on its console (debugging) */
		uint64_t b = 0, c = 0, d = 0;

		hypercall(HC_PRINT_COUNTERS, &b, &c, &d);
	}
	if (vmx_setup_failures)
		guest_printf("nvmxfuzz: info %u VMCS setup accesses failed\n",
			     vmx_setup_failures);
	guest_printf("nvmxfuzz: info %lu tsc per case\n",
		     count.cases ? (t1 - t0) / count.cases : 0);
	guest_printf("nvmxfuzz: summary %lu cases, %lu entered, %lu VMfail, "
		     "%lu exit33, %lu exit34\n",
		     count.cases, count.entered, count.vmfail, count.exit33,
		     count.exit34);
	power_off();
}
