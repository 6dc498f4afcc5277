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
#define ENC_HIGH 1u
#define ENC_INDEX(e) (((e) >> 1) & 0x1ffu)
#define ENC_TYPE(e) (((e) >> 10) & 3u)
#define ENC_WIDTH(e) (((e) >> 13) & 3u)
#define ENC_NAMING_BITS 0x6fffull

/*
 * No architectural field has an index near 32; bounding the table there keeps
 * it at 512 bytes instead of 8 KiB. Every field of the list is checked
 * against the bound below, so a new one that breaks it stops the build.
 */
#define INDEX_LIMIT 32

enum slot {
#define VMCS_FIELD(name, encoding) SLOT_##name,
#include "vmx/vmcs_fields.def"
#undef VMCS_FIELD
	SLOT_COUNT
};
_Static_assert(SLOT_COUNT <= VMCS12_SLOTS, "vmcs12 page too small for the field list");
_Static_assert(SLOT_COUNT < 256, "slot_of[] stores slot + 1 in a byte");

#define VMCS_FIELD(name, encoding)                                             \
	_Static_assert(((encoding) & ~0x6ffeu) == 0 &&                         \
		       ENC_INDEX(encoding) < INDEX_LIMIT,                      \
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
	[ENC_WIDTH(encoding)][ENC_TYPE(encoding)][ENC_INDEX(encoding)] = SLOT_##name + 1,
#include "vmx/vmcs_fields.def"
#undef VMCS_FIELD
};

static const struct {
	uint16_t encoding;
	const char *name;
} slot_field[SLOT_COUNT] = {
#define VMCS_FIELD(name, encoding) [SLOT_##name] = { encoding, #name },
#include "vmx/vmcs_fields.def"
#undef VMCS_FIELD
};

/*
 * Fields of features L0 does not emulate for L1. nested/vcaps12.c never
 * offers the controls that give them meaning, so for L1 they do not exist:
 * VMREAD and VMWRITE fail with error 12, as on a CPU without the feature.
 * Keep this list and the control masks of nested/vcaps12.c in step.
 */
#define UNEMULATED(name) [SLOT_##name] = true
static const bool unemulated[SLOT_COUNT] = {
	/* APIC virtualization: TPR shadow, APIC-access page, virtual-interrupt
	 * delivery, posted interrupts */
	UNEMULATED(VIRTUAL_APIC_PAGE_ADDR),
	UNEMULATED(TPR_THRESHOLD),
	UNEMULATED(APIC_ACCESS_ADDR),
	UNEMULATED(GUEST_INTR_STATUS),
	UNEMULATED(EOI_EXIT_BITMAP0),
	UNEMULATED(EOI_EXIT_BITMAP1),
	UNEMULATED(EOI_EXIT_BITMAP2),
	UNEMULATED(EOI_EXIT_BITMAP3),
	UNEMULATED(POSTED_INTR_NV),
	UNEMULATED(POSTED_INTR_DESC_ADDR),
	/* VM functions (EPTP switching) and EPT-violation #VE */
	UNEMULATED(VM_FUNCTION_CONTROL),
	UNEMULATED(EPTP_LIST_ADDR),
	UNEMULATED(EPTP_INDEX),
	UNEMULATED(VE_INFO_ADDR),
	/* page-modification logging */
	UNEMULATED(PML_ADDRESS),
	UNEMULATED(GUEST_PML_INDEX),
	/* PAUSE-loop exiting, TSC scaling, ENCLS and XSS exiting bitmaps */
	UNEMULATED(PLE_GAP),
	UNEMULATED(PLE_WINDOW),
	UNEMULATED(TSC_MULTIPLIER),
	UNEMULATED(ENCLS_EXITING_BITMAP),
	UNEMULATED(XSS_EXIT_BITMAP),
	/* tertiary controls and notify VM exits (L0 keeps the notify window) */
	UNEMULATED(TERTIARY_VM_EXEC_CONTROL),
	UNEMULATED(NOTIFY_WINDOW),
	/* MPX and perf-global-control loading on entry/exit */
	UNEMULATED(GUEST_BNDCFGS),
	UNEMULATED(GUEST_IA32_PERF_GLOBAL_CTRL),
	UNEMULATED(HOST_IA32_PERF_GLOBAL_CTRL),
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
	s = slot_of[ENC_WIDTH(encoding)][ENC_TYPE(encoding)][ENC_INDEX(encoding)];
	if (s == 0 || unemulated[s - 1])
		return -1;
	return (int)(s - 1);
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

	/* SDM Vol. 3C 31.3 VMWRITE: "unsupported" is checked before "read-only". */
	if (s < 0)
		return VMCS12_UNSUPPORTED;
	if (vmcs12_field_class(encoding) == VMCS12_CLASS_RO_DATA && !ro_writable)
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

uint64_t vmcs12_get(const struct vmcs12 *v, enum vmcs_field f)
{
	uint64_t value;

	return vmcs12_vmread(v, (uint64_t)f, &value) == VMCS12_OK ? value : 0;
}

void vmcs12_set(struct vmcs12 *v, enum vmcs_field f, uint64_t value)
{
	(void)vmcs12_vmwrite(v, (uint64_t)f, value, true);
}

unsigned vmcs12_max_index(void)
{
	unsigned max = 0;

	for (size_t s = 0; s < SLOT_COUNT; s++)
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
	s = slot_of[ENC_WIDTH(encoding)][ENC_TYPE(encoding)][ENC_INDEX(encoding)];
	return s ? slot_field[s - 1].name : NULL;
}
