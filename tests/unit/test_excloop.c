/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Host tests for vmx/excloop.c: what counts as a round (the same vector
 * faulting during its own delivery, or reported at its own handler's first
 * instruction), a CVE-2015-5307/8104-style loop contained at the threshold
 * and not before, and everything that is progress starting the count again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "vmx/excloop.h"

#define AC 17
#define DB 1

/* #AC while delivering #AC (IDT-vectoring valid) at rip */
static struct excloop_exit in_delivery(unsigned vector, uint64_t rip)
{
	return (struct excloop_exit){vector, rip, true, vector, false, 0};
}

/* a trap reported at the handler's entry (the #DB IST loop) */
static struct excloop_exit at_handler(unsigned vector, uint64_t rip)
{
	return (struct excloop_exit){vector, rip, false, 0, true, rip};
}

/* an exception an instruction raised somewhere else */
static struct excloop_exit by_insn(unsigned vector, uint64_t rip)
{
	return (struct excloop_exit){vector, rip, false, 0, true, 0xffff0000};
}

static void t_what_is_a_round(void **state)
{
	struct excloop_exit e;

	(void)state;
	e = in_delivery(AC, 0x10);
	assert_true(excloop_is_round(&e));
	e = at_handler(DB, 0x20);
	assert_true(excloop_is_round(&e));
	e = by_insn(DB, 0x20);
	assert_false(excloop_is_round(&e));
	/* #AC while delivering #DB: not the same vector's loop */
	e = (struct excloop_exit){AC, 0x30, true, DB, false, 0};
	assert_false(excloop_is_round(&e));
	/* no readable IDT: only the IDT-vectoring information counts */
	e = (struct excloop_exit){DB, 0x40, false, 0, false, 0x40};
	assert_false(excloop_is_round(&e));
	/* both at once is still one round */
	e = (struct excloop_exit){DB, 0x50, true, DB, true, 0x50};
	assert_true(excloop_is_round(&e));
}

static void t_loop_contained_at_threshold(void **state)
{
	struct excloop s = {0};
	struct excloop_exit e = in_delivery(AC, 0x1000);

	(void)state;
	for (unsigned i = 1; i < 10; i++)
		assert_int_equal(excloop_note(&s, &e, 10), EXCLOOP_DELIVER);
	assert_int_equal(excloop_note(&s, &e, 10), EXCLOOP_CONTAIN);
	assert_int_equal(s.loops, 1);
	/* and it stays contained, counted once */
	assert_int_equal(excloop_note(&s, &e, 10), EXCLOOP_CONTAIN);
	assert_int_equal(s.loops, 1);
}

static void t_db_loop_at_handler(void **state)
{
	struct excloop s = {0};
	struct excloop_exit e = at_handler(DB, 0x8000);
	unsigned n = 0;

	(void)state;
	while (excloop_note(&s, &e, EXCLOOP_THRESHOLD) == EXCLOOP_DELIVER)
		n++;
	assert_int_equal(n + 1, EXCLOOP_THRESHOLD);
}

static void t_instruction_exceptions_are_progress(void **state)
{
	struct excloop s = {0};
	struct excloop_exit e = by_insn(DB, 0x2000);

	(void)state;
	/* a watchpoint hit 100000 times at one RIP: each is an instruction */
	for (unsigned i = 0; i < 100000; i++)
		assert_int_equal(excloop_note(&s, &e, 10), EXCLOOP_DELIVER);
	assert_int_equal(s.loops, 0);
}

static void t_other_vector_or_rip_restarts(void **state)
{
	struct excloop s = {0};
	struct excloop_exit a = in_delivery(DB, 0x3000), b = in_delivery(DB, 0x3001),
			    c = in_delivery(AC, 0x3001), x = by_insn(AC, 0x3001);

	(void)state;
	for (unsigned i = 0; i < 9; i++)
		excloop_note(&s, &a, 10);
	/* another RIP: a new count */
	assert_int_equal(excloop_note(&s, &b, 10), EXCLOOP_DELIVER);
	assert_int_equal(s.rounds, 1);
	for (unsigned i = 0; i < 8; i++)
		excloop_note(&s, &b, 10);
	/* an instruction's exception in between: progress */
	assert_int_equal(excloop_note(&s, &x, 10), EXCLOOP_DELIVER);
	assert_int_equal(s.rounds, 0);
	/* another vector at the same RIP restarts */
	for (unsigned i = 0; i < 9; i++)
		excloop_note(&s, &b, 10);
	assert_int_equal(excloop_note(&s, &c, 10), EXCLOOP_DELIVER);
	assert_int_equal(s.rounds, 1);
	assert_int_equal(s.loops, 0);
}

static void t_progress_resets(void **state)
{
	struct excloop s = {0};
	struct excloop_exit e = in_delivery(AC, 0x4000);

	(void)state;
	for (unsigned round = 0; round < 5; round++) {
		for (unsigned i = 0; i < 9; i++)
			assert_int_equal(excloop_note(&s, &e, 10), EXCLOOP_DELIVER);
		excloop_progress(&s);
	}
	assert_int_equal(s.loops, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_what_is_a_round),
	    cmocka_unit_test(t_loop_contained_at_threshold),
	    cmocka_unit_test(t_db_loop_at_handler),
	    cmocka_unit_test(t_instruction_exceptions_are_progress),
	    cmocka_unit_test(t_other_vector_or_rip_restarts),
	    cmocka_unit_test(t_progress_resets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
