/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IA32_APIC_BASE moved onto L0's region through a VM-exit MSR-load list
 * (issue 9 finding 2). L0 loads that list in VMX root operation after L2's
 * exit; the entry meets the verdict L1's WRMSR would (refused), and a
 * failing VM-exit MSR-load list is a VMX abort (SDM Vol. 3C 28.7): the
 * BSP's vCPU stops for good, as the CPU would shut down. So the BSP cannot
 * report: an AP watches instead. It checks that L0 still answers on it
 * after the abort, that its APIC still delivers, and prints the summary.
 * The system test (tests/system/t-attack-msr.sh) reads L0's log for the
 * refusal and the abort, and that the APIC never moved.
 */
#include <efi.h>
#include <efilib.h>

#include "lib/string.h"
#include "tests/guests/attack_msr.h"
#include "tests/guests/nvmx.h"

#define AP_WAIT_TICKS 40000000ull /* emulated instructions: ~5 s in Bochs */

struct l0_region l0;
static struct vm vm;
static volatile int go;
static volatile uint64_t ap_exits_before;

static uint64_t l0_exits(void)
{
	uint64_t b = 0, c = 0, d = 0;

	return hypercall(HC_VCPU_EXITS, &b, &c, &d) == HC_OK ? b : 0;
}

bool l0_answers(void)
{
	return l0_exits() != 0;
}

/* Waits for the BSP to go, then for its abort, then reports. */
static VOID EFIAPI ap_watch(VOID *arg)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	(void)arg;
	ap_exits_before = l0_exits();
	while (!go)
		cpu_relax();
	uint64_t end = rdtsc() + AP_WAIT_TICKS;

	while (rdtsc() < end)
		cpu_relax();
	uint64_t after = l0_exits();

	check("ap-l0-alive-after-abort",
	      ap_exits_before && after > ap_exits_before,
	      "the AP's L0 answered HC_VCPU_EXITS before (%lu) and after (%lu) "
	      "the BSP's VMX abort",
	      ap_exits_before, after);
	check("ap-apic-delivers", self_nmi_xapic(base & (uint64_t)0xffffff000),
	      "a self-NMI through the AP's xAPIC reached L1");
	guest_finish();
}

static bool start_watcher(void)
{
	mp_services *s = mp_locate();
	UINTN count = 0, enabled = 0, ap = 0;
	EFI_EVENT ev;

	if (!s || EFI_ERROR(s->GetNumberOfProcessors(s, &count, &enabled)) ||
	    enabled < 2 || EFI_ERROR(BS->CreateEvent(0, 0, NULL, NULL, &ev)))
		return false;
	ap = mp_first_ap(s);
	return ap &&
	       !EFI_ERROR(s->StartupThisAP(s, ap_watch, ap, ev, 0, NULL, NULL));
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	uint64_t b = 0, c = 0, d = 0;

	InitializeLib(image, systab);
	BS->SetWatchdogTimer(0, 0, 0, NULL);
	guest_init("attack_msrabort");
	guest_printf("attack_msrabort: start\n");
	if (hypercall(HC_L0_INFO, &b, &c, &d) != HC_OK) {
		check("l0-info", false,
		      "no HC_L0_INFO answer: not under Matryoshka");
		guest_finish();
	}
	l0 = (struct l0_region){b, c};
	l0_alive_everywhere();
	if (!env_init() || (*(uint32_t *)env.vmxon = env.cap.revision,
			    *(uint32_t *)env.vmcs = env.cap.revision,
			    vmxon(env.vmxon) != VM_OK)) {
		check("vmx-environment", false, "no VMX for L1");
		guest_finish();
	}
	if (!start_watcher()) {
		check("ap-watcher", false, "no AP to watch the abort");
		guest_finish();
	}
	uint64_t base = rdmsr(MSR_APIC_BASE), *l = (uint64_t *)env.msr_area;
	uint64_t moved = (base & 0xfff) | (l0.base & ~(uint64_t)0xfff);

	memset(l, 0, PAGE);
	l[0] = MSR_APIC_BASE;
	l[1] = moved;
	vm_init(&vm, L2_LONG, l2_vmcall);
	vmw(F_EXIT_MSR_LOAD, env.msr_area);
	vmw(F_EXIT_LOAD_CNT, 1);
	guest_printf(
	    "attack_msrabort: info VM-exit MSR-load list {IA32_APIC_BASE "
	    "0x%lx -> 0x%lx}: VMLAUNCH\n",
	    base, moved);
	go = 1;
	vm_run(&vm);
	/* not reached on Matryoshka: the VMX abort stops this vCPU */
	check("bsp-vmx-abort", false, "%s, APIC base now 0x%lx",
	      vm_exit_str(&vm), rdmsr(MSR_APIC_BASE));
	for (;;)
		cpu_relax();
}
