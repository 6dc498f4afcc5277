/* SPDX-License-Identifier: Apache-2.0 */
/* Running loader code on every CPU through EFI_MP_SERVICES_PROTOCOL (PI spec Vol. 2, 13.4). */
#ifndef BOOT_MP_H
#define BOOT_MP_H

#include <efi.h>
#include <stdbool.h>

struct mp {
	void *proto;   /* EFI_MP_SERVICES_PROTOCOL, NULL if the firmware has none */
	UINTN count;   /* processor numbers run 0..count-1 */
	UINTN enabled;
	UINTN bsp;
};

EFI_STATUS mp_init(struct mp *mp);
bool mp_cpu_enabled(const struct mp *mp, UINTN cpu);

/*
 * Runs fn(cpu, arg) on the BSP, then on every enabled AP in parallel, and
 * waits for all. fn runs on APs too, so it must not call UEFI services.
 */
typedef void (*mp_fn)(UINTN cpu, void *arg);
EFI_STATUS mp_run_everywhere(const struct mp *mp, mp_fn fn, void *arg);

#endif
