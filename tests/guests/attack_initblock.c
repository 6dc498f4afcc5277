/* SPDX-License-Identifier: Apache-2.0 */
/*
 * INIT to a CPU that blocks it (issue 9 finding 9): an AP enters VMX
 * operation (VMXON, so INIT is blocked, SDM Vol. 3C 24.8) and the BSP sends
 * it INIT, then SIPI, through its xAPIC. A CPU latches the INIT and the
 * sender goes on at once; L0 used to spin up to 1e8 times waiting for the
 * target. Checks: the sender's ICR write returns within a bound (measured
 * in TSC ticks, which Bochs counts as instructions); the AP, still in VMX
 * root operation, ignores the SIPI and keeps running L1's code, and its L0
 * keeps answering hypercalls: L0 alive on both CPUs. (MP services cannot
 * be used afterwards: OVMF wakes an AP with INIT-SIPI-SIPI, which a CPU in
 * VMX root operation blocks, on hardware too; the AP never leaves it.)
 */
#include <efi.h>
#include <efilib.h>

#include "tests/guests/guestlib.h"

#define MSR_APIC_BASE 0x1b
#define MSR_VMX_BASIC 0x480
#define CR4_VMXE      ((uint64_t)1 << 13)
#define ICR_LO	      0x300
#define ICR_HI	      0x310
#define ICR_INIT      ((5u << 8) | (1u << 14))
#define ICR_SIPI      (6u << 8)
#define ICR_BUSY      (1u << 12)
/* a generous bound: one exit of L0 and its routing take a few thousand */
#define SEND_BOUND 1000000ull

static volatile int ap_vmxon = -1;
static volatile uint64_t ap_apic_id;
static uint64_t region;

static volatile uint64_t ap_rounds, ap_l0_answers;

/* VMXON, then hypercalls for ever (started without waiting for it). */
static VOID EFIAPI ap_enter_vmx(VOID *arg)
{
	uint8_t cf;

	(void)arg;
	ap_apic_id = cpuid(1, 0).ebx >> 24;
	write_cr4(read_cr4() | CR4_VMXE);
	__asm__ volatile("vmxon %1; setc %0"
			 : "=qm"(cf)
			 : "m"(region)
			 : "cc", "memory");
	ap_vmxon = cf;
	for (;;) {
		uint64_t b = 0, c = 0, d = 0;

		if (hypercall(HC_VCPU_EXITS, &b, &c, &d) == HC_OK)
			ap_l0_answers++;
		ap_rounds++;
		for (int i = 0; i < 1000; i++)
			cpu_relax();
	}
}

/* Does the AP still run (and its L0 answer) over the next while? */
static bool ap_runs(uint64_t *answers)
{
	uint64_t r0 = ap_rounds, a0 = ap_l0_answers, end = rdtsc() + 4000000;

	while (rdtsc() < end)
		cpu_relax();
	*answers = ap_l0_answers - a0;
	return ap_rounds > r0 && *answers;
}

static uint64_t send(volatile uint32_t *apic, uint32_t dest, uint32_t icr)
{
	uint64_t t0 = rdtsc();

	apic[ICR_HI / 4] = dest << 24;
	apic[ICR_LO / 4] = icr;
	while (apic[ICR_LO / 4] & ICR_BUSY)
		cpu_relax();
	return rdtsc() - t0;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	mp_services *s;
	UINTN count = 0, enabled = 0, ap = 0;
	EFI_PHYSICAL_ADDRESS a = 0xffffffffull;

	InitializeLib(image, systab);
	BS->SetWatchdogTimer(0, 0, 0, NULL);
	guest_init("attack_initblock");
	guest_printf("attack_initblock: start\n");
	s = mp_locate();
	if (!s || EFI_ERROR(s->GetNumberOfProcessors(s, &count, &enabled)) ||
	    enabled < 2 ||
	    EFI_ERROR(
		BS->AllocatePages(AllocateMaxAddress, EfiLoaderData, 1, &a))) {
		check("ap-in-vmx-root", false, "no AP or no page");
		guest_finish();
	}
	region = a;
	*(uint32_t *)region = (uint32_t)rdmsr(MSR_VMX_BASIC);
	ap = mp_first_ap(s);
	EFI_EVENT ev = NULL;
	EFI_STATUS st = BS->CreateEvent(0, 0, NULL, NULL, &ev);

	if (!EFI_ERROR(st))
		st = s->StartupThisAP(s, ap_enter_vmx, ap, ev, 0, NULL, NULL);
	for (uint64_t end = rdtsc() + 40000000; ap_vmxon < 0 && rdtsc() < end;)
		cpu_relax();
	if (!check("ap-in-vmx-root", !EFI_ERROR(st) && ap_vmxon == 0,
		   "AP %lu (APIC ID %lu): VMXON %s (StartupThisAP 0x%lx)",
		   (uint64_t)ap, ap_apic_id,
		   ap_vmxon == 0 ? "succeeded" : "failed", (uint64_t)st))
		guest_finish();
	volatile uint32_t *apic =
	    (volatile uint32_t *)(rdmsr(MSR_APIC_BASE) & ~(uint64_t)0xfff);
	uint64_t t_init = send(apic, (uint32_t)ap_apic_id, ICR_INIT);
	uint64_t t_sipi = send(apic, (uint32_t)ap_apic_id, ICR_SIPI | 0x9f);

	guest_printf("attack_initblock: info INIT took the sender %lu TSC "
		     "ticks, SIPI %lu\n",
		     t_init, t_sipi);
	check("init-latched-sender-goes-on",
	      t_init < SEND_BOUND && t_sipi < SEND_BOUND,
	      "INIT %lu, SIPI %lu ticks to a CPU that blocks INIT (bound %llu)",
	      t_init, t_sipi, SEND_BOUND);
	/* the AP keeps running L1 (INIT blocked, SIPI ignored) */
	uint64_t answers = 0, bsp_b = 0, c = 0, d = 0;
	bool runs = ap_runs(&answers);
	bool bsp = hypercall(HC_VCPU_EXITS, &bsp_b, &c, &d) == HC_OK;

	check(
	    "l0-alive-every-cpu", runs && bsp,
	    "BSP %s; the AP (INIT pending, SIPI ignored) still runs L1, its L0 "
	    "answered %lu hypercalls after the INIT",
	    bsp ? "answered" : "did not answer", answers);
	guest_finish();
}
