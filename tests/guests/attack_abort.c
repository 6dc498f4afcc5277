/* SPDX-License-Identifier: Apache-2.0 */
/*
 * attack_abort: L1 causes a VMX abort on the BSP (an L2 exit whose VM-exit
 * MSR-store list lies in no memory: the entry read there is all ones, its
 * reserved bits are set, storing fails; SDM Vol. 3C 28.7). The CPU then
 * writes abort indicator 1 into the VMCS region and that logical processor
 * stays in the VMX-abort shutdown state. An AP watches the region: it must
 * see the indicator, and its own L0 must still answer (the abort stopped
 * one vCPU, not L0). The AP prints the result and powers off.
 *
 * Only under a hypervisor: on bare Bochs 2.7 a VMX abort ends the whole run
 * (docs/bochs-deviations.md), so there the payload prints SKIP.
 */
#include <efi.h>
#include <efilib.h>

#include "tests/guests/nvmx.h"

#define NOMEM	       0x100000000ull
#define WATCH_SPINS    400000000ull
#define ABORT_MSR_SAVE 1u /* SDM 28.7: failure saving guest MSRs */

static struct {
	volatile int armed;
	volatile uint64_t vmcs; /* the region whose abort field is watched */
} shared;

static struct vm vm;

static uint64_t ask_l0(void)
{
	uint64_t rbx = 0, rcx = 0, rdx = 0;

	return hypercall(HC_VCPU_EXITS, &rbx, &rcx, &rdx) == HC_OK ? rbx : 0;
}

static VOID EFIAPI ap_watch(VOID *arg)
{
	uint32_t ind = 0;
	uint64_t spins = 0;

	(void)arg;
	while (!shared.armed)
		cpu_relax();
	for (; spins < WATCH_SPINS; spins++) {
		ind = *(volatile uint32_t *)(shared.vmcs + 4);
		if (ind)
			break;
		cpu_relax();
	}
	check("vmx-abort-indicator", ind == ABORT_MSR_SAVE,
	      "the AP reads abort indicator %u in the VMCS region", ind);
	uint64_t exits = ask_l0();

	check("l0-alive-after-abort", exits != 0,
	      "the AP's L0 %s HC_VCPU_EXITS after the BSP's VMX abort",
	      exits ? "answered" : "did not answer");
	guest_finish();
}

/* The first enabled AP's number, or false. */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	mp_services *s;
	EFI_EVENT ev;
	UINTN ap = 0;
	char sig[13];

	InitializeLib(image, systab);
	BS->SetWatchdogTimer(0, 0, 0, NULL);
	guest_init("attack-abort");
	guest_printf("attack-abort: start\n");
	if (!hv_signature(sig, NULL)) {
		guest_printf("attack-abort: SKIP vmx-abort-indicator no "
			     "hypervisor: a VMX abort would end bare Bochs\n");
		guest_finish();
	}
	s = mp_locate();
	if (!(ap = mp_first_ap(s)) ||
	    EFI_ERROR(BS->CreateEvent(0, 0, NULL, NULL, &ev)) ||
	    EFI_ERROR(s->StartupThisAP(s, ap_watch, ap, ev, 0, NULL, NULL))) {
		check("ap-started", false, "no AP to watch from");
		guest_finish();
	}
	if (!env_init())
		guest_finish();
	*(volatile uint32_t *)env.vmxon = env.cap.revision;
	*(volatile uint32_t *)env.vmcs = env.cap.revision;
	*(volatile uint32_t *)(env.vmcs + 4) = 0;
	if (vmxon(env.vmxon) != VM_OK) {
		check("vmxon", false, "VMX operation did not start");
		guest_finish();
	}
	vm_init(&vm, L2_LONG, l2_vmcall);
	vmw(F_EXIT_MSR_STORE, NOMEM);
	vmw(F_EXIT_STORE_CNT, 1);
	shared.vmcs = env.vmcs;
	shared.armed = 1;
	vm_run(&vm);
	/* a CPU never gets here: the abort shut it down */
	check("vmx-abort-bsp-stopped", false, "the BSP went on: %s",
	      vm_exit_str(&vm));
	guest_finish();
}
