/* SPDX-License-Identifier: Apache-2.0 */
/*
 * nested/checks*.c: the VM-entry consistency checks on vmcs12 (SDM Vol. 3C
 * 27.2, 27.3.1). One valid vmcs12 (64-bit host and guest, EPT, VPID,
 * unrestricted guest, load PAT/EFER/debug controls) built here and asserted
 * to pass; then one test per check, t_<check id>, that breaks exactly what
 * the check looks at and asserts the verdict (VMfailValid 7/8 or exit 33
 * with the qualification, typed in here by the name's prefix, not taken
 * from the list), the reported name and the log line, and that the debug
 * skip option lets exactly that check pass. The test per check is
 * registered from NESTED_CHECK_LIST, so a check without a test does not
 * compile. Capabilities: the Bochs 2.7 raw MSRs of tests/unit/test_caps.c
 * through vcaps12_compute(), as L1 sees them.
 *
 * `test_checks --doc` prints the table of docs/entry-checks.md;
 * t_docs_in_sync checks the file against the list.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/log.h"
#include "nested/checks.h"
#include "nested/vcaps12.h"
#include "nested/vmcs12.h"
#include "vmx/controls.h"

#define DOC_PATH "docs/entry-checks.md"

/* Bochs 2.7 corei7_skylake_x (no MTF, no CET) and tigerlake (MTF, CET). */
#include "tests/unit/bochs_msrs.h"

static struct vmx_msrs skylake, tigerlake; /* what L1 sees */

/* --- L1 memory: three pages --- */
#define CURRENT_VMCS 0x10000ull /* the current vmcs12 */
#define LINK_VMCS    0x20000ull /* a second VMCS region of L1's */
#define PDPT_PAGE    0x30000ull
#define UNMAPPED     0x50000ull

static struct {
	uint64_t gpa;
	uint8_t b[4096];
} mem[3];

static bool fake_read(void *ctx, uint64_t gpa, void *buf, unsigned n)
{
	(void)ctx;
	for (unsigned i = 0; i < 3; i++)
		if (gpa >= mem[i].gpa && gpa + n <= mem[i].gpa + 4096) {
			memcpy(buf, mem[i].b + (gpa - mem[i].gpa), n);
			return true;
		}
	return false;
}

static void mem_put32(uint64_t gpa, uint32_t v)
{
	for (unsigned i = 0; i < 3; i++)
		if (gpa >= mem[i].gpa && gpa + 4 <= mem[i].gpa + 4096)
			memcpy(mem[i].b + (gpa - mem[i].gpa), &v, 4);
}

static void mem_put64(uint64_t gpa, uint64_t v)
{
	for (unsigned i = 0; i < 3; i++)
		if (gpa >= mem[i].gpa && gpa + 8 <= mem[i].gpa + 4096)
			memcpy(mem[i].b + (gpa - mem[i].gpa), &v, 8);
}

/* --- the log: the last line at info level or above --- */
static char last_line[LOG_LINE_MAX];
static unsigned debug_lines;

static void sink(enum log_level level, const char *line, size_t len)
{
	if (level == LOG_DEBUG) {
		debug_lines++;
		return;
	}
	if (len >= sizeof(last_line))
		len = sizeof(last_line) - 1;
	memcpy(last_line, line, len);
	last_line[len] = 0;
}

/* --- one test's vmcs12 and environment --- */
struct tc {
	struct vmcs12 *c;
	struct check_env e;
	struct vmx_msrs caps;
};

static struct vmcs12 page;

#define SET(f, v) vmcs12_set(t->c, f, v)
#define GET(f)	  vmcs12_get(t->c, f)
#define OR(f, v)  SET(f, GET(f) | (uint64_t)(v))
#define CLR(f, v) SET(f, GET(f) & ~(uint64_t)(v))

#define CR0_PE	  (1ull << 0)
#define CR0_NE	  (1ull << 5)
#define CR0_WP	  (1ull << 16)
#define CR0_PG	  (1ull << 31)
#define CR4_PAE	  (1ull << 5)
#define CR4_VMXE  (1ull << 13)
#define CR4_PCIDE (1ull << 17)
#define CR4_CET	  (1ull << 23)
#define EFER_LME  (1ull << 8)
#define EFER_LMA  (1ull << 10)
#define RF_TF	  (1ull << 8)
#define RF_IF	  (1ull << 9)
#define RF_VM	  (1ull << 17)
#define NONCANON  0x0000800000000000ull
#define PAT_OK	  0x0007040600070406ull
#define EV(type, vector)                                                       \
	(INTR_INFO_VALID | ((uint32_t)(type) << 8) | (uint32_t)(vector))

static uint32_t must1(uint64_t msr)
{
	return (uint32_t)msr;
}

/* The valid vmcs12 every test starts from. */
static void base(struct tc *t)
{
	const struct vmx_msrs *m = &skylake;

	memset(&page, 0, sizeof(page));
	t->c = &page;
	vmcs12_set_revision(t->c, VMCS12_REVISION, false);
	t->caps = skylake;
	t->e = (struct check_env){
	    .caps = &t->caps,
	    .phys_bits = 40,
	    .l1_long_mode = true,
	    .current_ptr = CURRENT_VMCS,
	    .cpuid7_ebx = 0,
	    .read = fake_read,
	};
	memset(mem, 0, sizeof(mem));
	mem[0].gpa = CURRENT_VMCS;
	mem[1].gpa = LINK_VMCS;
	mem[2].gpa = PDPT_PAGE;
	mem_put32(CURRENT_VMCS, VMCS12_REVISION);
	mem_put32(LINK_VMCS, VMCS12_REVISION);

	/* controls */
	SET(PIN_BASED_VM_EXEC_CONTROL,
	    must1(m->true_pinbased) | PIN_EXTINT_EXITING | PIN_NMI_EXITING |
		PIN_VIRTUAL_NMIS | PIN_PREEMPTION_TIMER);
	SET(CPU_BASED_VM_EXEC_CONTROL,
	    must1(m->true_procbased) | CPU_HLT_EXITING | CPU_USE_IO_BITMAPS |
		CPU_USE_MSR_BITMAPS | CPU_SECONDARY_CONTROLS);
	SET(SECONDARY_VM_EXEC_CONTROL,
	    SEC_ENABLE_EPT | SEC_ENABLE_VPID | SEC_UNRESTRICTED_GUEST);
	SET(CR3_TARGET_COUNT, 4);
	SET(IO_BITMAP_A, 0x1000);
	SET(IO_BITMAP_B, 0x2000);
	SET(MSR_BITMAP, 0x3000);
	SET(VMREAD_BITMAP, 0x4000);
	SET(VMWRITE_BITMAP, 0x5000);
	SET(VPID, 1);
	SET(EPT_POINTER, 0x6000 | 6 | (3 << 3));
	SET(VM_EXIT_CONTROLS, must1(m->true_exit) | EXIT_HOST_ADDR_SPACE_SIZE |
				  EXIT_ACK_INTR_ON_EXIT | EXIT_SAVE_IA32_PAT |
				  EXIT_LOAD_IA32_PAT | EXIT_SAVE_IA32_EFER |
				  EXIT_LOAD_IA32_EFER |
				  EXIT_SAVE_PREEMPTION_TIMER);
	SET(VM_EXIT_MSR_STORE_COUNT, 1);
	SET(VM_EXIT_MSR_STORE_ADDR, 0x7000);
	SET(VM_EXIT_MSR_LOAD_COUNT, 1);
	SET(VM_EXIT_MSR_LOAD_ADDR, 0x7010);
	SET(VM_ENTRY_CONTROLS,
	    must1(m->true_entry) | ENTRY_LOAD_DEBUG_CONTROLS |
		ENTRY_IA32E_MODE | ENTRY_LOAD_IA32_PAT | ENTRY_LOAD_IA32_EFER);
	SET(VM_ENTRY_MSR_LOAD_COUNT, 1);
	SET(VM_ENTRY_MSR_LOAD_ADDR, 0x7020);

	/* host: 64-bit */
	SET(HOST_CR0, 0x80050033);
	SET(HOST_CR3, 0x100000);
	SET(HOST_CR4, 0x20a0);
	SET(HOST_CS_SELECTOR, 0x08);
	SET(HOST_SS_SELECTOR, 0x10);
	SET(HOST_DS_SELECTOR, 0x10);
	SET(HOST_ES_SELECTOR, 0x10);
	SET(HOST_FS_SELECTOR, 0);
	SET(HOST_GS_SELECTOR, 0);
	SET(HOST_TR_SELECTOR, 0x18);
	SET(HOST_FS_BASE, 0);
	SET(HOST_GS_BASE, 0xffff880000000000);
	SET(HOST_TR_BASE, 0xffffffff80001000);
	SET(HOST_GDTR_BASE, 0xffffffff80002000);
	SET(HOST_IDTR_BASE, 0xffffffff80003000);
	SET(HOST_IA32_SYSENTER_ESP, 0xffffffff80004000);
	SET(HOST_IA32_SYSENTER_EIP, 0);
	SET(HOST_IA32_PAT, PAT_OK);
	SET(HOST_IA32_EFER, 0xd01);
	SET(HOST_RSP, 0xffffffff80008000);
	SET(HOST_RIP, 0xffffffff81000000);

	/* guest: 64-bit, CPL 0 */
	SET(GUEST_CR0, 0x80050033);
	SET(GUEST_CR3, 0x200000);
	SET(GUEST_CR4, 0x20a0);
	SET(GUEST_DR7, 0x400);
	SET(GUEST_IA32_DEBUGCTL, 0);
	SET(GUEST_IA32_PAT, PAT_OK);
	SET(GUEST_IA32_EFER, 0xd01);
	SET(GUEST_SYSENTER_ESP, 0xffffffff80005000);
	SET(GUEST_SYSENTER_EIP, 0xffffffff81000100);
	SET(GUEST_CS_SELECTOR, 0x08);
	SET(GUEST_CS_LIMIT, 0xffffffff);
	SET(GUEST_CS_AR_BYTES, 0xa09b);
	SET(GUEST_SS_SELECTOR, 0x10);
	SET(GUEST_SS_LIMIT, 0xffffffff);
	SET(GUEST_SS_AR_BYTES, 0xc093);
	SET(GUEST_DS_SELECTOR, 0x10);
	SET(GUEST_DS_LIMIT, 0xffffffff);
	SET(GUEST_DS_AR_BYTES, 0xc093);
	SET(GUEST_ES_SELECTOR, 0x10);
	SET(GUEST_ES_LIMIT, 0xffffffff);
	SET(GUEST_ES_AR_BYTES, 0xc093);
	SET(GUEST_FS_AR_BYTES, 0x10000);
	SET(GUEST_FS_BASE, 0x7fff0000);
	SET(GUEST_GS_AR_BYTES, 0x10000);
	SET(GUEST_GS_BASE, 0xffff880000001000);
	SET(GUEST_LDTR_AR_BYTES, 0x10000);
	SET(GUEST_TR_SELECTOR, 0x18);
	SET(GUEST_TR_BASE, 0xffffffff80001000);
	SET(GUEST_TR_LIMIT, 0x67);
	SET(GUEST_TR_AR_BYTES, 0x8b);
	SET(GUEST_GDTR_BASE, 0xffffffff80002000);
	SET(GUEST_GDTR_LIMIT, 0x7f);
	SET(GUEST_IDTR_BASE, 0xffffffff80003000);
	SET(GUEST_IDTR_LIMIT, 0xfff);
	SET(GUEST_RIP, 0x400000);
	SET(GUEST_RSP, 0x8000);
	SET(GUEST_RFLAGS, 0x2);
	SET(GUEST_ACTIVITY_STATE, 0);
	SET(GUEST_INTERRUPTIBILITY_INFO, 0);
	SET(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	SET(VMCS_LINK_POINTER, ~0ull);
}

/* Variations that are valid too. */
static void guest32(struct tc *t) /* 32-bit protected mode, PAE paging */
{
	CLR(VM_ENTRY_CONTROLS, ENTRY_IA32E_MODE);
	SET(GUEST_CS_AR_BYTES, 0xc09b);
	SET(GUEST_IA32_EFER, 0x800);
}

static void host32(struct tc *t) /* L1 outside IA-32e mode; guest32 too */
{
	guest32(t);
	t->e.l1_long_mode = false;
	CLR(VM_EXIT_CONTROLS, EXIT_HOST_ADDR_SPACE_SIZE);
	SET(HOST_IA32_EFER, 0x801);
	SET(HOST_RIP, 0x81000000);
}

static void v86(struct tc *t)
{
	guest32(t);
	OR(GUEST_RFLAGS, RF_VM);
#define V86SEG(R)                                                              \
	do {                                                                   \
		SET(GUEST_##R##_SELECTOR, 0x1000);                             \
		SET(GUEST_##R##_BASE, 0x10000);                                \
		SET(GUEST_##R##_LIMIT, 0xffff);                                \
		SET(GUEST_##R##_AR_BYTES, 0xf3);                               \
	} while (0)
	V86SEG(CS);
	V86SEG(SS);
	V86SEG(DS);
	V86SEG(ES);
	V86SEG(FS);
	V86SEG(GS);
}

static void real_mode_ug(struct tc *t) /* unrestricted guest, CR0.PE = 0 */
{
	guest32(t);
	SET(GUEST_CR0, 0x30);
	SET(GUEST_CR4, CR4_VMXE);
	SET(GUEST_IA32_EFER, 0);
	SET(GUEST_CS_SELECTOR, 0xf000);
	SET(GUEST_CS_BASE, 0xf0000);
	SET(GUEST_CS_LIMIT, 0xffff);
	SET(GUEST_CS_AR_BYTES, 0x9b);
	SET(GUEST_SS_SELECTOR, 0);
	SET(GUEST_SS_LIMIT, 0xffff);
	SET(GUEST_SS_AR_BYTES, 0x93);
	SET(GUEST_DS_SELECTOR, 0);
	SET(GUEST_DS_LIMIT, 0xffff);
	SET(GUEST_DS_AR_BYTES, 0x93);
	SET(GUEST_ES_SELECTOR, 0);
	SET(GUEST_ES_LIMIT, 0xffff);
	SET(GUEST_ES_AR_BYTES, 0x93);
	SET(GUEST_RIP, 0xfff0);
}

static void ldtr_usable(struct tc *t)
{
	SET(GUEST_LDTR_SELECTOR, 0x20);
	SET(GUEST_LDTR_BASE, 0xffffffff80006000);
	SET(GUEST_LDTR_LIMIT, 0xffff);
	SET(GUEST_LDTR_AR_BYTES, 0x82);
}

static void no_ug(struct tc *t)
{
	CLR(SECONDARY_VM_EXEC_CONTROL, SEC_UNRESTRICTED_GUEST);
}

static void shadowing(struct tc *t)
{
	OR(SECONDARY_VM_EXEC_CONTROL, SEC_SHADOW_VMCS);
}

/* --- running the checks --- */
struct verdict {
	unsigned kind; /* 0 pass, 7, 8, 33 */
	uint64_t qual;
	const char *name;
};

/* The fields each part of the checks read in any test (NC_PART_LIST). */
static struct dirty12 part_reads[NC_PART_COUNT];

void nc_note_read(unsigned slot)
{
	if (nc_part_now >= 0)
		dirty12_mark(&part_reads[nc_part_now], slot);
}

static struct verdict run(struct tc *t)
{
	struct verdict v = {0, 0, NULL};

	nc_part_now = -1;
	v.kind = nested_check_controls_host(t->c, &t->e, &v.name);
	if (v.kind)
		return v;
	nc_part_now = -1;
	if (!nested_check_guest(t->c, &t->e, &v.qual, &v.name))
		v.kind = 33;
	return v;
}

static void assert_same(struct verdict a, struct verdict b, const char *what)
{
	if (a.kind != b.kind || a.qual != b.qual ||
	    (a.name && (!b.name || strcmp(a.name, b.name))))
		fail_msg("%s: %u %s (qual %lu) vs %u %s (qual %lu)", what,
			 a.kind, a.name ? a.name : "pass",
			 (unsigned long)a.qual, b.kind, b.name ? b.name : "pass",
			 (unsigned long)b.qual);
}

/*
 * The fast path's rules on one case: base() passes every check, then the
 * case changed some fields. Running only the parts whose inputs changed
 * (check_env.changed) must give the verdict of all checks; and RFLAGS'
 * status flags, which L0 does not count as a change, must change no
 * verdict.
 */
static void fast_path_agrees(struct tc *t, const struct vmcs12 *before,
			     const struct tc *env_before, struct verdict full)
{
	struct dirty12 changed;
	struct verdict v;

	dirty12_clear(&changed);
	for (unsigned s = 0; s < VMCS12_SLOT_COUNT; s++)
		if (before->field[s] != t->c->field[s])
			dirty12_mark(&changed, s);
	/* the environment is the same for every entry of one vmcs12 in L0 */
	if (!memcmp(&env_before->e, &t->e, sizeof(t->e)) &&
	    !memcmp(&env_before->caps, &t->caps, sizeof(t->caps))) {
		t->e.changed = &changed;
		v = run(t);
		t->e.changed = NULL;
		assert_same(full, v, "only the changed parts");
	}
	uint64_t rflags = vmcs12_get(t->c, GUEST_RFLAGS);

	vmcs12_set(t->c, GUEST_RFLAGS, rflags ^ 0x8d5ull);
	v = run(t);
	vmcs12_set(t->c, GUEST_RFLAGS, rflags);
	assert_same(full, v, "RFLAGS status flags flipped");
}

static void assert_passes(struct tc *t)
{
	struct verdict v = run(t);

	if (v.kind)
		fail_msg("expected to pass, got %u (qual %lu) from %s", v.kind,
			 (unsigned long)v.qual, v.name);
}

/* The verdict each name's prefix stands for, typed in independently. */
static unsigned want_kind(const char *name)
{
	if (!strncmp(name, "ctl.", 4))
		return 7;
	if (!strncmp(name, "host.", 5))
		return 8;
	assert_true(!strncmp(name, "guest.", 6));
	return 33;
}

static uint64_t want_qual(const char *name)
{
	if (!strncmp(name, "guest.link.", 11))
		return 4;
	if (!strncmp(name, "guest.pdpte", 11))
		return 2;
	if (!strcmp(name, "guest.intr.nmi_sti"))
		return 3;
	return 0;
}

static bool covered[NESTED_CHECK_COUNT];

#define PASS (-1)

/*
 * The case's vmcs12 must fail exactly check id; with the check skipped, it
 * passes (after == PASS) or fails the check after.
 */
static void run_case(enum nested_check_id id, int after,
		     void (*mutate)(struct tc *))
{
	const char *name = nested_check_names[id];
	struct tc tc, *t = &tc;
	struct verdict v;
	char want[128];

	static struct vmcs12 before;
	struct tc env_before;

	base(t);
	before = page;
	env_before = tc;
	mutate(t);
	last_line[0] = 0;
	v = run(t);
	if (!v.name || strcmp(v.name, name))
		fail_msg("expected %s to fail, got %s (%u)", name,
			 v.name ? v.name : "a pass", v.kind);
	fast_path_agrees(t, &before, &env_before, v);
	assert_int_equal(v.kind, want_kind(name));
	assert_int_equal(v.qual, v.kind == 33 ? want_qual(name) : 0);
	snprintf(want, sizeof(want), "VM-entry check %s failed: ", name);
	if (!strstr(last_line, want))
		fail_msg("log line '%s' lacks '%s'", last_line, want);
	if (strstr(last_line, "...\n"))
		fail_msg("log line cut: '%s'", last_line);
	if (getenv("SHOW_LOG"))
		printf("%s", last_line);

	/* the debug option: exactly this check passes */
	t->e.skip = name;
	v = run(t);
	if (after == PASS && v.kind)
		fail_msg("with %s skipped: %s failed", name, v.name);
	if (after != PASS &&
	    (!v.name || strcmp(v.name, nested_check_names[after])))
		fail_msg("with %s skipped: expected %s, got %s", name,
			 nested_check_names[after], v.name ? v.name : "a pass");
	covered[id] = true;
}

#define CASE(id, after)                                                        \
	static void mut_##id(struct tc *t);                                    \
	static void t_##id(void **state)                                       \
	{                                                                      \
		(void)state;                                                   \
		run_case(NC_##id, after, mut_##id);                            \
	}                                                                      \
	static void mut_##id(struct tc *t)

/* A second case of the same check, registered by hand. */
#define CASE2(id, variant, after)                                              \
	static void mut_##id##_##variant(struct tc *t);                        \
	static void t_##id##_##variant(void **state)                           \
	{                                                                      \
		(void)state;                                                   \
		run_case(NC_##id, after, mut_##id##_##variant);                \
	}                                                                      \
	static void mut_##id##_##variant(struct tc *t)

#define NC(id) NC_##id

/* ================= 27.2.1.1 VM-execution controls ================= */
CASE(ctl_pin_reserved, PASS)
{
	OR(PIN_BASED_VM_EXEC_CONTROL, 1u << 7); /* posted interrupts */
}
CASE2(ctl_pin_reserved, must1, PASS)
{
	CLR(PIN_BASED_VM_EXEC_CONTROL, 1u << 1); /* a default1 bit */
}
CASE(ctl_proc_reserved, PASS)
{
	OR(CPU_BASED_VM_EXEC_CONTROL, 1u << 21); /* TPR shadow */
}
CASE2(ctl_proc_reserved, mtf, PASS)
{
	OR(CPU_BASED_VM_EXEC_CONTROL, CPU_MONITOR_TRAP_FLAG); /* no MTF */
}
CASE(ctl_proc2_reserved, PASS)
{
	OR(SECONDARY_VM_EXEC_CONTROL, 1u << 17); /* PML */
}
CASE(ctl_cr3_target_count, PASS)
{
	SET(CR3_TARGET_COUNT, 5);
}
CASE(ctl_io_bitmap_a, PASS)
{
	SET(IO_BITMAP_A, 0x1800);
}
CASE(ctl_io_bitmap_b, PASS)
{
	SET(IO_BITMAP_B, 1ull << 40);
}
CASE(ctl_msr_bitmap, PASS)
{
	SET(MSR_BITMAP, 0x3008);
}
CASE(ctl_virtual_nmis, PASS)
{
	CLR(PIN_BASED_VM_EXEC_CONTROL, PIN_NMI_EXITING);
}
CASE(ctl_nmi_window, PASS)
{
	CLR(PIN_BASED_VM_EXEC_CONTROL, PIN_VIRTUAL_NMIS);
	OR(CPU_BASED_VM_EXEC_CONTROL, CPU_NMI_WINDOW_EXITING);
}
CASE(ctl_vpid, PASS)
{
	SET(VPID, 0);
}
CASE(ctl_eptp, PASS)
{
	OR(EPT_POINTER, 1u << 6); /* A/D flags: not offered */
}
CASE2(ctl_eptp, width, PASS)
{
	OR(EPT_POINTER, 1ull << 40);
}
CASE(ctl_unrestricted_ept, PASS)
{
	CLR(SECONDARY_VM_EXEC_CONTROL, SEC_ENABLE_EPT);
}
CASE(ctl_vmread_bitmap, PASS)
{
	shadowing(t);
	SET(VMREAD_BITMAP, 0x4004);
}
CASE(ctl_vmwrite_bitmap, PASS)
{
	shadowing(t);
	SET(VMWRITE_BITMAP, 1ull << 45);
}

/* ================= 27.2.1.2 VM-exit controls ================= */
CASE(ctl_exit_reserved, PASS)
{
	OR(VM_EXIT_CONTROLS, 1u << 12); /* load PERF_GLOBAL_CTRL */
}
CASE(ctl_exit_save_timer, PASS)
{
	CLR(PIN_BASED_VM_EXEC_CONTROL, PIN_PREEMPTION_TIMER);
}
CASE(ctl_exit_msr_store_addr, PASS)
{
	SET(VM_EXIT_MSR_STORE_ADDR, 0x7008);
}
CASE(ctl_exit_msr_store_end, PASS)
{
	SET(VM_EXIT_MSR_STORE_ADDR, (1ull << 40) - 16);
	SET(VM_EXIT_MSR_STORE_COUNT, 2);
}
CASE(ctl_exit_msr_load_addr, PASS)
{
	SET(VM_EXIT_MSR_LOAD_ADDR, 0x7014);
}
CASE2(ctl_exit_msr_load_addr, width, NC(ctl_exit_msr_load_end))
{
	SET(VM_EXIT_MSR_LOAD_ADDR, 1ull << 40);
}
CASE(ctl_exit_msr_load_end, PASS)
{
	SET(VM_EXIT_MSR_LOAD_ADDR, (1ull << 40) - 512 * 16);
	SET(VM_EXIT_MSR_LOAD_COUNT, 513);
}

/* ================= 27.2.1.3 VM-entry controls ================= */
CASE(ctl_entry_reserved, PASS)
{
	OR(VM_ENTRY_CONTROLS, 1u << 10); /* entry to SMM */
}
CASE2(ctl_entry_reserved, dual_monitor, PASS)
{
	OR(VM_ENTRY_CONTROLS, 1u << 11); /* deactivate dual-monitor */
}
CASE(ctl_event_type, PASS)
{
	SET(VM_ENTRY_INTR_INFO, EV(1, 32));
}
CASE(ctl_event_type_mtf, PASS)
{
	SET(VM_ENTRY_INTR_INFO, EV(7, 0)); /* skylake_x: no MTF */
}
CASE(ctl_event_nmi_vector, PASS)
{
	SET(VM_ENTRY_INTR_INFO, EV(2, 3));
}
CASE(ctl_event_exception_vector, PASS)
{
	SET(VM_ENTRY_INTR_INFO, EV(3, 32));
}
CASE(ctl_event_other_vector, PASS)
{
	t->caps = tigerlake; /* MTF offered */
	SET(VM_ENTRY_INTR_INFO, EV(7, 1));
}
CASE(ctl_event_error_code, PASS)
{
	SET(VM_ENTRY_INTR_INFO, EV(3, 13)); /* #GP without its error code */
}
CASE2(ctl_event_error_code, extra, PASS)
{
	SET(VM_ENTRY_INTR_INFO, EV(3, 6) | INTR_INFO_DELIVER_CODE); /* #UD */
}
CASE2(ctl_event_error_code, swint, PASS)
{
	SET(VM_ENTRY_INTR_INFO, EV(4, 13) | INTR_INFO_DELIVER_CODE);
	SET(VM_ENTRY_INSTRUCTION_LEN, 2);
}
CASE2(ctl_event_error_code, real_mode, PASS)
{
	real_mode_ug(t);
	SET(VM_ENTRY_INTR_INFO, EV(3, 13) | INTR_INFO_DELIVER_CODE);
}
CASE(ctl_event_reserved, PASS)
{
	SET(VM_ENTRY_INTR_INFO, EV(3, 6) | (1u << 12));
}
CASE(ctl_event_error_code_bits, PASS)
{
	SET(VM_ENTRY_INTR_INFO, EV(3, 13) | INTR_INFO_DELIVER_CODE);
	SET(VM_ENTRY_EXCEPTION_ERROR_CODE, 0x10000);
}
CASE(ctl_event_insn_len, PASS)
{
	SET(VM_ENTRY_INTR_INFO, EV(4, 0x80));
	SET(VM_ENTRY_INSTRUCTION_LEN, 16);
}
CASE(ctl_event_insn_len_zero, PASS)
{
	t->caps.misc &= ~(1ull << 30);
	SET(VM_ENTRY_INTR_INFO, EV(6, 3));
	SET(VM_ENTRY_INSTRUCTION_LEN, 0);
}
CASE(ctl_entry_msr_load_addr, PASS)
{
	SET(VM_ENTRY_MSR_LOAD_ADDR, 0x7024);
}
CASE(ctl_entry_msr_load_end, PASS)
{
	SET(VM_ENTRY_MSR_LOAD_ADDR, (1ull << 40) - 16);
	SET(VM_ENTRY_MSR_LOAD_COUNT, 2);
}

/* ================= 27.2.2 host registers and MSRs ================= */
CASE(host_cr0_fixed, PASS)
{
	CLR(HOST_CR0, CR0_NE);
}
CASE2(host_cr0_fixed, high, PASS)
{
	OR(HOST_CR0, 1ull << 32);
}
CASE(host_cr3_width, PASS)
{
	SET(HOST_CR3, 1ull << 40);
}
CASE(host_cr4_fixed, PASS)
{
	CLR(HOST_CR4, CR4_VMXE);
}
CASE2(host_cr4_fixed, cet, PASS)
{
	OR(HOST_CR4, CR4_CET); /* not in skylake_x's CR4_FIXED1 */
}
CASE(host_cr4_cet, PASS)
{
	t->caps = tigerlake;
	OR(HOST_CR4, CR4_CET);
	CLR(HOST_CR0, CR0_WP);
}
CASE(host_sysenter_esp, PASS)
{
	SET(HOST_IA32_SYSENTER_ESP, NONCANON);
}
CASE(host_sysenter_eip, PASS)
{
	SET(HOST_IA32_SYSENTER_EIP, NONCANON);
}
CASE(host_pat, PASS)
{
	SET(HOST_IA32_PAT, PAT_OK | (2ull << 56));
}
CASE(host_efer_reserved, PASS)
{
	OR(HOST_IA32_EFER, 1u << 1);
}
CASE(host_efer_lma, PASS)
{
	CLR(HOST_IA32_EFER, EFER_LMA);
}
CASE(host_efer_lme, PASS)
{
	CLR(HOST_IA32_EFER, EFER_LME);
}

/* ================= 27.2.3 host segments ================= */
CASE(host_sel_rpl_ti, PASS)
{
	SET(HOST_DS_SELECTOR, 0x13);
}
CASE2(host_sel_rpl_ti, tr_ti, PASS)
{
	SET(HOST_TR_SELECTOR, 0x1c);
}
CASE(host_cs_nonzero, PASS)
{
	SET(HOST_CS_SELECTOR, 0);
}
CASE(host_tr_nonzero, PASS)
{
	SET(HOST_TR_SELECTOR, 0);
}
CASE(host_ss_nonzero, PASS)
{
	host32(t);
	SET(HOST_SS_SELECTOR, 0);
}
CASE(host_base_canonical, PASS)
{
	SET(HOST_GDTR_BASE, NONCANON);
}
CASE2(host_base_canonical, tr, PASS)
{
	SET(HOST_TR_BASE, NONCANON);
}

/* ================= 27.2.4 address-space size ================= */
CASE(host_as_l1_mode, PASS)
{
	t->e.l1_long_mode = false;
}
CASE2(host_as_l1_mode, host32_in_long_mode, PASS)
{
	host32(t);
	t->e.l1_long_mode = true;
}
CASE(host_as_guest64, PASS)
{
	host32(t);
	OR(VM_ENTRY_CONTROLS, ENTRY_IA32E_MODE);
	SET(GUEST_CS_AR_BYTES, 0xa09b);
	SET(GUEST_IA32_EFER, 0xd01);
}
CASE(host_as_pcide, PASS)
{
	host32(t);
	OR(HOST_CR4, CR4_PCIDE);
}
CASE(host_as_rip_high, PASS)
{
	host32(t);
	SET(HOST_RIP, 1ull << 32);
}
CASE(host_as_pae, PASS)
{
	CLR(HOST_CR4, CR4_PAE);
}
CASE(host_as_rip_canonical, PASS)
{
	SET(HOST_RIP, NONCANON);
}

/* ================= 27.3.1.1 guest registers and MSRs ================= */
CASE(guest_cr0_fixed, PASS)
{
	CLR(GUEST_CR0, CR0_NE);
}
CASE2(guest_cr0_fixed, pe_without_ug, PASS)
{
	no_ug(t);
	real_mode_ug(t);
	/* PE and PG must be 1 without unrestricted guest; the segments of
	 * real mode are fine then too */
}
CASE(guest_cr0_pg_pe, PASS)
{
	CLR(GUEST_CR0, CR0_PE);
}
CASE(guest_cr4_fixed, PASS)
{
	CLR(GUEST_CR4, CR4_VMXE);
}
CASE(guest_cr4_cet, PASS)
{
	t->caps = tigerlake;
	OR(GUEST_CR4, CR4_CET);
	CLR(GUEST_CR0, CR0_WP);
}
CASE(guest_debugctl, PASS)
{
	SET(GUEST_IA32_DEBUGCTL, 1u << 2);
}
CASE(guest_ia32e_pg, PASS)
{
	CLR(GUEST_CR0, CR0_PG);
}
CASE(guest_ia32e_pae, PASS)
{
	CLR(GUEST_CR4, CR4_PAE);
}
CASE(guest_cr4_pcide, PASS)
{
	guest32(t);
	OR(GUEST_CR4, CR4_PCIDE);
}
CASE(guest_cr3_width, PASS)
{
	SET(GUEST_CR3, 1ull << 40);
}
CASE(guest_dr7, PASS)
{
	SET(GUEST_DR7, (1ull << 32) | 0x400);
}
CASE(guest_sysenter_esp, PASS)
{
	SET(GUEST_SYSENTER_ESP, NONCANON);
}
CASE(guest_sysenter_eip, PASS)
{
	SET(GUEST_SYSENTER_EIP, NONCANON);
}
CASE(guest_pat, PASS)
{
	SET(GUEST_IA32_PAT, (PAT_OK & ~0xffull) | 3);
}
CASE(guest_efer_reserved, PASS)
{
	OR(GUEST_IA32_EFER, 1u << 1);
}
CASE(guest_efer_lma, PASS)
{
	CLR(GUEST_IA32_EFER, EFER_LMA);
}
CASE(guest_efer_lme, PASS)
{
	CLR(GUEST_IA32_EFER, EFER_LME);
}

/* ================= 27.3.1.2 segment registers ================= */
CASE(guest_tr_ti, PASS)
{
	SET(GUEST_TR_SELECTOR, 0x1c);
}
CASE(guest_ldtr_ti, PASS)
{
	ldtr_usable(t);
	SET(GUEST_LDTR_SELECTOR, 0x24);
}
CASE(guest_ss_rpl, NC(guest_ss_dpl_rpl))
{
	no_ug(t);
	SET(GUEST_SS_SELECTOR, 0x13);
}
CASE(guest_v86_base, PASS)
{
	v86(t);
	SET(GUEST_CS_BASE, 0x10010);
}
CASE(guest_base_canonical, PASS)
{
	SET(GUEST_FS_BASE, NONCANON);
}
CASE2(guest_base_canonical, tr, PASS)
{
	SET(GUEST_TR_BASE, NONCANON);
}
CASE(guest_ldtr_base, PASS)
{
	ldtr_usable(t);
	SET(GUEST_LDTR_BASE, NONCANON);
}
CASE(guest_cs_base, PASS)
{
	SET(GUEST_CS_BASE, 1ull << 32);
}
CASE(guest_base_high, PASS)
{
	SET(GUEST_DS_BASE, 1ull << 32);
}
CASE(guest_v86_limit, PASS)
{
	v86(t);
	SET(GUEST_DS_LIMIT, 0xfffff);
}
CASE(guest_v86_ar, PASS)
{
	v86(t);
	SET(GUEST_ES_AR_BYTES, 0xf2);
}
CASE(guest_cs_type, PASS)
{
	SET(GUEST_CS_AR_BYTES, 0xa09a); /* not accessed */
}
CASE2(guest_cs_type, data_without_ug, PASS)
{
	no_ug(t);
	SET(GUEST_CS_AR_BYTES, 0xc093);
}
CASE(guest_ss_type, PASS)
{
	SET(GUEST_SS_AR_BYTES, 0xc091);
}
CASE(guest_data_accessed, PASS)
{
	SET(GUEST_DS_AR_BYTES, 0xc092);
}
CASE(guest_data_readable, PASS)
{
	SET(GUEST_DS_AR_BYTES, 0xc099); /* execute-only code */
}
CASE(guest_seg_s, PASS)
{
	SET(GUEST_DS_AR_BYTES, 0xc083);
}
CASE(guest_cs_dpl_data, PASS)
{
	guest32(t);
	SET(GUEST_CS_AR_BYTES, 0xc0f3); /* type 3 (unrestricted), DPL 3 */
}
CASE(guest_cs_dpl_nonconforming, PASS)
{
	SET(GUEST_CS_AR_BYTES, 0xa0fb);
}
CASE(guest_cs_dpl_conforming, PASS)
{
	SET(GUEST_CS_AR_BYTES, 0xa0ff);
}
CASE(guest_ss_dpl_rpl, PASS)
{
	no_ug(t);
	SET(GUEST_CS_AR_BYTES, 0xa09f); /* conforming: CS.DPL 0 <= SS.DPL 3 */
	SET(GUEST_SS_AR_BYTES, 0xc0f3);
}
CASE(guest_ss_dpl_zero, PASS)
{
	guest32(t);
	SET(GUEST_CS_AR_BYTES, 0xc093); /* type 3, unrestricted guest */
	SET(GUEST_SS_AR_BYTES, 0xc0f3);
}
CASE2(guest_ss_dpl_zero, real_mode, PASS)
{
	real_mode_ug(t);
	SET(GUEST_CS_AR_BYTES, 0x9f); /* conforming, DPL 0 <= 3 */
	SET(GUEST_SS_AR_BYTES, 0xf3);
}
CASE(guest_data_dpl, PASS)
{
	no_ug(t);
	SET(GUEST_DS_SELECTOR, 0x13);
}
CASE(guest_seg_p, PASS)
{
	SET(GUEST_DS_AR_BYTES, 0xc013);
}
CASE2(guest_seg_p, cs, PASS)
{
	SET(GUEST_CS_AR_BYTES, 0xa01b);
}
CASE(guest_seg_reserved_11_8, PASS)
{
	SET(GUEST_ES_AR_BYTES, 0xc193);
}
CASE(guest_cs_db, PASS)
{
	SET(GUEST_CS_AR_BYTES, 0xe09b);
}
CASE(guest_seg_g, PASS)
{
	SET(GUEST_DS_AR_BYTES, 0x4093); /* 4 GiB limit in bytes */
}
CASE2(guest_seg_g, low_bits, PASS)
{
	SET(GUEST_SS_LIMIT, 0xfffff000); /* G 1 with limit bits 11:0 0 */
}
CASE(guest_seg_reserved_31_17, PASS)
{
	SET(GUEST_DS_AR_BYTES, 0x2c093);
}
CASE(guest_tr_type, PASS)
{
	SET(GUEST_TR_AR_BYTES, 0x89); /* available, not busy */
}
CASE2(guest_tr_type, tss16_ia32e, PASS)
{
	SET(GUEST_TR_AR_BYTES, 0x83);
}
CASE(guest_tr_s, PASS)
{
	SET(GUEST_TR_AR_BYTES, 0x9b);
}
CASE(guest_tr_p, PASS)
{
	SET(GUEST_TR_AR_BYTES, 0x0b);
}
CASE(guest_tr_reserved_11_8, PASS)
{
	SET(GUEST_TR_AR_BYTES, 0x48b);
}
CASE(guest_tr_g, PASS)
{
	SET(GUEST_TR_AR_BYTES, 0x808b);
}
CASE(guest_tr_unusable, PASS)
{
	SET(GUEST_TR_AR_BYTES, 0x1008b);
}
CASE(guest_tr_reserved_31_17, PASS)
{
	SET(GUEST_TR_AR_BYTES, 0x4008b);
}
CASE(guest_ldtr_type, PASS)
{
	ldtr_usable(t);
	SET(GUEST_LDTR_AR_BYTES, 0x83);
}
CASE(guest_ldtr_s, PASS)
{
	ldtr_usable(t);
	SET(GUEST_LDTR_AR_BYTES, 0x92);
}
CASE(guest_ldtr_p, PASS)
{
	ldtr_usable(t);
	SET(GUEST_LDTR_AR_BYTES, 0x02);
}
CASE(guest_ldtr_reserved_11_8, PASS)
{
	ldtr_usable(t);
	SET(GUEST_LDTR_AR_BYTES, 0x882);
}
CASE(guest_ldtr_g, PASS)
{
	ldtr_usable(t);
	SET(GUEST_LDTR_LIMIT, 0x100000); /* bytes beyond 1 MiB need G */
}
CASE(guest_ldtr_reserved_31_17, PASS)
{
	ldtr_usable(t);
	SET(GUEST_LDTR_AR_BYTES, 0x80082);
}

/* ================= 27.3.1.3 GDTR, IDTR ================= */
CASE(guest_gdtr_base, PASS)
{
	SET(GUEST_GDTR_BASE, NONCANON);
}
CASE(guest_idtr_base, PASS)
{
	SET(GUEST_IDTR_BASE, NONCANON);
}
CASE(guest_gdtr_limit, PASS)
{
	SET(GUEST_GDTR_LIMIT, 0x10000);
}
CASE(guest_idtr_limit, PASS)
{
	SET(GUEST_IDTR_LIMIT, 0x10000);
}

/* ================= 27.3.1.4 RIP, RFLAGS ================= */
CASE(guest_rip_high, PASS)
{
	guest32(t);
	SET(GUEST_RIP, 1ull << 32);
}
CASE2(guest_rip_high, compat, PASS)
{
	SET(GUEST_CS_AR_BYTES, 0xc09b); /* IA-32e, CS.L 0: compatibility */
	SET(GUEST_RIP, 1ull << 32);
}
CASE(guest_rip_canonical, PASS)
{
	SET(GUEST_RIP, NONCANON);
}
CASE(guest_rflags_reserved, PASS)
{
	SET(GUEST_RFLAGS, 0);
}
CASE2(guest_rflags_reserved, bit15, PASS)
{
	SET(GUEST_RFLAGS, 0x8002);
}
CASE2(guest_rflags_reserved, bit22, PASS)
{
	SET(GUEST_RFLAGS, 0x400002);
}
CASE(guest_rflags_vm, PASS)
{
	v86(t);
	SET(GUEST_CR0, 0x30); /* unrestricted guest, CR0.PE 0 */
	SET(GUEST_CR4, CR4_VMXE);
}
CASE2(guest_rflags_vm, ia32e, PASS)
{
	v86(t);
	OR(VM_ENTRY_CONTROLS, ENTRY_IA32E_MODE);
	SET(GUEST_IA32_EFER, 0xd01);
}
CASE(guest_rflags_if, PASS)
{
	SET(VM_ENTRY_INTR_INFO, EV(0, 0x20));
}

/* ================= 27.3.1.5 non-register state ================= */
CASE(guest_activity_supported, PASS)
{
	SET(GUEST_ACTIVITY_STATE, ACTIVITY_WAIT_SIPI); /* not offered */
}
CASE2(guest_activity_supported, four, PASS)
{
	SET(GUEST_ACTIVITY_STATE, 4);
}
CASE(guest_activity_hlt_dpl, PASS)
{
	SET(GUEST_ACTIVITY_STATE, ACTIVITY_HLT);
	SET(GUEST_CS_AR_BYTES, 0xa09f);
	SET(GUEST_SS_AR_BYTES, 0xc0f3);
}
CASE(guest_activity_blocking, PASS)
{
	SET(GUEST_ACTIVITY_STATE, ACTIVITY_HLT);
	SET(GUEST_INTERRUPTIBILITY_INFO, INTERRUPTIBILITY_STI);
	OR(GUEST_RFLAGS, RF_IF);
}
CASE(guest_activity_event, PASS)
{
	SET(GUEST_ACTIVITY_STATE, ACTIVITY_HLT);
	SET(VM_ENTRY_INTR_INFO, EV(3, 13) | INTR_INFO_DELIVER_CODE);
}
CASE2(guest_activity_event, shutdown_extint, PASS)
{
	SET(GUEST_ACTIVITY_STATE, ACTIVITY_SHUTDOWN);
	OR(GUEST_RFLAGS, RF_IF);
	SET(VM_ENTRY_INTR_INFO, EV(0, 0x20));
}
CASE(guest_intr_reserved, PASS)
{
	SET(GUEST_INTERRUPTIBILITY_INFO, 1u << 5);
}
CASE(guest_intr_enclave, PASS)
{
	SET(GUEST_INTERRUPTIBILITY_INFO, 1u << 4); /* no SGX */
}
CASE2(guest_intr_enclave, movss, PASS)
{
	t->e.cpuid7_ebx = 1u << 2;
	SET(GUEST_INTERRUPTIBILITY_INFO, (1u << 4) | INTERRUPTIBILITY_MOV_SS);
}
CASE(guest_intr_sti_movss, PASS)
{
	SET(GUEST_INTERRUPTIBILITY_INFO,
	    INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS);
	OR(GUEST_RFLAGS, RF_IF);
}
CASE(guest_intr_sti_if, PASS)
{
	SET(GUEST_INTERRUPTIBILITY_INFO, INTERRUPTIBILITY_STI);
}
CASE(guest_intr_extint, PASS)
{
	SET(GUEST_INTERRUPTIBILITY_INFO, INTERRUPTIBILITY_MOV_SS);
	OR(GUEST_RFLAGS, RF_IF);
	SET(VM_ENTRY_INTR_INFO, EV(0, 0x20));
}
CASE(guest_intr_nmi_movss, PASS)
{
	SET(GUEST_INTERRUPTIBILITY_INFO, INTERRUPTIBILITY_MOV_SS);
	SET(VM_ENTRY_INTR_INFO, EV(2, 2));
}
CASE(guest_intr_smi, PASS)
{
	SET(GUEST_INTERRUPTIBILITY_INFO, INTERRUPTIBILITY_SMI);
}
CASE(guest_intr_nmi_sti, PASS)
{
	SET(GUEST_INTERRUPTIBILITY_INFO, INTERRUPTIBILITY_STI);
	OR(GUEST_RFLAGS, RF_IF);
	SET(VM_ENTRY_INTR_INFO, EV(2, 2));
}
CASE(guest_intr_vnmi, PASS)
{
	SET(GUEST_INTERRUPTIBILITY_INFO, INTERRUPTIBILITY_NMI);
	SET(VM_ENTRY_INTR_INFO, EV(2, 2));
}
CASE(guest_pending_dbg_reserved, PASS)
{
	SET(GUEST_PENDING_DBG_EXCEPTIONS, 1u << 4);
}
CASE2(guest_pending_dbg_reserved, high, PASS)
{
	SET(GUEST_PENDING_DBG_EXCEPTIONS, 1ull << 17);
}
CASE(guest_pending_dbg_bs_set, PASS)
{
	SET(GUEST_INTERRUPTIBILITY_INFO, INTERRUPTIBILITY_STI);
	OR(GUEST_RFLAGS, RF_IF | RF_TF);
}
CASE(guest_pending_dbg_bs_clear, PASS)
{
	SET(GUEST_INTERRUPTIBILITY_INFO, INTERRUPTIBILITY_MOV_SS);
	SET(GUEST_PENDING_DBG_EXCEPTIONS, 1u << 14);
}
CASE2(guest_pending_dbg_bs_clear, btf, PASS)
{
	SET(GUEST_ACTIVITY_STATE, ACTIVITY_HLT);
	OR(GUEST_RFLAGS, RF_TF);
	SET(GUEST_IA32_DEBUGCTL, 2); /* BTF */
	SET(GUEST_PENDING_DBG_EXCEPTIONS, 1u << 14);
}
CASE(guest_pending_dbg_rtm_bits, PASS)
{
	t->e.cpuid7_ebx = 1u << 11;
	SET(GUEST_PENDING_DBG_EXCEPTIONS, (1u << 16) | 1);
}
CASE(guest_pending_dbg_rtm_cpu, PASS)
{
	SET(GUEST_PENDING_DBG_EXCEPTIONS, (1u << 16) | (1u << 12));
}
CASE(guest_pending_dbg_rtm_movss, PASS)
{
	t->e.cpuid7_ebx = 1u << 11;
	SET(GUEST_INTERRUPTIBILITY_INFO, INTERRUPTIBILITY_MOV_SS);
	SET(GUEST_PENDING_DBG_EXCEPTIONS, (1u << 16) | (1u << 12));
}
CASE(guest_link_align, NC(guest_link_revision))
{
	SET(VMCS_LINK_POINTER, LINK_VMCS + 0x10);
}
CASE(guest_link_width, NC(guest_link_revision))
{
	SET(VMCS_LINK_POINTER, 1ull << 40);
}
CASE(guest_link_revision, PASS)
{
	mem_put32(LINK_VMCS, 0x2b); /* the CPU's revision, not L1's */
	SET(VMCS_LINK_POINTER, LINK_VMCS);
}
CASE2(guest_link_revision, unmapped, NC(guest_link_shadow))
{
	shadowing(t); /* nothing to read: no shadow indicator either */
	SET(VMCS_LINK_POINTER, UNMAPPED);
}
CASE(guest_link_shadow, PASS)
{
	mem_put32(LINK_VMCS, VMCS12_REVISION | VMCS12_SHADOW_INDICATOR);
	SET(VMCS_LINK_POINTER, LINK_VMCS);
}
CASE2(guest_link_shadow, shadowing_on, PASS)
{
	shadowing(t);
	SET(VMCS_LINK_POINTER, LINK_VMCS);
}
CASE(guest_link_current, PASS)
{
	SET(VMCS_LINK_POINTER, CURRENT_VMCS);
}

/* ================= 27.3.1.6 PDPTEs ================= */
CASE(guest_pdpte_read, PASS)
{
	guest32(t);
	no_ug(t);
	CLR(SECONDARY_VM_EXEC_CONTROL, SEC_ENABLE_EPT);
	SET(GUEST_CR3, UNMAPPED);
}
CASE(guest_pdpte, PASS)
{
	guest32(t);
	SET(GUEST_PDPTR2, 0x1000 | 1 | 2); /* bit 1 reserved */
}
CASE2(guest_pdpte, memory, PASS)
{
	guest32(t);
	no_ug(t);
	CLR(SECONDARY_VM_EXEC_CONTROL, SEC_ENABLE_EPT);
	SET(GUEST_CR3, PDPT_PAGE | 0x40 | 0x18); /* bits 4:3 PWT/PCD */
	mem_put64(PDPT_PAGE + 0x40 + 8, 0x1001);
	mem_put64(PDPT_PAGE + 0x40 + 24, (1ull << 40) | 1);
}
CASE2(guest_pdpte, bit7, PASS)
{
	guest32(t);
	SET(GUEST_PDPTR0, 0x1000 | 1 | (1u << 7));
}

/* ================= valid variations ================= */
static void t_valid_base(void **state)
{
	struct tc tc, *t = &tc;

	(void)state;
	base(t);
	assert_passes(t);
	/* with the CPU's own MSRs as L1's view it would pass as well: the
	 * vmcs12 asks for nothing L0 does not offer */
	t->caps = tigerlake;
	assert_passes(t);
}

static void t_valid_modes(void **state)
{
	struct tc tc, *t = &tc;

	(void)state;
	base(t);
	guest32(t);
	assert_passes(t);
	base(t);
	host32(t);
	assert_passes(t);
	base(t);
	v86(t);
	assert_passes(t);
	base(t);
	real_mode_ug(t);
	assert_passes(t);
	base(t); /* a 16-bit busy TSS outside IA-32e mode */
	guest32(t);
	SET(GUEST_TR_AR_BYTES, 0x83);
	assert_passes(t);
	base(t); /* CS.L with a compatibility-mode RIP below 4 GiB */
	SET(GUEST_CS_AR_BYTES, 0xc09b);
	assert_passes(t);
	base(t); /* without unrestricted guest, EPT or VPID */
	no_ug(t);
	SET(SECONDARY_VM_EXEC_CONTROL, 0);
	assert_passes(t);
	base(t); /* no controls that load anything */
	SET(VM_ENTRY_CONTROLS, must1(skylake.true_entry) | ENTRY_IA32E_MODE);
	SET(GUEST_IA32_EFER, 0xfff); /* not loaded: not checked */
	SET(GUEST_DR7, ~0ull);
	assert_passes(t);
}

static void t_valid_events(void **state)
{
	struct tc tc, *t = &tc;
	static const struct {
		uint32_t info;
		uint32_t len;
	} ok[] = {
	    {EV(0, 0x20), 0},
	    {EV(2, 2), 0},
	    {EV(3, 13) | INTR_INFO_DELIVER_CODE, 0},
	    {EV(3, 8) | INTR_INFO_DELIVER_CODE, 0},
	    {EV(3, 17) | INTR_INFO_DELIVER_CODE, 0},
	    {EV(3, 6), 0},
	    {EV(3, 31), 0},
	    {EV(4, 0x80), 2},
	    {EV(5, 1), 1},
	    {EV(6, 3), 15},
	    {EV(6, 3), 0}, /* IA32_VMX_MISC[30] is 1 on skylake_x */
	};

	(void)state;
	for (unsigned i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		base(t);
		OR(GUEST_RFLAGS, RF_IF);
		SET(VM_ENTRY_INTR_INFO, ok[i].info);
		SET(VM_ENTRY_INSTRUCTION_LEN, ok[i].len);
		SET(VM_ENTRY_EXCEPTION_ERROR_CODE, 0xffff);
		assert_passes(t);
	}
	base(t); /* MTF pending with MTF offered */
	t->caps = tigerlake;
	SET(VM_ENTRY_INTR_INFO, EV(7, 0));
	assert_passes(t);
	base(t); /* unrestricted real mode: #GP has no error code */
	real_mode_ug(t);
	SET(VM_ENTRY_INTR_INFO, EV(3, 13));
	assert_passes(t);
	base(t); /* HLT lets #DB, #MC, NMI, external interrupts through */
	SET(GUEST_ACTIVITY_STATE, ACTIVITY_HLT);
	OR(GUEST_RFLAGS, RF_IF);
	SET(VM_ENTRY_INTR_INFO, EV(3, 1));
	assert_passes(t);
	SET(VM_ENTRY_INTR_INFO, EV(3, 18));
	assert_passes(t);
	SET(VM_ENTRY_INTR_INFO, EV(0, 0x30));
	assert_passes(t);
	SET(GUEST_ACTIVITY_STATE, ACTIVITY_SHUTDOWN);
	SET(VM_ENTRY_INTR_INFO, EV(2, 2));
	assert_passes(t);
	base(t); /* NMI blocking with an NMI injected, no virtual NMIs */
	CLR(PIN_BASED_VM_EXEC_CONTROL, PIN_VIRTUAL_NMIS);
	SET(GUEST_INTERRUPTIBILITY_INFO, INTERRUPTIBILITY_NMI);
	SET(VM_ENTRY_INTR_INFO, EV(2, 2));
	assert_passes(t);
}

static void t_valid_non_register(void **state)
{
	struct tc tc, *t = &tc;

	(void)state;
	base(t); /* enclave interruption with SGX */
	t->e.cpuid7_ebx = 1u << 2;
	SET(GUEST_INTERRUPTIBILITY_INFO, 1u << 4);
	assert_passes(t);
	base(t); /* RTM pending with RTM */
	t->e.cpuid7_ebx = 1u << 11;
	SET(GUEST_PENDING_DBG_EXCEPTIONS, (1u << 16) | (1u << 12));
	assert_passes(t);
	base(t); /* single step pending after STI */
	SET(GUEST_INTERRUPTIBILITY_INFO, INTERRUPTIBILITY_STI);
	OR(GUEST_RFLAGS, RF_IF | RF_TF);
	SET(GUEST_PENDING_DBG_EXCEPTIONS, (1u << 14) | 1);
	assert_passes(t);
	base(t); /* a link to a shadow VMCS with VMCS shadowing */
	shadowing(t);
	mem_put32(LINK_VMCS, VMCS12_REVISION | VMCS12_SHADOW_INDICATOR);
	SET(VMCS_LINK_POINTER, LINK_VMCS);
	assert_passes(t);
	base(t); /* PDPTEs from L1's memory, not present ones unchecked */
	guest32(t);
	no_ug(t);
	CLR(SECONDARY_VM_EXEC_CONTROL, SEC_ENABLE_EPT);
	SET(GUEST_CR3, PDPT_PAGE | 0x20);
	mem_put64(PDPT_PAGE + 0x20, 0x1001);
	mem_put64(PDPT_PAGE + 0x28, ~1ull);
	assert_passes(t);
	base(t); /* with EPT the fields count, not memory */
	guest32(t);
	SET(GUEST_CR3, UNMAPPED);
	SET(GUEST_PDPTR3, 0xfffff001ull);
	assert_passes(t);
	base(t); /* no PAE paging (IA-32e): the PDPTE fields are ignored */
	SET(GUEST_PDPTR0, ~0ull);
	assert_passes(t);
}

/*
 * The valid states next to the Bochs deviations of tests/fuzz/deviations
 * (docs/bochs-deviations.md): a rule there may only count cases where L0
 * refused something the SDM refuses, so L0 must accept each of these.
 */
static void t_valid_next_to_deviations(void **state)
{
	struct tc tc, *t = &tc;

	(void)state;
	/* SDM 27.3.1.2: an unusable SS (bit 16) gets no type/S/P/limit
	 * checks; its DPL (0 here) is still the CPL */
	base(t);
	SET(GUEST_SS_AR_BYTES, 0x10000);
	assert_passes(t);
	base(t); /* the same in 32-bit protected mode with unrestricted guest */
	guest32(t);
	SET(GUEST_SS_AR_BYTES, 0x10000);
	assert_passes(t);
	base(t); /* in real mode with unrestricted guest */
	real_mode_ug(t);
	SET(GUEST_SS_AR_BYTES, 0x10000);
	assert_passes(t);
	/* a null SS selector with a usable, valid SS: usability is bit 16 */
	base(t);
	SET(GUEST_SS_SELECTOR, 0);
	assert_passes(t);
	base(t);
	guest32(t);
	SET(GUEST_SS_SELECTOR, 0);
	assert_passes(t);
	/* a data-segment register holding type 11 (execute/read code,
	 * accessed) without unrestricted guest: DPL >= RPL is all it needs */
	base(t);
	no_ug(t);
	SET(GUEST_DS_AR_BYTES, 0xc09b);
	assert_passes(t);
	SET(GUEST_DS_AR_BYTES, 0xc0fb); /* DPL 3, RPL 3 */
	SET(GUEST_DS_SELECTOR, 0x13);
	assert_passes(t);
	SET(GUEST_ES_AR_BYTES, 0xc09f); /* conforming code: no DPL/RPL rule */
	SET(GUEST_ES_SELECTOR, 0x13);
	assert_passes(t);
	/* SDM 27.3.1.5: TF 1, BTF 0 with blocking by MOV SS or STI, or in
	 * HLT: BS must be 1 -- and is */
	base(t);
	SET(GUEST_INTERRUPTIBILITY_INFO, INTERRUPTIBILITY_MOV_SS);
	OR(GUEST_RFLAGS, RF_TF);
	SET(GUEST_PENDING_DBG_EXCEPTIONS, 1u << 14);
	assert_passes(t);
	SET(GUEST_INTERRUPTIBILITY_INFO, INTERRUPTIBILITY_STI);
	OR(GUEST_RFLAGS, RF_IF);
	assert_passes(t);
	base(t);
	SET(GUEST_ACTIVITY_STATE, ACTIVITY_HLT);
	OR(GUEST_RFLAGS, RF_TF);
	SET(GUEST_PENDING_DBG_EXCEPTIONS, (1u << 14) | (1u << 12));
	assert_passes(t);
	/* TF 1 with BTF 1: BS must be 0 -- and is */
	base(t);
	SET(GUEST_INTERRUPTIBILITY_INFO, INTERRUPTIBILITY_MOV_SS);
	OR(GUEST_RFLAGS, RF_TF);
	SET(GUEST_IA32_DEBUGCTL, 1u << 1);
	assert_passes(t);
	/* no blocking, not halted: BS and TF are free */
	base(t);
	SET(GUEST_PENDING_DBG_EXCEPTIONS, 1u << 14);
	assert_passes(t);
	OR(GUEST_RFLAGS, RF_TF);
	SET(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	assert_passes(t);
	/* SDM 27.3.1.5: shutdown takes an NMI or #MC (hardware exception 18) */
	base(t);
	SET(GUEST_ACTIVITY_STATE, ACTIVITY_SHUTDOWN);
	SET(VM_ENTRY_INTR_INFO, EV(3, 18));
	assert_passes(t);
	/* SDM 27.3.1.1: DEBUGCTL's reserved bits count only when it is loaded */
	base(t);
	assert_false(must1(t->caps.true_entry) & ENTRY_LOAD_DEBUG_CONTROLS);
	CLR(VM_ENTRY_CONTROLS, ENTRY_LOAD_DEBUG_CONTROLS);
	SET(GUEST_IA32_DEBUGCTL, 0x3c | (1ull << 32));
	assert_passes(t);
	/* SDM 27.3.1.4: the edges of canonical RIPs in 64-bit mode */
	base(t);
	SET(GUEST_RIP, 0x00007fffffffffffull);
	assert_passes(t);
	SET(GUEST_RIP, 0xffff800000000000ull);
	assert_passes(t);
}

/* ================= the list, the skip option, the log ================= */
/*
 * 5-level paging (nested/x86_rules.h): on a CPU with LA57 the canonical
 * checks of bases, SYSENTER MSRs and the guest RIP take 57 bits whatever
 * CR4.LA57 says; the host RIP follows the host CR4 field's LA57.
 */
#define CR4_LA57   (1ull << 12)
#define CANON57	   NONCANON /* bit 47 set, 63:48 clear: 57-bit canonical */
#define NONCANON57 0x0100000000000000ull

static const struct {
	uint32_t field;
	enum nested_check_id id;
} la57_fields[] = {
	{HOST_IA32_SYSENTER_ESP, NC_host_sysenter_esp},
	{HOST_IA32_SYSENTER_EIP, NC_host_sysenter_eip},
	{HOST_FS_BASE, NC_host_base_canonical},
	{HOST_GS_BASE, NC_host_base_canonical},
	{HOST_TR_BASE, NC_host_base_canonical},
	{HOST_GDTR_BASE, NC_host_base_canonical},
	{HOST_IDTR_BASE, NC_host_base_canonical},
	{GUEST_SYSENTER_ESP, NC_guest_sysenter_esp},
	{GUEST_SYSENTER_EIP, NC_guest_sysenter_eip},
	{GUEST_GDTR_BASE, NC_guest_gdtr_base},
	{GUEST_IDTR_BASE, NC_guest_idtr_base},
	{GUEST_FS_BASE, NC_guest_base_canonical},
	{GUEST_GS_BASE, NC_guest_base_canonical},
	{GUEST_TR_BASE, NC_guest_base_canonical},
	{GUEST_RIP, NC_guest_rip_canonical},
};

static void expect_fails(struct tc *t, enum nested_check_id id)
{
	struct verdict v = run(t);

	if (!v.name || strcmp(v.name, nested_check_names[id]))
		fail_msg("expected %s to fail, got %s", nested_check_names[id],
			 v.name ? v.name : "a pass");
}

static void t_la57_field_widths(void **state)
{
	struct tc tc, *t = &tc;

	(void)state;
	for (unsigned i = 0; i < sizeof(la57_fields) / sizeof(la57_fields[0]);
	     i++) {
		uint32_t f = la57_fields[i].field;

		/* a CPU without LA57: 48 bits */
		base(t);
		SET(f, CANON57);
		expect_fails(t, la57_fields[i].id);
		/* with LA57, CR4.LA57 clear in both host and guest fields */
		t->e.la57 = true;
		assert_passes(t);
		SET(f, CANON57 | 0xfe00000000000000ull);
		expect_fails(t, la57_fields[i].id);
		SET(f, NONCANON57);
		expect_fails(t, la57_fields[i].id);
		SET(f, 0xff00000000000000ull);
		assert_passes(t);
	}
}

static void t_la57_host_rip(void **state)
{
	struct tc tc, *t = &tc;

	(void)state;
	base(t);
	t->e.la57 = true;
	t->caps.cr4_fixed1 |= CR4_LA57;
	/* L1 returns to 4-level paging: RIP canonical to 48 bits */
	SET(HOST_RIP, CANON57);
	expect_fails(t, NC_host_as_rip_canonical);
	SET(HOST_RIP, 0xff11000000001000ull);
	expect_fails(t, NC_host_as_rip_canonical);
	/* L1 returns to 5-level paging: 57 bits */
	OR(HOST_CR4, CR4_LA57);
	assert_passes(t);
	SET(HOST_RIP, CANON57);
	assert_passes(t);
	SET(HOST_RIP, NONCANON57);
	expect_fails(t, NC_host_as_rip_canonical);
	/* a CPU without LA57 cannot have it in the host CR4 field */
	SET(HOST_RIP, 0xffffffff81000000ull);
	t->caps.cr4_fixed1 &= ~CR4_LA57;
	expect_fails(t, NC_host_cr4_fixed);
}

/* Linux with 5-level paging as L1 and as L2: its addresses all pass. */
static void t_la57_five_level_guest(void **state)
{
	struct tc tc, *t = &tc;

	(void)state;
	base(t);
	t->e.la57 = true;
	t->caps.cr4_fixed1 |= CR4_LA57;
	OR(HOST_CR4, CR4_LA57);
	OR(GUEST_CR4, CR4_LA57);
	SET(HOST_GS_BASE, 0xff11000100000000ull);
	SET(HOST_RIP, 0xff11000000001000ull);
	SET(GUEST_GS_BASE, 0xff11000200000000ull);
	SET(GUEST_RIP, 0x00ff800000001000ull);
	assert_passes(t);
	/* LA57 in the guest CR4 field outside IA-32e mode: no check */
	guest32(t);
	SET(GUEST_RIP, 0x1000);
	assert_passes(t);
}

static void t_skip_only_named(void **state)
{
	struct tc tc, *t = &tc;
	struct verdict v;

	(void)state;
	base(t);
	SET(VPID, 0);
	t->e.skip = "ctl.eptp"; /* another check: no effect */
	v = run(t);
	assert_int_equal(v.kind, 7);
	assert_string_equal(v.name, "ctl.vpid");
	t->e.skip = "no.such.check";
	v = run(t);
	assert_string_equal(v.name, "ctl.vpid");
	/* the skip is logged once, at debug level */
	debug_lines = 0;
	t->e.skip = "ctl.vpid";
	assert_passes(t);
	assert_passes(t);
	assert_true(debug_lines <= 1);
}

static void t_log_values(void **state)
{
	struct tc tc, *t = &tc;

	(void)state;
	base(t);
	SET(HOST_DS_SELECTOR, 0x13);
	run(t);
	assert_non_null(strstr(last_line, "host.sel.rpl_ti failed"));
	assert_non_null(strstr(last_line, "DS 0x13"));
	base(t);
	SET(GUEST_RFLAGS, 0x8002);
	run(t);
	assert_non_null(strstr(last_line, "rflags 0x8002"));
}

static char reported[LOG_LINE_MAX];
static void *reported_ctx;

static void report(void *ctx, const char *line)
{
	reported_ctx = ctx;
	snprintf(reported, sizeof(reported), "%s", line);
}

/* With a report hook (L0's guest events), the line goes there, not to the
 * log, with the same text. */
static void t_report_hook(void **state)
{
	struct tc tc, *t = &tc;
	int marker;

	(void)state;
	base(t);
	SET(HOST_DS_SELECTOR, 0x13);
	t->e.report = report;
	t->e.ctx = &marker;
	last_line[0] = 0;
	reported[0] = 0;
	run(t);
	assert_string_equal(last_line, "");
	assert_ptr_equal(reported_ctx, &marker);
	assert_non_null(strstr(reported, "nested: VM-entry check "
					 "host.sel.rpl_ti failed: "));
	assert_non_null(strstr(reported, "DS 0x13"));
	assert_null(strchr(reported, '\n'));
}

static void t_names(void **state)
{
	(void)state;
	assert_true(NESTED_CHECK_COUNT > 100);
	for (int i = 0; i < NESTED_CHECK_COUNT; i++) {
		const char *n = nested_check_names[i];

		/* what the nested_skip_check option accepts: 47 bytes of
		 * letters, digits, '.', '_', '-' */
		assert_true(strlen(n) > 0 && strlen(n) <= 47);
		for (const char *p = n; *p; p++)
			assert_true((*p >= 'a' && *p <= 'z') ||
				    (*p >= '0' && *p <= '9') || *p == '.' ||
				    *p == '_');
		assert_int_equal(nested_check_lookup(n), i);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(n, nested_check_names[j]);
	}
	assert_int_equal(nested_check_lookup("guest.cs.type"),
			 NC_guest_cs_type);
	assert_int_equal(nested_check_lookup("guest.cs"), -1);
	assert_int_equal(nested_check_lookup(""), -1);
	assert_int_equal(nested_check_lookup(NULL), -1);
}

/* Runs last: every check failed in its own case. */
static void t_every_check_has_a_case(void **state)
{
	(void)state;
	for (int i = 0; i < NESTED_CHECK_COUNT; i++)
		if (!covered[i])
			fail_msg("no case made %s fail", nested_check_names[i]);
}

/* ================= docs/entry-checks.md ================= */
#define DOC_ROW(id, name, sec, verdict, qual, text)                            \
	{name, sec, verdict, qual, text, "t_" #id},
static const struct {
	const char *name, *sec;
	unsigned verdict, qual;
	const char *text, *test;
} rows[] = {NESTED_CHECK_LIST(DOC_ROW)};

static void print_doc(void)
{
	printf("| # | check | SDM | requires | verdict | unit test |\n");
	printf("| --- | --- | --- | --- | --- | --- |\n");
	for (unsigned i = 0; i < NESTED_CHECK_COUNT; i++) {
		char verdict[32];

		if (rows[i].verdict == 33)
			snprintf(verdict, sizeof(verdict), "exit 33, qual %u",
				 rows[i].qual);
		else
			snprintf(verdict, sizeof(verdict), "VMfailValid %u",
				 rows[i].verdict);
		printf("| %u | `%s` | %s | %s | %s | `%s` |\n", i + 1,
		       rows[i].name, rows[i].sec, rows[i].text, verdict,
		       rows[i].test);
	}
}

static void t_docs_in_sync(void **state)
{
	FILE *f = fopen(DOC_PATH, "r");
	static char doc[256 * 1024];
	char want[512];
	size_t n;

	(void)state;
	if (!f)
		fail_msg("cannot open %s (run from the repository root)",
			 DOC_PATH);
	n = fread(doc, 1, sizeof(doc) - 1, f);
	fclose(f);
	doc[n] = 0;
	snprintf(want, sizeof(want), "%d checks", NESTED_CHECK_COUNT);
	if (!strstr(doc, want))
		fail_msg("%s does not say '%s'", DOC_PATH, want);
	/* every row as --doc prints it */
	for (unsigned i = 0; i < NESTED_CHECK_COUNT; i++) {
		snprintf(want, sizeof(want), "| %u | `%s` | %s |", i + 1,
			 rows[i].name, rows[i].sec);
		if (!strstr(doc, want))
			fail_msg("%s lacks the row '%s' (regenerate the table "
				 "with test_checks --doc)",
				 DOC_PATH, want);
	}
	/* and no row of a check that no longer exists */
	for (char *p = strstr(doc, "\n| "); p; p = strstr(p + 1, "\n| ")) {
		char name[64];

		if (sscanf(p, "\n| %*u | `%63[^`]`", name) == 1 &&
		    nested_check_lookup(name) < 0)
			fail_msg("%s has a row for '%s', no such check",
				 DOC_PATH, name);
	}
}

/* Every field a part read in any case is among its declared inputs. */
static void t_part_inputs_declared(void **state)
{
	unsigned parts_read = 0;

	(void)state;
	for (unsigned p = 0; p < NC_PART_COUNT; p++) {
		parts_read += !dirty12_empty(&part_reads[p]);
		for (unsigned s = 0; s < VMCS12_SLOT_COUNT; s++)
			if (dirty12_test(&part_reads[p], s) &&
			    !dirty12_test(&nc_part_inputs[p], s))
				fail_msg("check part %u reads slot %u, not in "
					 "its inputs (NC_PART_LIST)",
					 p, s);
	}
	/* the recording works: every part read something */
	assert_int_equal(parts_read, NC_PART_COUNT);
}

static int setup(void **state)
{
	(void)state;
	vcaps12_compute(&bochs_skylake_x, &skylake);
	vcaps12_compute(&bochs_tigerlake, &tigerlake);
	log_setup(sink, NULL, LOG_DEBUG);
	return 0;
}

#define REGISTER(id, name, sec, verdict, qual, text) cmocka_unit_test(t_##id),

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_valid_base),
	    cmocka_unit_test(t_valid_modes),
	    cmocka_unit_test(t_valid_events),
	    cmocka_unit_test(t_valid_non_register),
	    cmocka_unit_test(t_valid_next_to_deviations),
	    NESTED_CHECK_LIST(REGISTER)
	    /* second cases of some checks */
	    cmocka_unit_test(t_ctl_pin_reserved_must1),
	    cmocka_unit_test(t_ctl_proc_reserved_mtf),
	    cmocka_unit_test(t_ctl_eptp_width),
	    cmocka_unit_test(t_ctl_exit_msr_load_addr_width),
	    cmocka_unit_test(t_ctl_entry_reserved_dual_monitor),
	    cmocka_unit_test(t_ctl_event_error_code_extra),
	    cmocka_unit_test(t_ctl_event_error_code_swint),
	    cmocka_unit_test(t_ctl_event_error_code_real_mode),
	    cmocka_unit_test(t_host_cr0_fixed_high),
	    cmocka_unit_test(t_host_cr4_fixed_cet),
	    cmocka_unit_test(t_host_sel_rpl_ti_tr_ti),
	    cmocka_unit_test(t_host_base_canonical_tr),
	    cmocka_unit_test(t_host_as_l1_mode_host32_in_long_mode),
	    cmocka_unit_test(t_guest_cr0_fixed_pe_without_ug),
	    cmocka_unit_test(t_guest_base_canonical_tr),
	    cmocka_unit_test(t_la57_field_widths),
	    cmocka_unit_test(t_la57_host_rip),
	    cmocka_unit_test(t_la57_five_level_guest),
	    cmocka_unit_test(t_guest_cs_type_data_without_ug),
	    cmocka_unit_test(t_guest_ss_dpl_zero_real_mode),
	    cmocka_unit_test(t_guest_seg_p_cs),
	    cmocka_unit_test(t_guest_seg_g_low_bits),
	    cmocka_unit_test(t_guest_tr_type_tss16_ia32e),
	    cmocka_unit_test(t_guest_rip_high_compat),
	    cmocka_unit_test(t_guest_rflags_reserved_bit15),
	    cmocka_unit_test(t_guest_rflags_reserved_bit22),
	    cmocka_unit_test(t_guest_rflags_vm_ia32e),
	    cmocka_unit_test(t_guest_activity_supported_four),
	    cmocka_unit_test(t_guest_activity_event_shutdown_extint),
	    cmocka_unit_test(t_guest_intr_enclave_movss),
	    cmocka_unit_test(t_guest_pending_dbg_reserved_high),
	    cmocka_unit_test(t_guest_pending_dbg_bs_clear_btf),
	    cmocka_unit_test(t_guest_link_revision_unmapped),
	    cmocka_unit_test(t_guest_link_shadow_shadowing_on),
	    cmocka_unit_test(t_guest_pdpte_memory),
	    cmocka_unit_test(t_guest_pdpte_bit7),
	    /* the list, the option, the log, the docs */
	    cmocka_unit_test(t_skip_only_named),
	    cmocka_unit_test(t_log_values),
	    cmocka_unit_test(t_report_hook),
	    cmocka_unit_test(t_names),
	    cmocka_unit_test(t_docs_in_sync),
	    cmocka_unit_test(t_every_check_has_a_case),
	    /* last: after every case has run */
	    cmocka_unit_test(t_part_inputs_declared),
	};

	if (argc > 1 && !strcmp(argv[1], "--doc")) {
		print_doc();
		return 0;
	}
	return cmocka_run_group_tests(tests, setup, NULL);
}
