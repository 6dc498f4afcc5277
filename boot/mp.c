/* SPDX-License-Identifier: Apache-2.0 */
#include "boot/mp.h"

#include <efilib.h>

#include "boot/efi_mp.h"

static EFI_GUID mp_services_guid = EFI_MP_SERVICES_GUID;

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
