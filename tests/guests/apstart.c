/* SPDX-License-Identifier: Apache-2.0 */
/*
 * apstart: starts the APs the way an OS does, after ExitBootServices, with
 * INIT-SIPI-SIPI through the local APIC (Intel MP spec B.4, SDM Vol. 3A
 * 9.4.4.1), into a real-mode trampoline (apstart_tramp.asm). Under
 * Matryoshka the APs are vCPUs that L0 must put in wait-for-SIPI on INIT and
 * start at the SIPI vector, still as L1: each reports CPUID 0x40000000.
 */
#include <efi.h>
#include <efilib.h>

#include "lib/string.h" /* memcpy/memset: gnu-efi's libefi has them */
#include "tests/guests/guestlib.h"

/* The trampoline's data, as in apstart_tramp.asm. */
#define TRAMP_COUNTER	0x800
#define TRAMP_ARRIVAL	0x804
#define TRAMP_SLOTS	0x810
#define TRAMP_MAX_SLOTS 127

struct tramp_slot {
	uint32_t ebx, ecx, edx, apic_id;
};

extern const uint8_t tramp_start[] HIDDEN, tramp_end[] HIDDEN;

#define MAX_CPUS 256

#define MSR_APIC_BASE	 0x1b
#define APIC_BASE_X2APIC (1ull << 10)
#define APIC_BASE_MASK	 0x000ffffffffff000ull
#define MSR_X2APIC_ICR	 0x830
#define APIC_ICR_LO	 0x300
#define APIC_ICR_HI	 0x310
#define ICR_BUSY	 (1u << 12)
#define ICR_INIT_ASSERT	 0x4500u /* delivery mode INIT, level assert */
#define ICR_STARTUP	 0x4600u /* delivery mode start-up, vector in 7:0 */

#define TRAMP_MAX_ADDR 0x9ffffull

#define INIT_DELAY_US 10000u
#define SIPI_DELAY_US 200u
/* Generous: in an emulator, behind a hypervisor, an AP may be slow to come. */
#define AP_TIMEOUT_MS 5000u

static uint32_t ap_ids[MAX_CPUS];
static unsigned n_aps;
static uint64_t apic_base;
static bool x2apic;
static uint64_t tsc_per_ms;

/*
 * Stall() times against the firmware's timer, so the TSC rate measured
 * across it is in the same time base as the firmware's (in Bochs the TSC
 * counts emulated instructions, and so does its timer).
 */
static void calibrate(void)
{
	uint64_t t0 = rdtsc();

	BS->Stall(10000);
	tsc_per_ms = (rdtsc() - t0) / 10;
	/* A broken measurement must not make every delay zero. */
	if (tsc_per_ms < 1000)
		tsc_per_ms = 1000;
}

static void delay_us(uint64_t us)
{
	uint64_t end = rdtsc() + tsc_per_ms * us / 1000;

	while (rdtsc() < end)
		cpu_relax();
}

static void send_ipi(uint32_t apic_id, uint32_t icr)
{
	if (x2apic) {
		wrmsr(MSR_X2APIC_ICR, (uint64_t)apic_id << 32 | icr);
		return;
	}
	volatile uint32_t *hi = (volatile uint32_t *)(apic_base + APIC_ICR_HI);
	volatile uint32_t *lo = (volatile uint32_t *)(apic_base + APIC_ICR_LO);

	*hi = apic_id << 24;
	*lo = icr;
	/* Wait for the send to be accepted, but not forever (1 s). */
	uint64_t end = rdtsc() + tsc_per_ms * 1000;

	while ((*lo & ICR_BUSY) && rdtsc() < end)
		cpu_relax();
}

/* The APs' APIC IDs from MP services (none without MP services). */
static void find_aps(void)
{
	mp_services *s = mp_locate();
	UINTN count, enabled;

	if (!s || EFI_ERROR(s->GetNumberOfProcessors(s, &count, &enabled)))
		return;
	for (UINTN cpu = 0; cpu < count && n_aps < MAX_CPUS; cpu++) {
		processor_info info;

		if (EFI_ERROR(s->GetProcessorInfo(s, cpu, &info)) ||
		    (info.StatusFlag & PROCESSOR_AS_BSP_BIT) ||
		    !(info.StatusFlag & PROCESSOR_ENABLED_BIT))
			continue;
		ap_ids[n_aps++] = (uint32_t)info.ProcessorId;
	}
}

/*
 * After a failed ExitBootServices only GetMemoryMap and ExitBootServices may
 * be called, so the buffer is allocated once with room for the map to grow.
 */
static EFI_STATUS exit_boot_services(EFI_HANDLE image)
{
	UINTN size = 0, key, dsize, cap;
	UINT32 dver;
	EFI_MEMORY_DESCRIPTOR *map;
	EFI_STATUS st = BS->GetMemoryMap(&size, NULL, &key, &dsize, &dver);

	if (st != EFI_BUFFER_TOO_SMALL)
		return EFI_ERROR(st) ? st : EFI_LOAD_ERROR;
	cap = size * 2 + 16 * dsize;
	st = BS->AllocatePool(EfiLoaderData, cap, (void **)&map);
	if (EFI_ERROR(st))
		return st;
	for (int tries = 0; tries < 16; tries++) {
		size = cap;
		st = BS->GetMemoryMap(&size, map, &key, &dsize, &dver);
		if (EFI_ERROR(st))
			return st;
		st = BS->ExitBootServices(image, key);
		/* The map changed in between (a timer event): again. */
		if (st != EFI_INVALID_PARAMETER)
			return st;
	}
	return st;
}

__attribute__((noreturn)) static void fail_all(const char *why, uint64_t status)
{
	check("aps-started", false, "%s: status 0x%lx", why, status);
	check("aps-in-l1", false, "%s", why);
	char sig[13];
	bool match = hv_signature(sig, NULL);

	check("bsp-in-l1", match, "signature \"%s\"", sig);
	guest_finish();
}

static void report(volatile uint8_t *page)
{
	uint32_t done = *(volatile uint32_t *)(page + TRAMP_COUNTER);
	uint32_t arrived = *(volatile uint32_t *)(page + TRAMP_ARRIVAL);
	const volatile struct tramp_slot *slot =
	    (const volatile struct tramp_slot *)(page + TRAMP_SLOTS);
	unsigned matched = 0, recorded = arrived < TRAMP_MAX_SLOTS
					     ? arrived
					     : TRAMP_MAX_SLOTS;
	bool told = false;
	char sig[13];

	check("aps-started", done == n_aps && arrived == n_aps, "%u of %u",
	      done, n_aps);
	for (unsigned i = 0; i < recorded; i++) {
		if (hv_sig_decode(slot[i].ebx, slot[i].ecx, slot[i].edx, sig)) {
			matched++;
			continue;
		}
		/* One example is enough to see what the APs run on. */
		if (!told) {
			guest_printf("apstart: info AP with APIC ID %u: "
				     "signature \"%s\"\n",
				     slot[i].apic_id, sig);
			told = true;
		}
	}
	if (!n_aps)
		check_skip("aps-in-l1", "no APs");
	else
		check("aps-in-l1", matched == n_aps && done == n_aps,
		      "%u of %u APs", matched, n_aps);
	bool bsp = hv_signature(sig, NULL);

	check("bsp-in-l1", bsp, "signature \"%s\"", sig);
}

static bool bsp_has_l0(void)
{
	char sig[13];

	return hv_signature(sig, NULL);
}

/* gnu-efi's crt0 calls efi_main with the SysV ABI (after relocating us). */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	EFI_PHYSICAL_ADDRESS page = TRAMP_MAX_ADDR;
	size_t tramp_len = (size_t)(tramp_end - tramp_start);
	EFI_STATUS st;

	InitializeLib(image, systab);
	BS->SetWatchdogTimer(0, 0, 0, NULL);
	guest_init("apstart");
	guest_printf("apstart: start\n");

	find_aps();
	uint64_t base_msr;
	int v = try_rdmsr(MSR_APIC_BASE, &base_msr);

	if (v != NO_FAULT)
		fail_all("RDMSR IA32_APIC_BASE faulted", (uint64_t)v);
	x2apic = base_msr & APIC_BASE_X2APIC;
	apic_base = base_msr & APIC_BASE_MASK;
	calibrate();
	if (tramp_len > TRAMP_COUNTER)
		fail_all("trampoline too long", tramp_len);
	st = BS->AllocatePages(AllocateMaxAddress, EfiLoaderCode, 1, &page);
	if (EFI_ERROR(st))
		fail_all("no page below 1 MiB", (uint64_t)st);
	memset((void *)page, 0, 4096);
	memcpy((void *)page, tramp_start, tramp_len);
	guest_printf("apstart: info %u APs, APIC base 0x%lx (%s), trampoline "
		     "at 0x%lx, TSC %lu/ms\n",
		     n_aps, apic_base, x2apic ? "x2APIC" : "xAPIC",
		     (uint64_t)page, tsc_per_ms);

	st = exit_boot_services(image);
	if (EFI_ERROR(st))
		fail_all("ExitBootServices failed", (uint64_t)st);
	/* No firmware left to take interrupts for. */
	__asm__ volatile("cli" ::: "memory");
#ifdef APSTART_X2APIC
	/* The apstart_x2 build: the same start from x2APIC mode (SDM 11.12) */
	if (!x2apic && (cpuid(1, 0).ecx & (1u << 21)) &&
	    try_wrmsr(MSR_APIC_BASE, base_msr | APIC_BASE_X2APIC) == NO_FAULT) {
		x2apic = true;
		guest_printf("apstart: info BSP switched to x2APIC mode\n");
	}
#endif

	uint64_t t_start = rdtsc();

	for (unsigned i = 0; i < n_aps; i++) {
		send_ipi(ap_ids[i], ICR_INIT_ASSERT);
		delay_us(INIT_DELAY_US);
		send_ipi(ap_ids[i], ICR_STARTUP | (uint32_t)(page >> 12));
		delay_us(SIPI_DELAY_US);
		send_ipi(ap_ids[i], ICR_STARTUP | (uint32_t)(page >> 12));
		delay_us(SIPI_DELAY_US);
	}

	volatile uint8_t *p = (volatile uint8_t *)page;
	uint64_t end = rdtsc() + tsc_per_ms * AP_TIMEOUT_MS;

	while (*(volatile uint32_t *)(p + TRAMP_COUNTER) < n_aps &&
	       rdtsc() < end)
		cpu_relax();
	uint64_t t_arrived = rdtsc();

	/* Bochs' TSC counts instructions: a deterministic cost of the start */
	guest_printf("apstart: info INIT-SIPI-SIPI to all APs in L1 after %lu "
		     "TSC ticks (%lu ms)\n",
		     t_arrived - t_start, (t_arrived - t_start) / tsc_per_ms);
	/* A little longer, so that an AP started twice is seen as such. */
	delay_us(INIT_DELAY_US);
	report(p);
	if (bsp_has_l0()) {
		/* L0's view of the same boot: INITs and SIPIs do not show as exits */
		uint64_t b, c, d;

		hypercall(HC_PRINT_COUNTERS, &b, &c, &d);
	}
	guest_finish();
}
