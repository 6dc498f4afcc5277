/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Asks L0 to print its exit counters, then powers off: run from the UEFI
 * shell's startup.nsh, it shows what the firmware cost L0 on its way from
 * Matryoshka's loader to the shell.
 */
#include <efi.h>
#include <efilib.h>

#include "tests/guests/guestlib.h"

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	uint64_t rbx = 0, rcx = 0, rdx = 0;

	InitializeLib(image, systab);
	guest_init("counters");
	check("print-counters",
	      hypercall(HC_PRINT_COUNTERS, &rbx, &rcx, &rdx) == HC_OK,
	      "hypercall 0x%x", HC_PRINT_COUNTERS);
	guest_finish();
}
