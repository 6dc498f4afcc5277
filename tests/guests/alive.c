/* SPDX-License-Identifier: Apache-2.0 */
/*
 * "L0 is alive on every CPU": each enabled CPU (the BSP here, the APs through
 * EFI MP services) makes the HC_VCPU_EXITS hypercall, which only a running
 * L0 on that CPU can answer. Attack payloads end with it.
 */
#include <efi.h>
#include <efilib.h>

#include "tests/guests/guestlib.h"

#define ALIVE_TIMEOUT_US 20000000

struct alive {
	mp_services *s;
	UINTN count;
	volatile uint64_t *exits; /* per processor number; 0 = no answer */
};

static uint64_t ask_l0(void)
{
	uint64_t rbx = 0, rcx = 0, rdx = 0;

	return hypercall(HC_VCPU_EXITS, &rbx, &rcx, &rdx) == HC_OK ? rbx : 0;
}

static VOID EFIAPI ap_alive(VOID *arg)
{
	struct alive *a = arg;
	UINTN cpu;

	if (!EFI_ERROR(a->s->WhoAmI(a->s, &cpu)) && cpu < a->count)
		a->exits[cpu] = ask_l0();
}

bool l0_alive_everywhere(void)
{
	struct alive a = { mp_locate(), 1, NULL };
	UINTN enabled = 1, answered = 0, cpus = 0;
	EFI_STATUS st = EFI_SUCCESS;
	uint64_t bsp = ask_l0();

	if (a.s && !EFI_ERROR(a.s->GetNumberOfProcessors(a.s, &a.count, &enabled)) &&
	    enabled > 1 && (a.exits = AllocateZeroPool(a.count * sizeof(uint64_t))))
		st = a.s->StartupAllAPs(a.s, ap_alive, FALSE, NULL, ALIVE_TIMEOUT_US,
					&a, NULL);
	for (UINTN cpu = 0; a.exits && cpu < a.count; cpu++) {
		processor_info info;

		if (EFI_ERROR(a.s->GetProcessorInfo(a.s, cpu, &info)) ||
		    (info.StatusFlag & PROCESSOR_AS_BSP_BIT) ||
		    !(info.StatusFlag & PROCESSOR_ENABLED_BIT))
			continue;
		cpus++;
		answered += a.exits[cpu] != 0;
	}
	if (a.exits)
		FreePool((void *)a.exits);
	return check("l0-alive-every-cpu", bsp && answered == cpus && !EFI_ERROR(st),
		     "BSP %s, %lu of %lu APs answered HC_VCPU_EXITS (StartupAllAPs 0x%lx)",
		     bsp ? "answered" : "did not answer", answered, cpus,
		     (uint64_t)st);
}
