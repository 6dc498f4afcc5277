/* SPDX-License-Identifier: Apache-2.0 */
/*
 * nested/dirty12.h: sets of vmcs12 slots (the fast path's record of what
 * changed): marks, tests, fill/clear, any-of-mask, the compare-and-store,
 * and the walk over the slots set in a set and a mask.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nested/dirty12.h"

static void mark_test_clear(void **state)
{
	struct dirty12 d;

	(void)state;
	dirty12_clear(&d);
	assert_true(dirty12_empty(&d));
	for (unsigned s = 0; s < VMCS12_SLOT_COUNT; s++) {
		assert_false(dirty12_test(&d, s));
		dirty12_mark(&d, s);
		assert_true(dirty12_test(&d, s));
		/* only that slot */
		for (unsigned o = 0; o < VMCS12_SLOT_COUNT; o++)
			assert_int_equal(dirty12_test(&d, o), o <= s);
	}
	assert_false(dirty12_empty(&d));
	dirty12_clear(&d);
	assert_true(dirty12_empty(&d));
}

static void fill_is_everything(void **state)
{
	struct dirty12 d, one;

	(void)state;
	dirty12_fill(&d);
	for (unsigned s = 0; s < VMCS12_SLOT_COUNT; s++) {
		assert_true(dirty12_test(&d, s));
		dirty12_clear(&one);
		dirty12_mark(&one, s);
		assert_true(dirty12_any(&d, &one));
	}
}

static void any_and_or(void **state)
{
	struct dirty12 a, b, m;
	uint16_t slots[] = {0, 63, 64, VMCS12_SLOT_COUNT - 1};

	(void)state;
	dirty12_of(&m, slots, 4);
	for (unsigned s = 0; s < VMCS12_SLOT_COUNT; s++) {
		dirty12_clear(&a);
		dirty12_mark(&a, s);
		bool in = s == 0 || s == 63 || s == 64 || s == VMCS12_SLOT_COUNT - 1;

		assert_int_equal(dirty12_any(&a, &m), in);
	}
	dirty12_clear(&a);
	dirty12_clear(&b);
	dirty12_mark(&a, 3);
	dirty12_mark(&b, 100);
	dirty12_or(&a, &b);
	assert_true(dirty12_test(&a, 3));
	assert_true(dirty12_test(&a, 100));
	assert_false(dirty12_test(&a, 4));
}

static void store_marks_only_changes(void **state)
{
	static struct vmcs12 c;
	struct dirty12 d;

	(void)state;
	memset(&c, 0, sizeof(c));
	dirty12_clear(&d);
	dirty12_store(&c, &d, 7, 0);
	assert_true(dirty12_empty(&d));
	dirty12_store(&c, &d, 7, 5);
	assert_true(dirty12_test(&d, 7));
	assert_int_equal(c.field[7], 5);
	dirty12_clear(&d);
	dirty12_store(&c, &d, 7, 5);
	assert_true(dirty12_empty(&d));
}

static void walk_in_order(void **state)
{
	struct dirty12 d, m;
	unsigned seen[VMCS12_SLOT_COUNT], n = 0;

	(void)state;
	dirty12_clear(&d);
	dirty12_fill(&m);
	for (unsigned s = 0; s < VMCS12_SLOT_COUNT; s += 3)
		dirty12_mark(&d, s);
	DIRTY12_FOR_EACH(&d, &m, slot)
		seen[n++] = slot;
	assert_int_equal(n, (VMCS12_SLOT_COUNT + 2) / 3);
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(seen[i], 3 * i);
	/* the mask limits it */
	dirty12_clear(&m);
	dirty12_mark(&m, 3);
	dirty12_mark(&m, 4);
	n = 0;
	DIRTY12_FOR_EACH(&d, &m, slot)
		seen[n++] = slot;
	assert_int_equal(n, 1);
	assert_int_equal(seen[0], 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mark_test_clear),
		cmocka_unit_test(fill_is_everything),
		cmocka_unit_test(any_and_or),
		cmocka_unit_test(store_marks_only_changes),
		cmocka_unit_test(walk_in_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
