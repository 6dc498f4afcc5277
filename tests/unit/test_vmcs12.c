/* SPDX-License-Identifier: Apache-2.0 */
/*
 * nested/vmcs12.c: VMREAD/VMWRITE semantics on the cached vmcs12 for every
 * field of vmx/vmcs_fields.def, the encodings that name no field, read-only
 * data fields, slot placement and the shadowed-field list.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nested/vmcs12.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct field {
	uint64_t encoding;
	const char *name;
};

static const struct field all_fields[] = {
#define VMCS_FIELD(name, encoding) { encoding, #name },
#include "vmx/vmcs_fields.def"
#undef VMCS_FIELD
};

/* The task's list of fields of features L0 does not emulate, typed in
 * independently of nested/vmcs12.c. */
static const uint64_t unemulated[] = {
	POSTED_INTR_NV, POSTED_INTR_DESC_ADDR, EPTP_INDEX, GUEST_INTR_STATUS,
	GUEST_PML_INDEX, PML_ADDRESS, EOI_EXIT_BITMAP0, EOI_EXIT_BITMAP1,
	EOI_EXIT_BITMAP2, EOI_EXIT_BITMAP3, EPTP_LIST_ADDR, VE_INFO_ADDR,
	ENCLS_EXITING_BITMAP, TSC_MULTIPLIER, TERTIARY_VM_EXEC_CONTROL,
	NOTIFY_WINDOW, XSS_EXIT_BITMAP, VM_FUNCTION_CONTROL, GUEST_BNDCFGS,
	PLE_GAP, PLE_WINDOW, VIRTUAL_APIC_PAGE_ADDR, TPR_THRESHOLD,
	APIC_ACCESS_ADDR, GUEST_IA32_PERF_GLOBAL_CTRL, HOST_IA32_PERF_GLOBAL_CTRL,
};

static const uint64_t shadow_ro[] = {
#define SHADOW_FIELD_RO(name) name,
#define SHADOW_FIELD_RW(name)
#include "nested/shadow_fields.def"
#undef SHADOW_FIELD_RO
#undef SHADOW_FIELD_RW
};

static const uint64_t shadow_rw[] = {
#define SHADOW_FIELD_RO(name)
#define SHADOW_FIELD_RW(name) name,
#include "nested/shadow_fields.def"
#undef SHADOW_FIELD_RO
#undef SHADOW_FIELD_RW
};

/* nested/guest_fields.def's split: saved at every exit, or lazily */
static const uint64_t guest_exit[] = {
#define GUEST_FIELD_EXIT(name) name,
#define GUEST_FIELD_LAZY(name)
#include "nested/guest_fields.def"
#undef GUEST_FIELD_EXIT
#undef GUEST_FIELD_LAZY
};

static const uint64_t guest_lazy[] = {
#define GUEST_FIELD_EXIT(name)
#define GUEST_FIELD_LAZY(name) name,
#include "nested/guest_fields.def"
#undef GUEST_FIELD_EXIT
#undef GUEST_FIELD_LAZY
};

static struct vmcs12 vmcs, before;

static bool expect_supported(uint64_t encoding)
{
	for (size_t i = 0; i < ARRAY_SIZE(unemulated); i++)
		if (unemulated[i] == encoding)
			return false;
	return true;
}

/* What a field keeps of a 64-bit value, from its width bits alone. */
static uint64_t width_mask(uint64_t encoding)
{
	switch ((encoding >> 13) & 3) {
	case 0:
		return 0xffffull;
	case 2:
		return 0xffffffffull;
	default:
		return ~0ull;
	}
}

static bool is_64bit(uint64_t encoding)
{
	return ((encoding >> 13) & 3) == 1;
}

static bool is_read_only(uint64_t encoding)
{
	return ((encoding >> 10) & 3) == 1;
}

/* Unsupported: both instructions fail with 12 and nothing changes. */
static void expect_unsupported(uint64_t encoding)
{
	uint64_t value = 0x5a5a;

	assert_false(vmcs12_supported(encoding));
	memcpy(&before, &vmcs, sizeof(vmcs));
	assert_int_equal(vmcs12_vmread(&vmcs, encoding, &value), VMCS12_UNSUPPORTED);
	assert_int_equal(value, 0x5a5a);
	assert_int_equal(vmcs12_vmwrite(&vmcs, encoding, 1, false), VMCS12_UNSUPPORTED);
	assert_int_equal(vmcs12_vmwrite(&vmcs, encoding, 1, true), VMCS12_UNSUPPORTED);
	assert_memory_equal(&before, &vmcs, sizeof(vmcs));
}

static void layout(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct vmcs12), 4096);
	/* SDM 25.2: revision identifier at byte 0, abort indicator at byte 4 */
	assert_int_equal(offsetof(struct vmcs12, revision), 0);
	assert_int_equal(offsetof(struct vmcs12, abort), 4);
	assert_int_equal(offsetof(struct vmcs12, launch_state), 8);
	assert_int_equal(offsetof(struct vmcs12, field), VMCS12_HEADER_BYTES);
	assert_true(ARRAY_SIZE(all_fields) <= VMCS12_SLOTS);
}

static void header_accessors(void **state)
{
	(void)state;
	memset(&vmcs, 0, sizeof(vmcs));
	assert_false(vmcs12_launched(&vmcs));
	assert_false(vmcs12_is_shadow(&vmcs));

	vmcs12_set_revision(&vmcs, VMCS12_REVISION, false);
	assert_int_equal(vmcs.revision, VMCS12_REVISION);
	assert_int_equal(vmcs12_revision_id(&vmcs), VMCS12_REVISION);
	assert_false(vmcs12_is_shadow(&vmcs));

	vmcs12_set_revision(&vmcs, VMCS12_REVISION, true);
	assert_int_equal(vmcs.revision, VMCS12_REVISION | (1u << 31));
	assert_int_equal(vmcs12_revision_id(&vmcs), VMCS12_REVISION);
	assert_true(vmcs12_is_shadow(&vmcs));

	/* bit 31 of the id argument is not the indicator */
	vmcs12_set_revision(&vmcs, 0x80000001u, false);
	assert_int_equal(vmcs.revision, 1);
	assert_false(vmcs12_is_shadow(&vmcs));

	vmcs12_set_launched(&vmcs, true);
	assert_true(vmcs12_launched(&vmcs));
	assert_int_equal(vmcs.launch_state, VMCS12_LAUNCH_LAUNCHED);
	vmcs12_set_launched(&vmcs, false);
	assert_false(vmcs12_launched(&vmcs));
	assert_int_equal(vmcs.launch_state, VMCS12_LAUNCH_CLEAR);
	/* a value L1 wrote into its region directly is not "launched" */
	vmcs.launch_state = 7;
	assert_false(vmcs12_launched(&vmcs));

	vmcs12_set_abort_indicator(&vmcs, 0x1234);
	assert_int_equal(vmcs.abort, 0x1234);
	assert_int_equal(vmcs12_abort_indicator(&vmcs), 0x1234);
	assert_int_equal(vmcs.revision, 1); /* neighbours untouched */
	assert_int_equal(vmcs.launch_state, 7);
}

/* Supported = listed in vmcs_fields.def and not excluded; each excluded one
 * fails like an encoding of no field at all. */
static void support_matches_lists(void **state)
{
	size_t supported = 0;

	(void)state;
	memset(&vmcs, 0x3c, sizeof(vmcs));
	for (size_t i = 0; i < ARRAY_SIZE(all_fields); i++) {
		uint64_t enc = all_fields[i].encoding;

		if (expect_supported(enc)) {
			assert_true(vmcs12_supported(enc));
			supported++;
		} else {
			expect_unsupported(enc);
			assert_int_equal(vmcs12_get(&vmcs, (enum vmcs_field)enc), 0);
		}
	}
	assert_int_equal(supported + ARRAY_SIZE(unemulated), ARRAY_SIZE(all_fields));
}

static void bad_encodings(void **state)
{
	(void)state;
	memset(&vmcs, 0x3c, sizeof(vmcs));
	expect_unsupported(0x6830);                      /* natural guest, index 24: no field */
	expect_unsupported(0x2000 | (31u << 1));         /* inside the table, no field */
	expect_unsupported(0x2000 | (0x1ffu << 1));      /* highest index */
	expect_unsupported(GUEST_RIP | 0x1000);          /* bit 12 reserved */
	expect_unsupported(GUEST_RIP | 0x8000);          /* bit 15 */
	expect_unsupported(GUEST_RIP | (1ull << 32));    /* upper half of the operand */
	expect_unsupported(GUEST_RIP | (1ull << 63));
	expect_unsupported(GUEST_RIP | 1);               /* access type high: natural */
	expect_unsupported(CPU_BASED_VM_EXEC_CONTROL | 1); /* 32-bit */
	expect_unsupported(VM_EXIT_REASON | 1);          /* 32-bit read-only */
	expect_unsupported(GUEST_CS_SELECTOR | 1);       /* 16-bit */
	expect_unsupported(EPT_POINTER | 1 | 0x1000);
	expect_unsupported(PML_ADDRESS | 1);             /* high half of an excluded field */
	/* the high half of every supported 64-bit field is a field */
	for (size_t i = 0; i < ARRAY_SIZE(all_fields); i++) {
		uint64_t enc = all_fields[i].encoding;

		if (is_64bit(enc))
			assert_int_equal(vmcs12_supported(enc | 1), expect_supported(enc));
	}
}

static void round_trip_by_width(void **state)
{
	const uint64_t p = 0xfedcba9876543210ull, q = 0x0123456789abcdefull;
	unsigned widths_seen = 0;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(all_fields); i++) {
		uint64_t enc = all_fields[i].encoding, value = 0;

		if (!expect_supported(enc))
			continue;
		widths_seen |= 1u << ((enc >> 13) & 3);

		/* bits L1 scribbled into its region never show through VMREAD */
		memset(&vmcs, 0xff, sizeof(vmcs));
		assert_int_equal(vmcs12_vmread(&vmcs, enc, &value), VMCS12_OK);
		assert_int_equal(value, width_mask(enc));

		assert_int_equal(vmcs12_vmwrite(&vmcs, enc, p, true), VMCS12_OK);
		assert_int_equal(vmcs12_vmread(&vmcs, enc, &value), VMCS12_OK);
		assert_int_equal(value, p & width_mask(enc));
		assert_int_equal(vmcs12_get(&vmcs, (enum vmcs_field)enc), p & width_mask(enc));
		if (!is_64bit(enc))
			continue;

		assert_int_equal(vmcs12_vmread(&vmcs, enc | 1, &value), VMCS12_OK);
		assert_int_equal(value, p >> 32);
		/* a high-half write takes bits 31:0 of the operand, keeps 31:0 of the field */
		assert_int_equal(vmcs12_vmwrite(&vmcs, enc | 1, q, true), VMCS12_OK);
		assert_int_equal(vmcs12_vmread(&vmcs, enc | 1, &value), VMCS12_OK);
		assert_int_equal(value, q & 0xffffffffull);
		assert_int_equal(vmcs12_vmread(&vmcs, enc, &value), VMCS12_OK);
		assert_int_equal(value, (q << 32) | (p & 0xffffffffull));
		/* a full write replaces both halves */
		assert_int_equal(vmcs12_vmwrite(&vmcs, enc, q, true), VMCS12_OK);
		assert_int_equal(vmcs12_vmread(&vmcs, enc, &value), VMCS12_OK);
		assert_int_equal(value, q);
		assert_int_equal(vmcs12_vmread(&vmcs, enc | 1, &value), VMCS12_OK);
		assert_int_equal(value, q >> 32);
	}
	assert_int_equal(widths_seen, 0xf); /* 16, 64, 32 and natural width */
}

static void read_only_fields(void **state)
{
	size_t ro = 0;

	(void)state;
	memset(&vmcs, 0, sizeof(vmcs));
	for (size_t i = 0; i < ARRAY_SIZE(all_fields); i++) {
		uint64_t enc = all_fields[i].encoding, value = 0;

		if (!expect_supported(enc))
			continue;
		vmcs12_set(&vmcs, (enum vmcs_field)enc, 0x1111);
		if (!is_read_only(enc)) {
			assert_int_equal(vmcs12_vmwrite(&vmcs, enc, 0x2222, false), VMCS12_OK);
			assert_int_equal(vmcs12_get(&vmcs, (enum vmcs_field)enc), 0x2222);
			continue;
		}
		ro++;
		assert_int_equal(vmcs12_vmwrite(&vmcs, enc, 0x2222, false), VMCS12_READ_ONLY);
		if (is_64bit(enc))
			assert_int_equal(vmcs12_vmwrite(&vmcs, enc | 1, 0x2222, false),
					 VMCS12_READ_ONLY);
		assert_int_equal(vmcs12_vmread(&vmcs, enc, &value), VMCS12_OK);
		assert_int_equal(value, 0x1111);
		/* IA32_VMX_MISC bit 29 offered: VMWRITE may write them */
		assert_int_equal(vmcs12_vmwrite(&vmcs, enc, 0x2222, true), VMCS12_OK);
		assert_int_equal(vmcs12_get(&vmcs, (enum vmcs_field)enc), 0x2222);
	}
	assert_true(ro >= 14); /* B.2.2, B.3.2 and B.4.2 of the SDM */
	/* an encoding of the read-only type that names no field: 12 before 13 */
	assert_int_equal(vmcs12_vmwrite(&vmcs, 0x4410, 1, false), VMCS12_UNSUPPORTED);
	assert_int_equal(vmcs12_vmwrite(&vmcs, 0x4400 | 0x1000, 1, false), VMCS12_UNSUPPORTED);
}

/* A pattern per field whose low 16 bits already differ from every other. */
static uint64_t pattern(size_t i, uint64_t enc)
{
	return ((uint64_t)(i + 1) << 56) | (enc << 24) | (0xa5ull << 16) | (0x8000u | i);
}

static void no_slot_overlap(void **state)
{
	(void)state;
	memset(&vmcs, 0, sizeof(vmcs));
	vmcs12_set_revision(&vmcs, VMCS12_REVISION, true);
	vmcs12_set_abort_indicator(&vmcs, 0xabcd);
	vmcs12_set_launched(&vmcs, true);

	for (size_t i = 0; i < ARRAY_SIZE(all_fields); i++) {
		uint64_t enc = all_fields[i].encoding;

		if (expect_supported(enc))
			assert_int_equal(vmcs12_vmwrite(&vmcs, enc, pattern(i, enc), true),
					 VMCS12_OK);
		else
			vmcs12_set(&vmcs, (enum vmcs_field)enc, ~0ull);
	}
	for (size_t i = 0; i < ARRAY_SIZE(all_fields); i++) {
		uint64_t enc = all_fields[i].encoding, value = 0;

		if (!expect_supported(enc))
			continue;
		assert_int_equal(vmcs12_vmread(&vmcs, enc, &value), VMCS12_OK);
		assert_int_equal(value, pattern(i, enc) & width_mask(enc));
	}
	assert_int_equal(vmcs.revision, VMCS12_REVISION | (1u << 31));
	assert_int_equal(vmcs.abort, 0xabcd);
	assert_int_equal(vmcs.launch_state, VMCS12_LAUNCH_LAUNCHED);
	assert_int_equal(vmcs.reserved, 0);
}

static void get_set(void **state)
{
	(void)state;
	/* unsupported: 0 whatever the page holds, writes dropped */
	memset(&vmcs, 0xff, sizeof(vmcs));
	memcpy(&before, &vmcs, sizeof(vmcs));
	for (size_t i = 0; i < ARRAY_SIZE(unemulated); i++) {
		vmcs12_set(&vmcs, (enum vmcs_field)unemulated[i], 0x42);
		assert_int_equal(vmcs12_get(&vmcs, (enum vmcs_field)unemulated[i]), 0);
	}
	vmcs12_set(&vmcs, (enum vmcs_field)0x6830, 0x42);
	assert_int_equal(vmcs12_get(&vmcs, (enum vmcs_field)0x6830), 0);
	assert_memory_equal(&before, &vmcs, sizeof(vmcs));

	memset(&vmcs, 0, sizeof(vmcs));
	vmcs12_set(&vmcs, GUEST_CS_SELECTOR, 0x123456);
	assert_int_equal(vmcs12_get(&vmcs, GUEST_CS_SELECTOR), 0x3456);
	vmcs12_set(&vmcs, GUEST_CS_LIMIT, 0x1ffffffffull);
	assert_int_equal(vmcs12_get(&vmcs, GUEST_CS_LIMIT), 0xffffffffull);
	vmcs12_set(&vmcs, EPT_POINTER, 0x1234567890abcdefull);
	assert_int_equal(vmcs12_get(&vmcs, EPT_POINTER), 0x1234567890abcdefull);
	/* L0 names whole fields: a high-half encoding is not one (VMWRITE's job) */
	vmcs12_set(&vmcs, (enum vmcs_field)(EPT_POINTER | 1), 0x55);
	assert_int_equal(vmcs12_get(&vmcs, EPT_POINTER), 0x1234567890abcdefull);
	assert_int_equal(vmcs12_vmwrite(&vmcs, EPT_POINTER | 1, 0x55, false), VMCS12_OK);
	assert_int_equal(vmcs12_get(&vmcs, EPT_POINTER), 0x5590abcdefull);
	vmcs12_set(&vmcs, GUEST_RIP, 0xffffffff81000000ull);
	assert_int_equal(vmcs12_get(&vmcs, GUEST_RIP), 0xffffffff81000000ull);
	/* L0 writes exit information whatever L1 was offered */
	vmcs12_set(&vmcs, VM_EXIT_REASON, 0x8000001eull);
	assert_int_equal(vmcs12_get(&vmcs, VM_EXIT_REASON), 0x8000001eull);
	vmcs12_set(&vmcs, EXIT_QUALIFICATION, 0xdeadbeefcafeull);
	assert_int_equal(vmcs12_get(&vmcs, EXIT_QUALIFICATION), 0xdeadbeefcafeull);
}

/* A page as L1 left it in memory: after sanitizing, vmcs12_get sees only what VMWRITE could store. */
static void sanitize(void **state)
{
	(void)state;
	memset(&vmcs, 0xff, sizeof(vmcs));
	vmcs12_sanitize(&vmcs);
	assert_int_equal(vmcs12_get(&vmcs, GUEST_CS_SELECTOR), 0xffff);
	assert_int_equal(vmcs12_get(&vmcs, GUEST_CS_LIMIT), 0xffffffffull);
	assert_int_equal(vmcs12_get(&vmcs, EPT_POINTER), ~0ull);
	assert_int_equal(vmcs12_get(&vmcs, GUEST_RIP), ~0ull);
	for (size_t i = 0; i < ARRAY_SIZE(unemulated); i++) {
		uint64_t raw = 1;

		/* the slot itself is cleared, not only hidden */
		for (size_t j = 0; j < ARRAY_SIZE(all_fields); j++)
			if (all_fields[j].encoding == unemulated[i])
				raw = vmcs.field[j];
		assert_int_equal(raw, 0);
	}
	/* every supported field reads the same through VMREAD and vmcs12_get */
	for (size_t j = 0; j < ARRAY_SIZE(all_fields); j++) {
		uint64_t value = 0;

		if (vmcs12_vmread(&vmcs, all_fields[j].encoding, &value) == VMCS12_OK)
			assert_int_equal(vmcs12_get(&vmcs, (enum vmcs_field)all_fields[j].encoding),
					 value);
	}
}

static void max_index(void **state)
{
	unsigned max = 0;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(all_fields); i++) {
		uint64_t enc = all_fields[i].encoding;
		unsigned index = (unsigned)(enc >> 1) & 0x1ff;

		if (expect_supported(enc) && index > max)
			max = index;
	}
	assert_int_equal(vmcs12_max_index(), max);
	/* a field with that index exists and is supported */
	for (size_t i = 0; i < ARRAY_SIZE(all_fields); i++)
		if (((all_fields[i].encoding >> 1) & 0x1ff) == max &&
		    vmcs12_supported(all_fields[i].encoding))
			return;
	fail_msg("no supported field has index %u", max);
}

static void field_names(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(all_fields); i++) {
		uint64_t enc = all_fields[i].encoding;

		assert_non_null(vmcs12_field_name(enc));
		assert_string_equal(vmcs12_field_name(enc), all_fields[i].name);
		assert_null(vmcs12_field_name(enc | 1));
		assert_null(vmcs12_field_name(enc | 0x1000));
		assert_null(vmcs12_field_name(enc | (1ull << 40)));
	}
	assert_string_equal(vmcs12_field_name(0x681e), "GUEST_RIP");
	assert_string_equal(vmcs12_field_name(POSTED_INTR_NV), "POSTED_INTR_NV");
	assert_null(vmcs12_field_name(0x6830));
	assert_null(vmcs12_field_name(0x2000 | (0x1ffu << 1)));
}

static void shadow_field_list(void **state)
{
	(void)state;
	assert_true(ARRAY_SIZE(shadow_ro) > 0);
	assert_true(ARRAY_SIZE(shadow_rw) > 0);
	for (size_t i = 0; i < ARRAY_SIZE(shadow_ro); i++) {
		assert_true(vmcs12_supported(shadow_ro[i]));
		assert_int_equal(vmcs12_field_class(shadow_ro[i]), VMCS12_CLASS_RO_DATA);
		for (size_t j = 0; j < ARRAY_SIZE(shadow_rw); j++)
			assert_int_not_equal(shadow_ro[i], shadow_rw[j]);
		for (size_t j = i + 1; j < ARRAY_SIZE(shadow_ro); j++)
			assert_int_not_equal(shadow_ro[i], shadow_ro[j]);
	}
	memset(&vmcs, 0, sizeof(vmcs));
	for (size_t i = 0; i < ARRAY_SIZE(shadow_rw); i++) {
		assert_true(vmcs12_supported(shadow_rw[i]));
		assert_int_not_equal(vmcs12_field_class(shadow_rw[i]), VMCS12_CLASS_RO_DATA);
		assert_int_equal(vmcs12_vmwrite(&vmcs, shadow_rw[i], 1, false), VMCS12_OK);
		for (size_t j = i + 1; j < ARRAY_SIZE(shadow_rw); j++)
			assert_int_not_equal(shadow_rw[i], shadow_rw[j]);
	}
}

static bool in_list(const uint64_t *list, size_t n, uint64_t f)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == f)
			return true;
	return false;
}

/*
 * A guest field L1 can VMREAD without an exit (shadowed) must be saved at
 * every exit of L2 (GUEST_FIELD_EXIT); a lazy one must not be shadowed,
 * or L1 would read a stale value from the shadow (nested_sync_lazy runs
 * only at exits to L0).
 */
static void guest_field_split_follows_shadow(void **state)
{
	(void)state;
	assert_true(ARRAY_SIZE(guest_exit) > 0);
	assert_true(ARRAY_SIZE(guest_lazy) > 0);
	for (size_t i = 0; i < ARRAY_SIZE(guest_exit); i++)
		assert_true(in_list(shadow_rw, ARRAY_SIZE(shadow_rw), guest_exit[i]));
	for (size_t i = 0; i < ARRAY_SIZE(guest_lazy); i++) {
		assert_false(in_list(shadow_rw, ARRAY_SIZE(shadow_rw), guest_lazy[i]));
		assert_false(in_list(shadow_ro, ARRAY_SIZE(shadow_ro), guest_lazy[i]));
		assert_false(in_list(guest_exit, ARRAY_SIZE(guest_exit), guest_lazy[i]));
	}
	/* and every shadowed guest-state field is in the list at all, but
	 * those nested/vmexit.c saves apart at every exit */
	for (size_t i = 0; i < ARRAY_SIZE(shadow_rw); i++)
		if (vmcs12_field_class(shadow_rw[i]) == VMCS12_CLASS_GUEST &&
		    shadow_rw[i] != GUEST_CR0 && shadow_rw[i] != GUEST_CR4 &&
		    shadow_rw[i] != VMX_PREEMPTION_TIMER_VALUE)
			assert_true(in_list(guest_exit, ARRAY_SIZE(guest_exit), shadow_rw[i]));
}

static void class_and_width_helpers(void **state)
{
	(void)state;
	assert_int_equal(vmcs12_field_class(CPU_BASED_VM_EXEC_CONTROL), VMCS12_CLASS_CONTROL);
	assert_int_equal(vmcs12_field_class(VM_EXIT_REASON), VMCS12_CLASS_RO_DATA);
	assert_int_equal(vmcs12_field_class(GUEST_RIP), VMCS12_CLASS_GUEST);
	assert_int_equal(vmcs12_field_class(HOST_RIP), VMCS12_CLASS_HOST);
	assert_int_equal(vmcs12_field_width(VPID), VMCS12_WIDTH_16);
	assert_int_equal(vmcs12_field_width(EPT_POINTER | 1), VMCS12_WIDTH_64);
	assert_int_equal(vmcs12_field_width(EXCEPTION_BITMAP), VMCS12_WIDTH_32);
	assert_int_equal(vmcs12_field_width(HOST_RSP), VMCS12_WIDTH_NATURAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(layout),
		cmocka_unit_test(header_accessors),
		cmocka_unit_test(support_matches_lists),
		cmocka_unit_test(bad_encodings),
		cmocka_unit_test(round_trip_by_width),
		cmocka_unit_test(read_only_fields),
		cmocka_unit_test(no_slot_overlap),
		cmocka_unit_test(get_set),
		cmocka_unit_test(sanitize),
		cmocka_unit_test(max_index),
		cmocka_unit_test(field_names),
		cmocka_unit_test(shadow_field_list),
		cmocka_unit_test(guest_field_split_follows_shadow),
		cmocka_unit_test(class_and_width_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
