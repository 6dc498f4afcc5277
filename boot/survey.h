/* SPDX-License-Identifier: Apache-2.0 */
/* The VMX survey on every CPU, before anything is changed. */
#ifndef BOOT_SURVEY_H
#define BOOT_SURVEY_H

#include <efi.h>

#include "boot/mp.h"

/*
 * Reads and decodes every CPU's VMX capabilities and prints the table.
 * Returns EFI_UNSUPPORTED after one "VMX not usable: ..." line per missing
 * requirement; on success, enables and locks IA32_FEATURE_CONTROL where it
 * was unlocked. *allow_1g says whether every CPU has 1 GiB pages.
 */
EFI_STATUS survey_vmx(const struct mp *mp, BOOLEAN *allow_1g);

#endif
