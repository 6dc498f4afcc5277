/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Field storage of vmcs12: the one encoding -> slot table, derived at compile
 * time from vmx/vmcs_fields.def, and VMREAD/VMWRITE on it.
 */
#include "nested/vmcs12.h"

#include <stddef.h>

/*
 * Encoding layout (SDM Vol. 3C 25.11.2): bit 0 access type (1 = high half of
 * a 64-bit field), bits 9:1 index, 11:10 type, 12 reserved, 14:13 width,
 * 31:15 reserved. In 64-bit mode VMREAD/VMWRITE take a 64-bit operand whose
 * upper bits name no field either.
 */
#define ENC_HIGH	1u
#define ENC_INDEX(e)	(((e) >> 1) & 0x1ffu)
#define ENC_TYPE(e)	(((e) >> 10) & 3u)
#define ENC_WIDTH(e)	(((e) >> 13) & 3u)
#define ENC_NAMING_BITS 0x6fffull

/*
 * No architectural field has an index near 32; bounding the table there keeps
 * it at 512 bytes instead of 8 KiB. Every field of the list is checked
 * against the bound below, so a new one that breaks it stops the build.
 */
#define INDEX_LIMIT 32

_Static_assert(VMCS12_SLOT_COUNT <= VMCS12_SLOTS,
	       "vmcs12 page too small for the field list");
_Static_assert(VMCS12_SLOT_COUNT < 256, "slot_of[] stores slot + 1 in a byte");

#define VMCS_FIELD(name, encoding)                                             \
	_Static_assert(((encoding) & ~0x6ffeu) == 0 &&                         \
			   ENC_INDEX(encoding) < INDEX_LIMIT,                  \
		       #name ": encoding outside the vmcs12 slot table");
#include "vmx/vmcs_fields.def"
#undef VMCS_FIELD

/*
 * The encoding -> slot table: slot + 1, 0 where the list has no field. Two
 * fields with one encoding would initialize one element twice, which
 * -Woverride-init (in -Wextra) turns into a build error.
 */
static const uint8_t slot_of[4][4][INDEX_LIMIT] = {
#define VMCS_FIELD(name, encoding)                                             \
	[ENC_WIDTH(encoding)][ENC_TYPE(encoding)][ENC_INDEX(encoding)] =       \
	    VMCS12_SLOT_##name + 1,
#include "vmx/vmcs_fields.def"
#undef VMCS_FIELD
};

static const struct {
	uint16_t encoding;
	const char *name;
} slot_field[VMCS12_SLOT_COUNT] = {
#define VMCS_FIELD(name, encoding) [VMCS12_SLOT_##name] = {encoding, #name},
#include "vmx/vmcs_fields.def"
#undef VMCS_FIELD
};

#define UNEMULATED(name) [VMCS12_SLOT_##name] = true,
static const bool unemulated[VMCS12_SLOT_COUNT] = {
#include "nested/vmcs12_unemulated.def"
};
#undef UNEMULATED

/* Slot of a supported encoding, or -1. */
static int field_slot(uint64_t encoding)
{
	unsigned s;

	if (encoding & ~ENC_NAMING_BITS)
		return -1;
	if ((encoding & ENC_HIGH) && ENC_WIDTH(encoding) != VMCS12_WIDTH_64)
		return -1;
	if (ENC_INDEX(encoding) >= INDEX_LIMIT)
		return -1;
	s = slot_of[ENC_WIDTH(encoding)][ENC_TYPE(encoding)]
		   [ENC_INDEX(encoding)];
	if (s == 0 || unemulated[s - 1])
		return -1;
	return (int)(s - 1);
}

int vmcs12_slot_lookup(unsigned f)
{
	return (f & ENC_HIGH) ? -1 : field_slot(f);
}

bool vmcs12_supported(uint64_t encoding)
{
	return field_slot(encoding) >= 0;
}

enum vmcs12_status vmcs12_vmread(const struct vmcs12 *v, uint64_t encoding,
				 uint64_t *value)
{
	int s = field_slot(encoding);
	uint64_t raw;

	if (s < 0)
		return VMCS12_UNSUPPORTED;
	/* The page came from L1's memory at VMPTRLD, so a narrow slot may hold
	 * bits L1 wrote there directly: VMREAD still returns only the field. */
	raw = v->field[s];
	switch (vmcs12_field_width(encoding)) {
	case VMCS12_WIDTH_16:
		*value = (uint16_t)raw;
		break;
	case VMCS12_WIDTH_32:
		*value = (uint32_t)raw;
		break;
	case VMCS12_WIDTH_64:
		*value = (encoding & ENC_HIGH) ? raw >> 32 : raw;
		break;
	case VMCS12_WIDTH_NATURAL:
	default:
		*value = raw;
		break;
	}
	return VMCS12_OK;
}

enum vmcs12_status vmcs12_vmwrite(struct vmcs12 *v, uint64_t encoding,
				  uint64_t value, bool ro_writable)
{
	int s = field_slot(encoding);
	uint64_t *slot;

	/* SDM Vol. 3C 31.3 VMWRITE: "unsupported" is checked before
	 * "read-only". */
	if (s < 0)
		return VMCS12_UNSUPPORTED;
	if (vmcs12_field_class(encoding) == VMCS12_CLASS_RO_DATA &&
	    !ro_writable)
		return VMCS12_READ_ONLY;
	slot = &v->field[s];
	switch (vmcs12_field_width(encoding)) {
	case VMCS12_WIDTH_16:
		*slot = (uint16_t)value;
		break;
	case VMCS12_WIDTH_32:
		*slot = (uint32_t)value;
		break;
	case VMCS12_WIDTH_64:
		if (encoding & ENC_HIGH)
			*slot = (*slot & 0xffffffffull) | (value << 32);
		else
			*slot = value;
		break;
	case VMCS12_WIDTH_NATURAL:
	default:
		*slot = value;
		break;
	}
	return VMCS12_OK;
}

void vmcs12_sanitize(struct vmcs12 *v)
{
	for (size_t i = 0; i < VMCS12_SLOT_COUNT; i++) {
		uint64_t enc = slot_field[i].encoding;

		if (unemulated[i])
			v->field[i] = 0;
		else if (vmcs12_field_width(enc) == VMCS12_WIDTH_16)
			v->field[i] = (uint16_t)v->field[i];
		else if (vmcs12_field_width(enc) == VMCS12_WIDTH_32)
			v->field[i] = (uint32_t)v->field[i];
	}
}

unsigned vmcs12_max_index(void)
{
	unsigned max = 0;

	for (size_t s = 0; s < VMCS12_SLOT_COUNT; s++)
		if (!unemulated[s] && ENC_INDEX(slot_field[s].encoding) > max)
			max = ENC_INDEX(slot_field[s].encoding);
	return max;
}

const char *vmcs12_field_name(uint64_t encoding)
{
	unsigned s;

	if ((encoding & ~(ENC_NAMING_BITS & ~(uint64_t)ENC_HIGH)) ||
	    ENC_INDEX(encoding) >= INDEX_LIMIT)
		return NULL;
	s = slot_of[ENC_WIDTH(encoding)][ENC_TYPE(encoding)]
		   [ENC_INDEX(encoding)];
	return s ? slot_field[s - 1].name : NULL;
}
