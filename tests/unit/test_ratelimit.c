/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Host tests for lib/ratelimit.c: the burst, the steady rate, the count of
 * suppressed lines reported once when printing resumes, a clock going
 * backwards, huge gaps, and the bound ratelimit_max_lines() promises
 * (checked against random arrival times).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "lib/ratelimit.h"

/* 5 lines, then 1 per second, with a 1000-tick clock. */
static const struct ratelimit_cfg cfg = {5, 1, 1000};

static bool allow(struct ratelimit *rl, uint64_t now, uint64_t *resumed)
{
	*resumed = 0xdead;
	return ratelimit_allow(rl, &cfg, now, resumed);
}

static void t_burst_then_suppressed(void **state)
{
	struct ratelimit rl = {0};
	uint64_t r;

	(void)state;
	for (int i = 0; i < 5; i++) {
		assert_true(allow(&rl, 100, &r));
		assert_int_equal(r, 0);
	}
	for (int i = 0; i < 7; i++) {
		assert_false(allow(&rl, 100 + (uint64_t)i, &r));
		assert_int_equal(r, 0xdead); /* untouched when refused */
	}
	assert_int_equal(rl.pending, 7);
}

static void t_steady_rate_and_resume_count(void **state)
{
	struct ratelimit rl = {0};
	uint64_t r;

	(void)state;
	for (int i = 0; i < 5; i++)
		assert_true(allow(&rl, 0, &r));
	assert_false(allow(&rl, 500, &r));
	assert_false(allow(&rl, 999, &r));
	/* one interval later: one line, which reports the two before it */
	assert_true(allow(&rl, 1000, &r));
	assert_int_equal(r, 2);
	assert_false(allow(&rl, 1001, &r));
	assert_true(allow(&rl, 2000, &r));
	assert_int_equal(r, 1);
	/* reported once: the next one says 0 */
	assert_true(allow(&rl, 3500, &r));
	assert_int_equal(r, 0);
	/* the half interval left over from 3500 counts towards the next */
	assert_false(allow(&rl, 3600, &r));
	assert_true(allow(&rl, 4000, &r));
	assert_int_equal(r, 1);
}

static void t_refill_caps_at_burst(void **state)
{
	struct ratelimit rl = {0};
	uint64_t r;
	int n = 0;

	(void)state;
	assert_true(allow(&rl, 0, &r));
	/* a long quiet time gives back the burst, not more */
	while (allow(&rl, 1000000, &r))
		n++;
	assert_int_equal(n, 5);
}

static void t_huge_gap_no_overflow(void **state)
{
	struct ratelimit rl = {0};
	uint64_t r;
	int n = 0;

	(void)state;
	assert_true(allow(&rl, 1, &r));
	while (allow(&rl, UINT64_MAX, &r))
		n++;
	assert_int_equal(n, 5);
}

static void t_clock_backwards_refills_nothing(void **state)
{
	struct ratelimit rl = {0};
	uint64_t r;

	(void)state;
	for (int i = 0; i < 5; i++)
		assert_true(allow(&rl, 100000, &r));
	assert_false(allow(&rl, 5, &r)); /* went back: nothing refilled */
	assert_false(allow(&rl, 900, &r));
	assert_true(allow(&rl, 1005, &r)); /* one interval after the reset */
	assert_int_equal(r, 2);
}

static void t_zero_config_is_safe(void **state)
{
	const struct ratelimit_cfg z = {0, 0, 0};
	struct ratelimit rl = {0};
	uint64_t r = 0;

	(void)state;
	/* a burst of 0 means 1; an interval of 0 ticks means 1 */
	assert_int_equal(ratelimit_interval(&z), 1);
	assert_true(ratelimit_allow(&rl, &z, 10, &r));
	assert_false(ratelimit_allow(&rl, &z, 10, &r));
	assert_true(ratelimit_allow(&rl, &z, 11, &r));
	assert_int_equal(r, 1);
}

static void t_max_lines(void **state)
{
	(void)state;
	assert_int_equal(ratelimit_interval(&cfg), 1000);
	assert_int_equal(ratelimit_max_lines(&cfg, 0), 5);
	assert_int_equal(ratelimit_max_lines(&cfg, 999), 5);
	assert_int_equal(ratelimit_max_lines(&cfg, 1000), 6);
	assert_int_equal(ratelimit_max_lines(&cfg, 10500), 15);
	assert_int_equal(ratelimit_max_lines(&cfg, UINT64_MAX),
			 5 + UINT64_MAX / 1000);
	const struct ratelimit_cfg one = {5, 1, 1};
	assert_int_equal(ratelimit_max_lines(&one, UINT64_MAX), UINT64_MAX);
}

/* Random arrivals: the printed lines never exceed the bound, and every
 * line is either printed or counted exactly once. */
static void t_bound_holds_for_random_arrivals(void **state)
{
	(void)state;
	srand(7);
	for (int run = 0; run < 200; run++) {
		struct ratelimit rl = {0};
		uint64_t now = (uint64_t)rand(), start = now, printed = 0;
		uint64_t reported = 0, r;
		int lines = 1 + rand() % 3000;

		for (int i = 0; i < lines; i++) {
			now += (uint64_t)(rand() % 400);
			if (ratelimit_allow(&rl, &cfg, now, &r)) {
				printed++;
				reported += r;
			}
		}
		assert_true(printed <= ratelimit_max_lines(&cfg, now - start));
		assert_int_equal(printed + reported + rl.pending,
				 (uint64_t)lines);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_burst_then_suppressed),
	    cmocka_unit_test(t_steady_rate_and_resume_count),
	    cmocka_unit_test(t_refill_caps_at_burst),
	    cmocka_unit_test(t_huge_gap_no_overflow),
	    cmocka_unit_test(t_clock_backwards_refills_nothing),
	    cmocka_unit_test(t_zero_config_is_safe),
	    cmocka_unit_test(t_max_lines),
	    cmocka_unit_test(t_bound_holds_for_random_arrivals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
