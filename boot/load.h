/* SPDX-License-Identifier: Apache-2.0 */
/* Placing the core: reserved pages, its page tables, its boot_info. */
#ifndef BOOT_LOAD_H
#define BOOT_LOAD_H

#include <efi.h>

#include "boot/mp.h"
#include "boot/options.h"
#include "core/bootinfo.h"

/* The core's entry point, called at its physical address (see arch/x86/entry.asm). */
typedef uint64_t (*core_enter_fn)(uint64_t cpu) __attribute__((sysv_abi));

struct loaded_core {
	core_enter_fn enter;
	struct boot_info *bi; /* the core's copy (readable again only without VMX) */
};

/* The ACPI RSDP from the EFI configuration table, 0 if there is none. */
uint64_t boot_find_rsdp(void);

EFI_STATUS core_load(const struct options *o, const struct mp *mp,
		     UINTN entering, BOOLEAN allow_1g, struct loaded_core *out);

#endif
