/* SPDX-License-Identifier: Apache-2.0 */
/*
 * EFI_MP_SERVICES_PROTOCOL (UEFI PI spec Vol. 2, 13.4), which gnu-efi lacks.
 * Used by the loader and by the test payloads.
 */
#ifndef BOOT_EFI_MP_H
#define BOOT_EFI_MP_H

#include <efi.h>

typedef VOID(EFIAPI *ap_procedure)(VOID *arg);

typedef struct {
	UINT64 ProcessorId; /* the local APIC ID */
	UINT32 StatusFlag;
	UINT32 Package, Core, Thread; /* EFI_CPU_PHYSICAL_LOCATION */
	UINT8 ExtendedInformation[24];
} processor_info;

#define PROCESSOR_AS_BSP_BIT 0x1
#define PROCESSOR_ENABLED_BIT 0x2

typedef struct mp_services {
	EFI_STATUS(EFIAPI *GetNumberOfProcessors)
	(struct mp_services *This, UINTN *total, UINTN *enabled);
	EFI_STATUS(EFIAPI *GetProcessorInfo)
	(struct mp_services *This, UINTN cpu, processor_info *info);
	EFI_STATUS(EFIAPI *StartupAllAPs)
	(struct mp_services *This, ap_procedure proc, BOOLEAN single_thread,
	 EFI_EVENT wait_event, UINTN timeout_us, VOID *arg, UINTN **failed);
	EFI_STATUS(EFIAPI *StartupThisAP)
	(struct mp_services *This, ap_procedure proc, UINTN cpu,
	 EFI_EVENT wait_event, UINTN timeout_us, VOID *arg, BOOLEAN *finished);
	EFI_STATUS(EFIAPI *SwitchBSP)
	(struct mp_services *This, UINTN cpu, BOOLEAN enable_old);
	EFI_STATUS(EFIAPI *EnableDisableAP)
	(struct mp_services *This, UINTN cpu, BOOLEAN enable, UINT32 *health);
	EFI_STATUS(EFIAPI *WhoAmI)(struct mp_services *This, UINTN *cpu);
} mp_services;

#define EFI_MP_SERVICES_GUID                                                 \
	{                                                                    \
		0x3fdda605, 0xa76e, 0x4f46,                                  \
		{ 0xad, 0x29, 0x12, 0xf4, 0x53, 0x1b, 0x3d, 0x08 }           \
	}

#endif
