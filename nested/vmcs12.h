/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vmcs12: the VMCS L1 builds for its guest, in a layout of our own.
 *
 * The SDM leaves the format of a VMCS region to the implementation except for
 * its first 8 bytes (Vol. 3C 25.2): L1 may only reach the rest through
 * VMREAD/VMWRITE, which L0 emulates on the cached copy below (one 4 KiB page,
 * written back to L1's region at VMCLEAR). Layout:
 *
 *   offset 0   revision     bits 30:0 VMCS revision identifier, bit 31 the
 *                           shadow-VMCS indicator (SDM 25.2)
 *   offset 4   abort        VMX-abort indicator (SDM 25.2, 28.7)
 *   offset 8   launch_state VMCS12_LAUNCH_CLEAR or VMCS12_LAUNCH_LAUNCHED
 *   offset 12  reserved
 *   offset 16  field[]      one 64-bit slot per field of vmx/vmcs_fields.def,
 *                           in the order of that list; slots of unsupported
 *                           fields are never read or written
 *
 * A 16-bit or 32-bit field lives zero-extended in the low bits of its slot, a
 * 64-bit field fills it (its "high" encoding names bits 63:32 of the same
 * slot). The slot order follows vmx/vmcs_fields.def, so the layout is only
 * stable within one build; the revision identifier is what L1 checks.
 */
#ifndef NESTED_VMCS12_H
#define NESTED_VMCS12_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/vmcs_fields.h"

/* Our VMCS revision identifier ("MK12"): hardware's must never leak to L1. */
#define VMCS12_REVISION		0x4d4b3132u
#define VMCS12_SHADOW_INDICATOR (1u << 31)

#define VMCS12_LAUNCH_CLEAR    0u
#define VMCS12_LAUNCH_LAUNCHED 1u

#define VMCS12_SIZE	    4096
#define VMCS12_HEADER_BYTES 16
#define VMCS12_SLOTS	    ((VMCS12_SIZE - VMCS12_HEADER_BYTES) / 8)

/* Values are the VM-instruction error numbers (SDM Vol. 3C 31.4). */
enum vmcs12_status {
	VMCS12_OK = 0,
	VMCS12_UNSUPPORTED =
	    12, /* VMREAD/VMWRITE from/to unsupported VMCS component */
	VMCS12_READ_ONLY = 13, /* VMWRITE to read-only VMCS component */
};

/* Field type, bits 11:10 of an encoding (SDM Vol. 3C 25.11.2). */
enum vmcs12_class {
	VMCS12_CLASS_CONTROL = 0,
	VMCS12_CLASS_RO_DATA =
	    1, /* VM-exit information: read-only to VMWRITE */
	VMCS12_CLASS_GUEST = 2,
	VMCS12_CLASS_HOST = 3,
};

/* Field width, bits 14:13 of an encoding (SDM Vol. 3C 25.11.2). */
enum vmcs12_width {
	VMCS12_WIDTH_16 = 0,
	VMCS12_WIDTH_64 = 1,
	VMCS12_WIDTH_32 = 2,
	VMCS12_WIDTH_NATURAL = 3,
};

struct vmcs12 {
	uint32_t revision;
	uint32_t abort;
	uint32_t launch_state;
	uint32_t reserved;
	uint64_t field[VMCS12_SLOTS]; /* private to nested/vmcs12.c: use the
					 accessors */
};
_Static_assert(sizeof(struct vmcs12) == VMCS12_SIZE,
	       "vmcs12 is one 4 KiB page");

static inline enum vmcs12_class vmcs12_field_class(uint64_t encoding)
{
	return (enum vmcs12_class)((encoding >> 10) & 3);
}

static inline enum vmcs12_width vmcs12_field_width(uint64_t encoding)
{
	return (enum vmcs12_width)((encoding >> 13) & 3);
}

static inline uint32_t vmcs12_revision_id(const struct vmcs12 *v)
{
	return v->revision & ~VMCS12_SHADOW_INDICATOR;
}

static inline bool vmcs12_is_shadow(const struct vmcs12 *v)
{
	return (v->revision & VMCS12_SHADOW_INDICATOR) != 0;
}

static inline void vmcs12_set_revision(struct vmcs12 *v, uint32_t id,
				       bool shadow)
{
	v->revision = (id & ~VMCS12_SHADOW_INDICATOR) |
		      (shadow ? VMCS12_SHADOW_INDICATOR : 0);
}

/* Only the exact value counts: anything else L1 scribbled there reads as clear.
 */
static inline bool vmcs12_launched(const struct vmcs12 *v)
{
	return v->launch_state == VMCS12_LAUNCH_LAUNCHED;
}

static inline void vmcs12_set_launched(struct vmcs12 *v, bool launched)
{
	v->launch_state =
	    launched ? VMCS12_LAUNCH_LAUNCHED : VMCS12_LAUNCH_CLEAR;
}

static inline uint32_t vmcs12_abort_indicator(const struct vmcs12 *v)
{
	return v->abort;
}

static inline void vmcs12_set_abort_indicator(struct vmcs12 *v,
					      uint32_t indicator)
{
	v->abort = indicator;
}

/*
 * True if L1 may VMREAD the encoding (a 64-bit field's odd "high" encoding
 * included). Every bit of the 64-bit operand counts: bits 63:15 and 12 must
 * be 0, bit 0 may be set only for a 64-bit field.
 */
bool vmcs12_supported(uint64_t encoding);

/*
 * VMREAD: 16-bit and 32-bit fields zero-extended, a 64-bit field whole or
 * (odd encoding) its bits 63:32, a natural-width field all 64 bits. *value is
 * untouched on failure.
 */
enum vmcs12_status vmcs12_vmread(const struct vmcs12 *v, uint64_t encoding,
				 uint64_t *value);

/*
 * VMWRITE: value truncated to the field's width; a 64-bit field's even
 * encoding writes all 64 bits, its odd encoding puts value bits 31:0 in field
 * bits 63:32. A VM-exit information field fails with VMCS12_READ_ONLY unless
 * ro_writable (IA32_VMX_MISC bit 29 as offered to L1). Nothing changes on
 * failure.
 */
enum vmcs12_status vmcs12_vmwrite(struct vmcs12 *v, uint64_t encoding,
				  uint64_t value, bool ro_writable);

/* One slot per field of vmx/vmcs_fields.def, in the file's order. */
enum vmcs12_slot {
#define VMCS_FIELD(name, encoding) VMCS12_SLOT_##name,
#include "vmx/vmcs_fields.def"
#undef VMCS_FIELD
	VMCS12_SLOT_COUNT
};

/* The slot of a field L0 names (the even encoding), -1 if unsupported. */
int vmcs12_slot_lookup(unsigned f);

/* The same, folded to a constant at compile time when f is one. */
static inline __attribute__((always_inline)) int vmcs12_slot_of(unsigned f)
{
	if (!__builtin_constant_p(f))
		return vmcs12_slot_lookup(f);
	switch (f) {
#define UNEMULATED(name) case name:
#include "nested/vmcs12_unemulated.def"
#undef UNEMULATED
		return -1;
	default:
		break;
	}
	switch (f) {
#define VMCS_FIELD(name, encoding)                                             \
	case name:                                                             \
		return VMCS12_SLOT_##name;
#include "vmx/vmcs_fields.def"
#undef VMCS_FIELD
	default:
		return -1;
	}
}

/*
 * A field with its slot, for L0's tables of fields it copies in loops:
 * VMCS12_FIELD(GUEST_RIP). Hardware VMREAD gives values of the field's
 * width, which go into the slot as they are.
 */
struct vmcs12_field_slot {
	enum vmcs_field field;
	uint16_t slot;
};
#define VMCS12_FIELD(name)                                                     \
	{                                                                      \
		name, VMCS12_SLOT_##name                                       \
	}

/*
 * The same with the slot's byte offset in the page, for the loops that run
 * at every exit and entry (one memory operand per field):
 * VMCS12_FOFF(GUEST_RIP).
 */
struct vmcs12_foff {
	uint32_t field; /* enum vmcs_field */
	uint32_t off;	/* byte offset of the slot in struct vmcs12 */
};
#define VMCS12_FOFF(name)                                                      	{                                                                      		name, (uint32_t)(__builtin_offsetof(struct vmcs12, field) +    				 8 * VMCS12_SLOT_##name)                       	}

static inline uint64_t *vmcs12_at(struct vmcs12 *v, uint32_t off)
{
	return (uint64_t *)((char *)v + off);
}

static inline unsigned vmcs12_off_slot(uint32_t off)
{
	return (off - (uint32_t)__builtin_offsetof(struct vmcs12, field)) / 8;
}

/*
 * Makes a page loaded from L1's memory hold only what VMWRITE could have
 * put there: narrow fields truncated, unsupported ones 0. L0 calls it once
 * per VMPTRLD, so that vmcs12_get() can be a plain load.
 */
void vmcs12_sanitize(struct vmcs12 *v);

/*
 * L0's own access by field (the even encoding): 0 for an unsupported field,
 * writes of any class truncated like VMWRITE, a write to an unsupported
 * field dropped. The page must be sanitized (vmcs12_sanitize).
 */
static inline __attribute__((always_inline)) uint64_t
vmcs12_get(const struct vmcs12 *v, enum vmcs_field f)
{
	int s = vmcs12_slot_of(f);

	return s < 0 ? 0 : v->field[s];
}

static inline __attribute__((always_inline)) void
vmcs12_set(struct vmcs12 *v, enum vmcs_field f, uint64_t value)
{
	int s = vmcs12_slot_of(f);

	if (s < 0)
		return;
	if (vmcs12_field_width(f) == VMCS12_WIDTH_16)
		value = (uint16_t)value;
	else if (vmcs12_field_width(f) == VMCS12_WIDTH_32)
		value = (uint32_t)value;
	v->field[s] = value;
}

/* Highest bits-9:1 index of a supported encoding (IA32_VMX_VMCS_ENUM 9:1). */
unsigned vmcs12_max_index(void);

/*
 * "GUEST_RIP" for 0x681e: any encoding of vmx/vmcs_fields.def, supported or
 * not (for logging what L1 tried); NULL for any other, odd encodings included.
 */
const char *vmcs12_field_name(uint64_t encoding);

#endif
