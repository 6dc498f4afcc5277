/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Turning a live segment selector and the GDT it points into into the
 * guest-state fields of a VMCS: base, limit and access rights in the VMCS
 * format (SDM Vol. 3C 25.4.1, Table 25-2). Pure logic, unit-tested.
 */
#ifndef VMX_SEGMENT_H
#define VMX_SEGMENT_H

#include <stdbool.h>
#include <stdint.h>

#define AR_TYPE_ACCESSED 0x1u
#define AR_S (1u << 4)
#define AR_P (1u << 7)
#define AR_L (1u << 13)
#define AR_DB (1u << 14)
#define AR_G (1u << 15)
#define AR_UNUSABLE (1u << 16)
#define AR_TYPE_TSS64_BUSY 0xbu
#define AR_TYPE_TSS64_AVAIL 0x9u

struct seg_state {
	uint16_t sel;
	uint64_t base;
	uint32_t limit; /* in bytes, granularity applied */
	uint32_t ar;
};

enum seg_kind { SEG_CODE_DATA, SEG_TR, SEG_LDTR };

/*
 * Fills *s for selector sel from the GDT at gdt (gdt_limit as in GDTR).
 * A null selector gives an unusable segment (a TR gets a minimal busy TSS,
 * as VM entry needs a usable TR). Returns false, with why set, for what this
 * cannot describe: an LDT selector, one beyond the GDT limit, or a
 * descriptor of the wrong kind.
 */
bool seg_from_gdt(const void *gdt, uint16_t gdt_limit, uint16_t sel,
		  enum seg_kind kind, struct seg_state *s, const char **why);

#endif
