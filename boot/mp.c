/* SPDX-License-Identifier: Apache-2.0 */
#include "boot/mp.h"

#include <efilib.h>

/* gnu-efi lacks the MP services protocol; this is its PI-spec layout. */
typedef VOID(EFIAPI *ap_procedure)(VOID *arg);

typedef struct {
	UINT64 ProcessorId;
	UINT32 StatusFlag;
	UINT32 Package, Core, Thread; /* EFI_CPU_PHYSICAL_LOCATION */
	UINT8 ExtendedInformation[24];
} processor_info;

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

static EFI_GUID mp_services_guid = { 0x3fdda605, 0xa76e, 0x4f46,
				     { 0xad, 0x29, 0x12, 0xf4, 0x53, 0x1b,
				       0x3d, 0x08 } };

/* Generous: an emulated AP may be slow, but a hung one must not hang the boot. */
#define AP_TIMEOUT_US (60ull * 1000 * 1000)

EFI_STATUS mp_init(struct mp *mp)
{
	mp_services *s;
	EFI_STATUS st = BS->LocateProtocol(&mp_services_guid, NULL, (void **)&s);

	mp->proto = NULL;
	mp->count = mp->enabled = 1;
	mp->bsp = 0;
	if (EFI_ERROR(st))
		return st;
	st = s->GetNumberOfProcessors(s, &mp->count, &mp->enabled);
	if (EFI_ERROR(st))
		return st;
	st = s->WhoAmI(s, &mp->bsp);
	if (EFI_ERROR(st))
		return st;
	mp->proto = s;
	return EFI_SUCCESS;
}

bool mp_cpu_enabled(const struct mp *mp, UINTN cpu)
{
	mp_services *s = mp->proto;
	processor_info info;

	if (!s)
		return cpu == mp->bsp;
	if (EFI_ERROR(s->GetProcessorInfo(s, cpu, &info)))
		return false;
	return info.StatusFlag & PROCESSOR_ENABLED_BIT;
}

struct ap_call {
	mp_services *s;
	mp_fn fn;
	void *arg;
};

static VOID EFIAPI ap_entry(VOID *p)
{
	struct ap_call *c = p;
	UINTN cpu;

	if (!EFI_ERROR(c->s->WhoAmI(c->s, &cpu)))
		c->fn(cpu, c->arg);
}

EFI_STATUS mp_run_everywhere(const struct mp *mp, mp_fn fn, void *arg)
{
	struct ap_call c = { mp->proto, fn, arg };

	fn(mp->bsp, arg);
	if (!c.s || mp->enabled < 2)
		return EFI_SUCCESS;
	return c.s->StartupAllAPs(c.s, ap_entry, FALSE, NULL, AP_TIMEOUT_US,
				  &c, NULL);
}
