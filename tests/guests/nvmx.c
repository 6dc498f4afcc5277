/* SPDX-License-Identifier: Apache-2.0 */
/*
 * nvmx: an L1 test hypervisor. On bare Bochs it checks Bochs' VMX; chain-
 * loaded by Matryoshka it checks L0's nested VMX, and
 * tests/system/nvmx-compare.sh compares the two logs line by line. It
 * runs on the BSP only, with interrupts off from the first VMX step on.
 */
#include <efi.h>
#include <efilib.h>

#include "tests/guests/nvmx.h"

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	InitializeLib(image, systab);
	/* The boot manager's 5-minute watchdog would reset a slow emulator. */
	BS->SetWatchdogTimer(0, 0, 0, NULL);
	guest_init("nvmx");
	guest_printf("nvmx: start\n");

	if (env_init() && check_vmxon_group()) {
		check_vmcs_access();
		check_inv();
		check_entry_failures();
		check_exits();
		check_l2_vmx_exits();
		check_ept();
		check_events();
		check_modes();
		check_shadow();
		check_msr_lists();
		check_nmi_from_l2();
		check_vmxoff();
		if (vmx_setup_failures)
			guest_printf(
			    "nvmx: info %u VMCS setup accesses failed\n",
			    vmx_setup_failures);
	}
	guest_finish();
}
