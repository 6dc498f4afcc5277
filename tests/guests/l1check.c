/* SPDX-License-Identifier: Apache-2.0 */
/*
 * l1check: chain-loaded by Matryoshka's loader, it runs as L1 and checks from
 * the inside what L0 promises: a visible hypervisor, the VMX bits and
 * instructions L0 owns behaving as architecturally specified for a CPU in
 * L1's position, the hypercalls, L0's memory out of L1's reach, and every AP
 * virtualized. On bare firmware the hypervisor checks fail (which shows they
 * can) and the architectural ones pass; nothing is touched at an address an
 * absent L0 did not give us.
 */
#include <efi.h>
#include <efilib.h>

#include "tests/guests/guestlib.h"

#define CR0_NE	    (1ull << 5)
#define CR4_PCE	    (1ull << 8)
#define CR4_VMXE    (1ull << 13)
#define CR4_OSXSAVE (1ull << 18)

#define CPUID1_ECX_VMX	 (1u << 5)
#define CPUID1_ECX_XSAVE (1u << 26)
#define CPUID1_ECX_HV	 (1u << 31)

#define MSR_FEATURE_CONTROL 0x3a
#define FC_LOCK		    (1ull << 0)
#define FC_VMX_OUTSIDE_SMX  (1ull << 2)

#define XCR0_X87_SSE 3ull
#define XCR0_SSE     2ull /* x87 clear: never a valid XCR0 */

#define VMCS_GUEST_RIP 0x681eull

/* How much of L0's region the write test covers. */
#define L0_WRITE_SPAN (64u << 10)
#define L0_POISON     0x5a5a5a5a5a5a5a5aull

#define AP_TIMEOUT_US (30ull * 1000 * 1000)

static uint64_t cr0_at_start;

static void check_cpuid(void)
{
	struct cpuid_regs r = cpuid(1, 0);
	uint32_t max;
	char sig[13];

	check("cpuid-hypervisor-bit", r.ecx & CPUID1_ECX_HV,
	      "CPUID.1:ECX 0x%08x", r.ecx);
	check("cpuid-vmx-visible", r.ecx & CPUID1_ECX_VMX, "CPUID.1:ECX 0x%08x",
	      r.ecx);
	bool match = hv_signature(sig, &max);

	check("hypervisor-leaf", match && max >= HV_CPUID_LEAF,
	      "signature \"%s\", max leaf 0x%x", sig, max);
}

static void check_feature_control(void)
{
	uint64_t fc;
	int v = try_rdmsr(MSR_FEATURE_CONTROL, &fc);

	if (v != NO_FAULT) {
		check("feature-control", false, "RDMSR 0x3a raised %s",
		      vector_name(v));
		check("feature-control-locked", false, "cannot read it");
		return;
	}
	check("feature-control",
	      (fc & (FC_LOCK | FC_VMX_OUTSIDE_SMX)) ==
		  (FC_LOCK | FC_VMX_OUTSIDE_SMX),
	      "0x%lx (lock %d, VMX outside SMX %d)", fc, !!(fc & FC_LOCK),
	      !!(fc & FC_VMX_OUTSIDE_SMX));
	/* The same value: if it is wrongly accepted, nothing has changed. */
	v = try_wrmsr(MSR_FEATURE_CONTROL, fc);
	check("feature-control-locked", v == VEC_GP,
	      "WRMSR 0x3a (same value 0x%lx) raised %s", fc, vector_name(v));
}

/*
 * L0 keeps CR4.VMXE set in the real CR4 (VMX operation needs it) and must
 * show L1 the value L1 last wrote, as a CPU would.
 */
static void check_cr4_vmxe(void)
{
	uint64_t before = read_cr4();
	int v1 = try_write_cr4(before | CR4_VMXE);
	uint64_t set = read_cr4();
	int v2 = try_write_cr4(before & ~CR4_VMXE);
	uint64_t clear = read_cr4();

	check("cr4-vmxe-as-written",
	      !(before & CR4_VMXE) && v1 == NO_FAULT && (set & CR4_VMXE) &&
		  v2 == NO_FAULT && !(clear & CR4_VMXE),
	      "CR4 0x%lx, set VMXE: 0x%lx (%s), cleared: 0x%lx (%s)", before,
	      set, vector_name(v1), clear, vector_name(v2));
}

/* A bit L0 does not own: it must simply be L1's. */
static void check_cr4_pce(void)
{
	uint64_t before = read_cr4();
	int v1 = try_write_cr4(before ^ CR4_PCE);
	uint64_t toggled = read_cr4();
	int v2 = try_write_cr4(before);
	uint64_t restored = read_cr4();

	check("cr4-pce-as-written",
	      v1 == NO_FAULT && v2 == NO_FAULT &&
		  toggled == (before ^ CR4_PCE) && restored == before,
	      "CR4 0x%lx, toggled PCE 0x%lx, restored 0x%lx", before, toggled,
	      restored);
}

/*
 * VMX operation forces CR0.NE to 1 in the real CR0; L1 must still read the
 * value it had (the firmware's), here compared with what we saw on entry.
 */
static void check_cr0_ne(void)
{
	uint64_t now = read_cr0();

	check("cr0-ne", (now & CR0_NE) == (cr0_at_start & CR0_NE),
	      "CR0 0x%lx now, 0x%lx at start (NE %d)", now, cr0_at_start,
	      !!(now & CR0_NE));
}

/*
 * Clearing CR0.NE (legal: it only selects how x87 errors are reported)
 * must read back cleared, though the real CR0 keeps it under VMX: the write
 * exits to L0, which keeps L1's value in the read shadow.
 */
static void check_cr0_ne_write(void)
{
	uint64_t before = read_cr0();

	__asm__ volatile("cli" ::: "memory");
	write_cr0(before & ~CR0_NE);
	uint64_t cleared = read_cr0();

	write_cr0(before);
	uint64_t restored = read_cr0();

	__asm__ volatile("sti" ::: "memory");
	check("cr0-ne-as-written",
	      cleared == (before & ~CR0_NE) && restored == before,
	      "CR0 0x%lx, NE cleared 0x%lx, restored 0x%lx", before, cleared,
	      restored);
}

static void check_xsetbv(void)
{
	uint64_t cr4 = read_cr4(), old = 0, now = 0, after = 0;
	bool had_osxsave = cr4 & CR4_OSXSAVE;
	int v;

	if (!(cpuid(1, 0).ecx & CPUID1_ECX_XSAVE)) {
		check_skip("xsetbv", "no XSAVE on this CPU");
		check_skip("xsetbv-invalid", "no XSAVE on this CPU");
		return;
	}
	/* XSETBV and XGETBV are #UD without CR4.OSXSAVE. */
	if (!had_osxsave) {
		v = try_write_cr4(cr4 | CR4_OSXSAVE);
		if (v != NO_FAULT) {
			check("xsetbv", false, "setting CR4.OSXSAVE raised %s",
			      vector_name(v));
			check("xsetbv-invalid", false, "no CR4.OSXSAVE");
			return;
		}
	}
	int vg = try_xgetbv(0, &old);
	int vs = try_xsetbv(0, XCR0_X87_SSE);
	int vr = try_xgetbv(0, &now);

	check("xsetbv",
	      vg == NO_FAULT && vs == NO_FAULT && vr == NO_FAULT &&
		  now == XCR0_X87_SSE,
	      "XCR0 0x%lx after XSETBV 0x3 (%s; was 0x%lx, CR4.OSXSAVE was %d)",
	      now, vector_name(vs), old, had_osxsave);

	v = try_xsetbv(0, XCR0_SSE);
	try_xgetbv(0, &after);
	check("xsetbv-invalid", v == VEC_GP,
	      "XSETBV 0x2 raised %s, XCR0 reads 0x%lx", vector_name(v), after);

	if (vg == NO_FAULT)
		try_xsetbv(0, old);
	if (!had_osxsave)
		try_write_cr4(read_cr4() & ~CR4_OSXSAVE);
}

static void check_vmx_instructions(void)
{
	uint64_t cr4 = read_cr4(), region = 0, field = VMCS_GUEST_RIP, val = 0;
	uint64_t flags = 0;
	int v;

	/* #UD is what CR4.VMXE=0 gives, before VMXON looks at its operand. */
	if (cr4 & CR4_VMXE)
		try_write_cr4(cr4 & ~CR4_VMXE);
	trap_arm();
	__asm__ volatile(GUARD("vmxon %[pa]")
			 : GUARD_OUT
			 : [pa] "m"(region)
			 : "memory", "cc");
	trap_disarm();
	v = trap_take(NULL);
	check("vmxon-no-vmxe-ud", v == VEC_UD, "VMXON with CR4 0x%lx raised %s",
	      read_cr4(), vector_name(v));

	trap_arm();
	__asm__ volatile(GUARD("vmread %[f], %[v]") "\tpushfq\n\tpop %[fl]\n"
			 : GUARD_OUT, [v] "+r"(val), [fl] "+r"(flags)
			 : [f] "r"(field)
			 : "memory", "cc");
	trap_disarm();
	v = trap_take(NULL);
	if (v == NO_FAULT)
		check("vmread-outside-vmx-ud", false,
		      "VMREAD completed: value 0x%lx, RFLAGS 0x%lx", val,
		      flags);
	else
		check("vmread-outside-vmx-ud", v == VEC_UD, "VMREAD raised %s",
		      vector_name(v));
}

static void check_hypercall_unknown(void)
{
	uint64_t b = 0, c = 0, d = 0;
	uint64_t a = hypercall(HC_BASE + 0x99, &b, &c, &d);

	if (hypercall_fault() != NO_FAULT)
		check("hypercall-unknown", false,
		      "VMCALL raised %s (no hypervisor takes it)",
		      vector_name(hypercall_fault()));
	else
		check("hypercall-unknown", a == HC_UNKNOWN, "RAX 0x%lx", a);
}

struct l0_info {
	uint64_t base, size, canary;
};

static bool check_l0_info(struct l0_info *l0)
{
	uint64_t a = hypercall(HC_L0_INFO, &l0->base, &l0->size, &l0->canary);

	if (hypercall_fault() != NO_FAULT)
		return check("l0-info", false, "VMCALL raised %s",
			     vector_name(hypercall_fault()));
	return check("l0-info",
		     a == HC_OK && l0->base && l0->size &&
			 l0->canary >= l0->base &&
			 l0->canary - l0->base < l0->size &&
			 l0->size - (l0->canary - l0->base) >= 16,
		     "RAX 0x%lx base 0x%lx size 0x%lx canary 0x%lx", a,
		     l0->base, l0->size, l0->canary);
}

/*
 * One guarded 8-byte load or store at p; while armed, a fault L0 injects for
 * its memory is counted rather than fatal.
 */
static int load64(uint64_t p, uint64_t *v)
{
	__asm__ volatile(GUARD("movq (%[p]), %[v]")
			 : GUARD_OUT, [v] "+r"(*v)
			 : [p] "r"(p)
			 : "memory");
	return trap_take(NULL);
}

static int store64(uint64_t p, uint64_t v)
{
	__asm__ volatile(GUARD("movq %[v], (%[p])")
			 : GUARD_OUT
			 : [p] "r"(p), [v] "r"(v)
			 : "memory");
	return trap_take(NULL);
}

/* Read through the firmware's identity map, which L0's EPT must override. */
static void check_l0_canary_unreadable(const struct l0_info *l0)
{
	uint64_t lo = 0, hi = 0;

	trap_arm();
	int v1 = load64(l0->canary, &lo);
	int v2 = load64(l0->canary + 8, &hi);

	trap_disarm();
	check("l0-canary-unreadable",
	      !(lo == HC_CANARY_LO && hi == HC_CANARY_HI),
	      "read 0x%016lx 0x%016lx (%s, %s)", lo, hi, vector_name(v1),
	      vector_name(v2));
}

/*
 * Every byte of the first 64 KiB and of the canary gets 0x5a, in 8-byte
 * stores: the same bytes as byte stores, with an eighth of the EPT exits
 * (each one is slow in an emulator).
 */
static void check_l0_memory_unwritable(const struct l0_info *l0)
{
	uint64_t span = l0->size < L0_WRITE_SPAN ? l0->size : L0_WRITE_SPAN;
	unsigned stores = 0, faults = 0;

	span &= ~7ull;
	trap_arm();
	for (uint64_t off = 0; off < span; off += 8, stores++)
		faults += store64(l0->base + off, L0_POISON) != NO_FAULT;
	for (uint64_t off = 0; off < 16; off += 8, stores++)
		faults += store64(l0->canary + off, L0_POISON) != NO_FAULT;
	trap_disarm();

	uint64_t b = 0, c = 0, d = 0;
	uint64_t a = hypercall(HC_L0_CANARY_CHECK, &b, &c, &d);

	if (hypercall_fault() != NO_FAULT)
		check("l0-memory-unwritable", false,
		      "%u stores (%u faulted), then VMCALL raised %s", stores,
		      faults, vector_name(hypercall_fault()));
	else
		check("l0-memory-unwritable", a == HC_OK && b == 1,
		      "%u stores of 0x5a bytes (%u faulted); canary check RAX "
		      "0x%lx RBX %lu",
		      stores, faults, a, b);
}

static void check_l0_still_running(void)
{
	uint64_t b = 0, c = 0, d = 0;
	uint64_t a = hypercall(HC_PRINT_COUNTERS, &b, &c, &d);

	if (hypercall_fault() != NO_FAULT)
		check("l0-still-running", false, "VMCALL raised %s",
		      vector_name(hypercall_fault()));
	else
		check("l0-still-running", a == HC_OK, "RAX 0x%lx", a);
}

/* ---- NMIs ---- */

#define MSR_APIC_BASE 0x1b
#define APIC_X2APIC (1ull << 10)
#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310
#define ICR_NMI_ASSERT ((4u << 8) | (1u << 14))
#define ICR_BUSY (1u << 12)
#define NMI_WAIT_SPINS 10000000u

/*
 * Two NMIs to this CPU through its local APIC must both reach L1's NMI
 * handler. Under L0 the APIC write is emulated, so the NMI comes while L0
 * runs and L0 must inject it; the second comes the same way once the first
 * handler's IRET has ended NMI blocking.
 */
static void check_nmi(void)
{
	uint64_t base = 0;

	if (try_rdmsr(MSR_APIC_BASE, &base) != NO_FAULT || (base & APIC_X2APIC)) {
		check("nmi-delivered", false, "no xAPIC (IA32_APIC_BASE 0x%lx)", base);
		return;
	}
	volatile uint32_t *apic = (volatile uint32_t *)(base & ~0xfffull);
	uint32_t self = cpuid(1, 0).ebx >> 24;
	unsigned spins = 0;

	trap_arm();
	trap_nmis = 0;
	for (int i = 0; i < 2; i++) {
		while (apic[APIC_ICR_LO / 4] & ICR_BUSY)
			cpu_relax();
		apic[APIC_ICR_HI / 4] = self << 24;
		apic[APIC_ICR_LO / 4] = ICR_NMI_ASSERT;
		while (trap_nmis < (uint64_t)i + 1 && ++spins < NMI_WAIT_SPINS)
			cpu_relax();
	}
	uint64_t got = trap_nmis;

	trap_disarm();
	check("nmi-delivered", got == 2, "%lu of 2 NMIs sent to this CPU reached L1's handler",
	      got);
}

/* ---- every AP ---- */

#define AP_RAN	   1
#define AP_MATCHED 2

struct ap_probe {
	mp_services *s;
	UINTN count;
	volatile uint8_t *state; /* per processor number */
};

/* On the APs: only WhoAmI (the one MP service an AP may call) and CPUID. */
static VOID EFIAPI ap_probe(VOID *arg)
{
	struct ap_probe *p = arg;
	UINTN cpu;
	char sig[13];

	if (EFI_ERROR(p->s->WhoAmI(p->s, &cpu)) || cpu >= p->count)
		return;
	p->state[cpu] = AP_RAN | (hv_signature(sig, NULL) ? AP_MATCHED : 0);
}

static void check_aps(void)
{
	struct ap_probe p = {mp_locate(), 0, NULL};
	UINTN enabled, aps = 0, ran = 0, matched = 0;
	EFI_STATUS st;

	if (!p.s) {
		check("mp-aps-virtualized", false, "no EFI MP services");
		return;
	}
	st = p.s->GetNumberOfProcessors(p.s, &p.count, &enabled);
	if (EFI_ERROR(st)) {
		check("mp-aps-virtualized", false,
		      "GetNumberOfProcessors: status 0x%lx", (uint64_t)st);
		return;
	}
	if (enabled < 2) {
		check_skip("mp-aps-virtualized", "no APs");
		return;
	}
	p.state = AllocateZeroPool(p.count);
	if (!p.state) {
		check("mp-aps-virtualized", false, "out of memory");
		return;
	}
	st = p.s->StartupAllAPs(p.s, ap_probe, FALSE, NULL, AP_TIMEOUT_US, &p,
				NULL);
	for (UINTN cpu = 0; cpu < p.count; cpu++) {
		processor_info info;

		if (EFI_ERROR(p.s->GetProcessorInfo(p.s, cpu, &info)) ||
		    (info.StatusFlag & PROCESSOR_AS_BSP_BIT) ||
		    !(info.StatusFlag & PROCESSOR_ENABLED_BIT))
			continue;
		aps++;
		ran += !!(p.state[cpu] & AP_RAN);
		matched += !!(p.state[cpu] & AP_MATCHED);
	}
	check("mp-aps-virtualized", !EFI_ERROR(st) && aps && matched == aps,
	      "%lu of %lu APs (%lu ran; StartupAllAPs status 0x%lx)", matched,
	      aps, ran, (uint64_t)st);
	FreePool((void *)p.state);
}

/* gnu-efi's crt0 calls efi_main with the SysV ABI (after relocating us). */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	struct l0_info l0 = {0, 0, 0};

	cr0_at_start = read_cr0();
	InitializeLib(image, systab);
	/* The boot manager's 5-minute watchdog would reset a slow emulator. */
	BS->SetWatchdogTimer(0, 0, 0, NULL);
	guest_init("l1check");
	guest_printf("l1check: start\n");

	check_cpuid();
	check_feature_control();
	check_cr4_vmxe();
	check_cr4_pce();
	check_cr0_ne();
	check_cr0_ne_write();
	check_xsetbv();
	check_vmx_instructions();
	check_hypercall_unknown();
	if (check_l0_info(&l0)) {
		check_l0_canary_unreadable(&l0);
		check_l0_memory_unwritable(&l0);
	} else {
		check("l0-canary-unreadable", false, "no L0 info");
		check("l0-memory-unwritable", false, "no L0 info");
	}
	check_l0_still_running();
	check_nmi();
	check_aps();
	guest_finish();
}
