/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Attack payload for L0's MSR policy (vmx/msr_policy.def, issue 9 findings
 * 2 and 5), run as L1. Each check shows the result L1 gets; the system test
 * (tests/system/t-attack-msr.sh) also reads L0's log for the policy's
 * verdicts, and the payload ends with L0 alive on every CPU.
 *   - CPUID hides Intel PT, DS (BTS/PEBS) and the PMU; their MSRs #GP,
 *     also with addresses inside L0's region as values.
 *   - IA32_MISC_ENABLE says BTS and PEBS are unavailable; its XD-disable
 *     bit is L1's own (the CPU's NX stays, or L0's page tables would break).
 *   - IA32_BIOS_UPDT_TRIG loads nothing (the microcode revision stays).
 *   - MTRR writes read back as written; the CPU's MTRRs (L0's memory
 *     types) stay as they were (HC_MTRR_HW).
 *   - IA32_APIC_BASE: moving the xAPIC page onto L0's region and disabling
 *     the APIC are refused (#GP), the APIC stays where it was and still
 *     delivers a self-NMI; on an AP, x2APIC mode can be entered, delivers a
 *     self-NMI through the x2APIC ICR, and x2APIC -> xAPIC directly is #GP.
 *   - The same through VMX MSR lists: tests/guests/attack_msrlist.c.
 */
#include <efi.h>
#include <efilib.h>

#include "core/gevent.h"
#include "tests/guests/attack_msr.h"

#define MSR_APIC_BASE	     0x1b
#define MSR_BIOS_UPDT_TRIG   0x79
#define MSR_BIOS_SIGN_ID     0x8b
#define MSR_MTRRCAP	     0xfe
#define MSR_MISC_ENABLE	     0x1a0
#define MSR_MTRR_PHYSBASE0   0x200
#define MSR_MTRR_PHYSMASK0   0x201
#define MSR_MTRR_FIX4K_C0000 0x268
#define MSR_MTRR_DEF_TYPE    0x2ff
#define MSR_X2APIC_ICR	     0x830
#define APIC_EXTD	     ((uint64_t)1 << 10)
#define APIC_EN		     ((uint64_t)1 << 11)

struct l0_region l0;

static bool get_l0(void)
{
	uint64_t b = 0, c = 0, d = 0;

	if (hypercall(HC_L0_INFO, &b, &c, &d) != HC_OK)
		return false;
	l0 = (struct l0_region){b, c};
	return true;
}

/* ---- Intel PT, DS, PMU ---- */

static void check_cpuid_hides(void)
{
	struct cpuid_regs r1 = cpuid(1, 0), r7 = cpuid(7, 0);
	uint32_t max = cpuid(0, 0).eax;
	struct cpuid_regs pt =
	    max >= 0x14 ? cpuid(0x14, 0) : (struct cpuid_regs){0};
	struct cpuid_regs pm =
	    max >= 0xa ? cpuid(0xa, 0) : (struct cpuid_regs){0};
	bool ok = !(r7.ebx & (1u << 25)) &&
		  !(pt.eax | pt.ebx | pt.ecx | pt.edx) &&
		  !(r1.edx & (1u << 21)) &&
		  !(r1.ecx & ((1u << 2) | (1u << 4) | (1u << 15))) && !pm.eax;

	check("cpuid-hides-pt-ds-pmu", ok,
	      "7.EBX[25]=%u 0x14.EAX=0x%x 1.EDX.DS=%u "
	      "1.ECX(DTES64,DS-CPL,PDCM)=0x%x 0xA.EAX=0x%x",
	      (r7.ebx >> 25) & 1, pt.eax, (r1.edx >> 21) & 1,
	      r1.ecx & ((1u << 2) | (1u << 4) | (1u << 15)), pm.eax);
}

static const struct {
	uint32_t msr;
	const char *name;
} refused[] = {
    {0x570, "rtit-ctl"},	 {0x571, "rtit-status"},
    {0x560, "rtit-output-base"}, {0x561, "rtit-output-mask-ptrs"},
    {0x580, "rtit-addr0-a"},	 {0x600, "ds-area"},
    {0x3f1, "pebs-enable"},	 {0x38f, "perf-global-ctrl"},
    {0xc80, "debug-interface"},
};

/* Each write aims at L0's region (an output address, a buffer). */
static void check_refused_msrs(void)
{
	for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		uint64_t v = 0;
		int w = try_wrmsr(refused[i].msr, l0.base | 1);
		int r = try_rdmsr(refused[i].msr, &v);
		bool ok =
		    w == VEC_GP && (r == VEC_GP || refused[i].msr == 0xc80);

		check(refused[i].name, ok, "WRMSR 0x%x, 0x%lx: %s; RDMSR: %s",
		      refused[i].msr, l0.base | 1, vector_name(w),
		      vector_name(r));
	}
}

/*
 * Every refusal is L0's guest event (counted even when the rate limit keeps
 * its log line back): three more DS_AREA writes add exactly three.
 */
static bool msr_denied(uint64_t *count)
{
	uint64_t b = GEV_MSR_DENIED, c = HC_GEV_SELF, d = 0;

	if (hypercall(HC_GUEST_EVENTS, &b, &c, &d) != HC_OK)
		return false;
	*count = b;
	return true;
}

static void check_refusals_counted(void)
{
	uint64_t before = 0, after = 0;
	unsigned gp = 0;
	bool ok = msr_denied(&before);

	for (unsigned i = 0; i < 3; i++)
		gp += try_wrmsr(0x600, l0.base | 1) == VEC_GP;
	ok = ok && msr_denied(&after);
	check("refusals-counted", ok && gp == 3 && after - before == 3,
	      "3 DS_AREA writes: %u #GP, L0 counted %lu refusals", gp,
	      after - before);
}

static void check_misc_enable(void)
{
	uint64_t m = 0, back = 0;
	int r = try_rdmsr(MSR_MISC_ENABLE, &m);

	check("misc-enable-no-bts-pebs", r == NO_FAULT && (m >> 11 & 3) == 3,
	      "IA32_MISC_ENABLE 0x%lx (bits 11, 12 = BTS, PEBS unavailable)",
	      m);
	/* XD disable (bit 34) would take NX away from L0's page tables */
	int w = try_wrmsr(MSR_MISC_ENABLE, m | (1ull << 34));

	try_rdmsr(MSR_MISC_ENABLE, &back);
	try_wrmsr(MSR_MISC_ENABLE, m);
	check("misc-enable-xd-disable-virtual",
	      w == NO_FAULT && (back & (1ull << 34)),
	      "WRMSR XD-disable: %s, read back 0x%lx, L0 alive after: %s",
	      vector_name(w), back, l0_answers() ? "yes" : "no");
}

static void check_microcode(void)
{
	uint64_t before = 0, after = 0;

	try_wrmsr(MSR_BIOS_SIGN_ID, 0);
	cpuid(1, 0);
	try_rdmsr(MSR_BIOS_SIGN_ID, &before);
	/* an "update" whose address is L0's region */
	int w = try_wrmsr(MSR_BIOS_UPDT_TRIG, l0.base);

	try_wrmsr(MSR_BIOS_SIGN_ID, 0);
	cpuid(1, 0);
	try_rdmsr(MSR_BIOS_SIGN_ID, &after);
	check("bios-updt-trig-loads-nothing", w == NO_FAULT && before == after,
	      "WRMSR 0x79, 0x%lx: %s; microcode revision 0x%lx -> 0x%lx",
	      l0.base, vector_name(w), before >> 32, after >> 32);
}

/* ---- MTRRs ---- */

static bool hw_mtrr(uint32_t msr, uint64_t *v)
{
	uint64_t b = 0, c = msr, d = 0;

	if (hypercall(HC_MTRR_HW, &b, &c, &d) != HC_OK)
		return false;
	*v = b;
	return true;
}

static void mtrr_case(const char *name, uint32_t msr, uint64_t value)
{
	uint64_t old = 0, back = 0, hw0 = 0, hw1 = 0;
	bool hw = hw_mtrr(msr, &hw0);

	try_rdmsr(msr, &old);
	int w = try_wrmsr(msr, value);

	try_rdmsr(msr, &back);
	hw = hw && hw_mtrr(msr, &hw1);
	try_wrmsr(msr, old);
	check(name, w == NO_FAULT && back == value && hw && hw1 == hw0,
	      "MSR 0x%x: wrote 0x%lx (%s), read 0x%lx; the CPU's 0x%lx -> "
	      "0x%lx%s",
	      msr, value, vector_name(w), back, hw0, hw1,
	      hw ? "" : " (no HC_MTRR_HW answer)");
}

static void check_mtrrs(void)
{
	uint64_t cap = 0, def = 0;

	if (try_rdmsr(MSR_MTRRCAP, &cap) != NO_FAULT || !(cap & 0xff)) {
		check("mtrr-var-virtual", false,
		      "no variable MTRRs (MTRRCAP 0x%lx)", cap);
		return;
	}
	/* L0's region uncached: on the CPU this would slow or break L0 */
	mtrr_case("mtrr-var-virtual", MSR_MTRR_PHYSBASE0, l0.base & ~0xfffull);
	mtrr_case("mtrr-mask-virtual", MSR_MTRR_PHYSMASK0,
		  (~(l0.size - 1) & 0xffffff000ull) | (1ull << 11));
	try_rdmsr(MSR_MTRR_DEF_TYPE, &def);
	mtrr_case("mtrr-def-type-virtual", MSR_MTRR_DEF_TYPE,
		  (def & ~0xffull) | 0);
	if (cap & (1ull << 8))
		mtrr_case("mtrr-fixed-virtual", MSR_MTRR_FIX4K_C0000, 0);
	int w = try_wrmsr(MSR_MTRRCAP, 0);

	check("mtrrcap-read-only", w == VEC_GP, "WRMSR IA32_MTRRCAP: %s",
	      vector_name(w));
}

/* ---- IA32_APIC_BASE ---- */

static void check_apic_base(void)
{
	uint64_t base = 0, after = 0;

	try_rdmsr(MSR_APIC_BASE, &base);
	uint64_t page = base & 0xffffff000ull;
	/* the xAPIC page onto L0's region (its canary page, say) */
	uint64_t moved = (base & 0xfff) | (l0.base & ~0xfffull);
	int w = try_wrmsr(MSR_APIC_BASE, moved);

	try_rdmsr(MSR_APIC_BASE, &after);
	check("apic-base-move-refused", w == VEC_GP && after == base,
	      "WRMSR IA32_APIC_BASE 0x%lx -> 0x%lx: %s, now 0x%lx", base, moved,
	      vector_name(w), after);
	w = try_wrmsr(MSR_APIC_BASE, base & ~APIC_EN);
	try_rdmsr(MSR_APIC_BASE, &after);
	check("apic-disable-refused", w == VEC_GP && after == base,
	      "WRMSR IA32_APIC_BASE 0x%lx (disable): %s, now 0x%lx",
	      base & ~APIC_EN, vector_name(w), after);
	w = try_wrmsr(MSR_APIC_BASE, base);
	check("apic-base-same-allowed", w == NO_FAULT,
	      "WRMSR IA32_APIC_BASE 0x%lx: %s", base, vector_name(w));
	check("apic-still-delivers",
	      !(base & APIC_EXTD) && self_nmi_xapic(page),
	      "a self-NMI through the xAPIC at 0x%lx reached L1", page);
}

/* x2APIC on one AP (the BSP's firmware keeps using the xAPIC). */
static volatile struct {
	int enable, back_to_xapic;
	uint64_t before, after, nmis;
	bool done;
} x2;

static VOID EFIAPI ap_x2apic(VOID *arg)
{
	uint64_t base = 0, id = 0;
	unsigned spins = 0;

	(void)arg;
	trap_arm();
	try_rdmsr(MSR_APIC_BASE, &base);
	x2.before = base;
	x2.enable = try_wrmsr(MSR_APIC_BASE, base | APIC_EXTD);
	try_rdmsr(MSR_APIC_BASE, (uint64_t *)&x2.after);
	trap_nmis = 0;
	if (x2.enable == NO_FAULT) {
		try_rdmsr(0x802, &id); /* x2APIC ID */
		try_wrmsr(MSR_X2APIC_ICR, id << 32 | ICR_NMI_ASSERT);
		while (!trap_nmis && ++spins < NMI_WAIT_SPINS)
			cpu_relax();
		/* SDM 11.12.5: x2APIC -> xAPIC only through "disabled" */
		x2.back_to_xapic = try_wrmsr(MSR_APIC_BASE, base);
	}
	x2.nmis = trap_nmis;
	trap_disarm();
	x2.done = true;
}

static void check_x2apic(void)
{
	mp_services *s = mp_locate();
	UINTN count = 0, enabled = 0, ap = 0;

	if (!(cpuid(1, 0).ecx & (1u << 21))) {
		guest_printf("attack_msr: SKIP x2apic-enable "
			     "(CPUID.1:ECX.x2APIC is 0)\n");
		return;
	}
	if (!s || EFI_ERROR(s->GetNumberOfProcessors(s, &count, &enabled)) ||
	    enabled < 2) {
		guest_printf("attack_msr: SKIP x2apic-enable (no AP)\n");
		return;
	}
	ap = mp_first_ap(s);
	EFI_STATUS st =
	    s->StartupThisAP(s, ap_x2apic, ap, NULL, 20000000, NULL, NULL);

	check("x2apic-enable",
	      !EFI_ERROR(st) && x2.done && x2.enable == NO_FAULT &&
		  (x2.after & APIC_EXTD),
	      "AP %lu: IA32_APIC_BASE 0x%lx -> 0x%lx (%s), StartupThisAP 0x%lx",
	      (uint64_t)ap, x2.before, x2.after, vector_name(x2.enable),
	      (uint64_t)st);
	check("x2apic-self-nmi", x2.nmis == 1,
	      "%lu NMI reached the AP through the x2APIC ICR", x2.nmis);
	check("x2apic-to-xapic-gp", x2.back_to_xapic == VEC_GP,
	      "x2APIC -> xAPIC directly: %s", vector_name(x2.back_to_xapic));
}

bool l0_answers(void)
{
	uint64_t b = 0, c = 0, d = 0;

	return hypercall(HC_VCPU_EXITS, &b, &c, &d) == HC_OK;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	InitializeLib(image, systab);
	BS->SetWatchdogTimer(0, 0, 0, NULL);
	guest_init("attack_msr");
	guest_printf("attack_msr: start\n");
	if (!get_l0()) {
		/* bare CPU: the architectural reference for the x2APIC checks
		 */
		guest_printf("attack_msr: info no L0: x2APIC checks only\n");
		check_x2apic();
		guest_finish();
	}
	guest_printf("attack_msr: info L0 region 0x%lx, %lu KiB\n", l0.base,
		     l0.size >> 10);
	check_cpuid_hides();
	check_refused_msrs();
	check_refusals_counted();
	check_misc_enable();
	check_microcode();
	check_mtrrs();
	check_apic_base();
	attack_msr_lists();
	check_x2apic();
	l0_alive_everywhere();
	guest_finish();
}
