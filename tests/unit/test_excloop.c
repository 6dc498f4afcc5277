/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Host tests for vmx/excloop.c: a CVE-2015-5307/8104-style loop (the same
 * exception faulting during its own delivery at one RIP) is contained at
 * the threshold and not before; anything that is progress starts again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "vmx/excloop.h"

#define AC 17
#define DB 1

static void t_loop_contained_at_threshold(void **state)
{
	struct excloop s = {0};

	(void)state;
	for (unsigned i = 1; i < 10; i++)
		assert_int_equal(excloop_note(&s, AC, 0x1000, true, AC, 10),
				 EXCLOOP_DELIVER);
	assert_int_equal(excloop_note(&s, AC, 0x1000, true, AC, 10),
			 EXCLOOP_CONTAIN);
	assert_int_equal(s.loops, 1);
	/* and it stays contained */
	assert_int_equal(excloop_note(&s, AC, 0x1000, true, AC, 10),
			 EXCLOOP_CONTAIN);
	assert_int_equal(s.loops, 1);
}

static void t_instruction_exceptions_are_progress(void **state)
{
	struct excloop s = {0};

	(void)state;
	/* a watchpoint hit a million times at one RIP: each is an instruction */
	for (unsigned i = 0; i < 100000; i++)
		assert_int_equal(excloop_note(&s, DB, 0x2000, false, 0, 10),
				 EXCLOOP_DELIVER);
	assert_int_equal(s.loops, 0);
}

static void t_other_vector_or_rip_restarts(void **state)
{
	struct excloop s = {0};

	(void)state;
	for (unsigned i = 0; i < 9; i++)
		excloop_note(&s, DB, 0x3000, true, DB, 10);
	/* another RIP: a new count */
	assert_int_equal(excloop_note(&s, DB, 0x3001, true, DB, 10),
			 EXCLOOP_DELIVER);
	assert_int_equal(s.rounds, 1);
	for (unsigned i = 0; i < 8; i++)
		excloop_note(&s, DB, 0x3001, true, DB, 10);
	/* #AC while delivering #DB is not a #DB loop */
	assert_int_equal(excloop_note(&s, AC, 0x3001, true, DB, 10),
			 EXCLOOP_DELIVER);
	assert_int_equal(s.rounds, 0);
	/* another vector at the same RIP restarts */
	for (unsigned i = 0; i < 9; i++)
		excloop_note(&s, DB, 0x3001, true, DB, 10);
	assert_int_equal(excloop_note(&s, AC, 0x3001, true, AC, 10),
			 EXCLOOP_DELIVER);
	assert_int_equal(s.rounds, 1);
	assert_int_equal(s.loops, 0);
}

static void t_progress_resets(void **state)
{
	struct excloop s = {0};

	(void)state;
	for (unsigned round = 0; round < 5; round++) {
		for (unsigned i = 0; i < 9; i++)
			assert_int_equal(excloop_note(&s, AC, 0x4000, true, AC, 10),
					 EXCLOOP_DELIVER);
		excloop_progress(&s);
	}
	/* an exception an instruction raised is progress too */
	for (unsigned i = 0; i < 9; i++)
		excloop_note(&s, AC, 0x4000, true, AC, 10);
	excloop_note(&s, AC, 0x4000, false, 0, 10);
	assert_int_equal(excloop_note(&s, AC, 0x4000, true, AC, 10),
			 EXCLOOP_DELIVER);
	assert_int_equal(s.loops, 0);
}

static void t_default_threshold(void **state)
{
	struct excloop s = {0};
	unsigned n = 0;

	(void)state;
	while (excloop_note(&s, DB, 0x5000, true, DB, EXCLOOP_THRESHOLD) ==
	       EXCLOOP_DELIVER)
		n++;
	assert_int_equal(n + 1, EXCLOOP_THRESHOLD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_loop_contained_at_threshold),
	    cmocka_unit_test(t_instruction_exceptions_are_progress),
	    cmocka_unit_test(t_other_vector_or_rip_restarts),
	    cmocka_unit_test(t_progress_resets),
	    cmocka_unit_test(t_default_threshold),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
