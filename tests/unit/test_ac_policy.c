/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Host tests for vmx/ac_policy.c: which #AC is the guest's and which a
 * split lock for L0 (every combination of CPL, CR0.AM, RFLAGS.AC, the
 * CPU's detection and L1's virtual detection, against the rule written out
 * independently), and each split_lock= policy, ratelimit's window over time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "vmx/ac_policy.h"

#define HZ 1000u

static void t_alignment_needs_all_three(void **state)
{
	(void)state;
	assert_true(ac_alignment_enabled(3, AC_CR0_AM, AC_RFLAGS_AC));
	assert_false(ac_alignment_enabled(0, AC_CR0_AM, AC_RFLAGS_AC));
	assert_false(ac_alignment_enabled(2, AC_CR0_AM, AC_RFLAGS_AC));
	assert_false(ac_alignment_enabled(3, 0, AC_RFLAGS_AC));
	assert_false(ac_alignment_enabled(3, AC_CR0_AM, 0));
	/* other bits do not stand in for them */
	assert_false(ac_alignment_enabled(3, ~AC_CR0_AM, ~AC_RFLAGS_AC));
}

static void t_classify_every_combination(void **state)
{
	(void)state;
	for (unsigned m = 0; m < 64; m++) {
		struct ac_ctx c = {
		    .hw_sld = m & 1,
		    .guest_sld = m & 2,
		    .cpl = (m & 4) ? 3 : (m & 32) ? 1 : 0,
		    .cr0 = (m & 8) ? AC_CR0_AM | 1 : 1,
		    .rflags = (m & 16) ? AC_RFLAGS_AC | 2 : 2,
		};
		bool legacy = (m & 4) && (m & 8) && (m & 16);
		bool l0 = (m & 1) && !(m & 2) && !legacy;

		assert_int_equal(ac_classify(&c), l0 ? AC_SPLIT_LOCK_L0 : AC_GUEST);
	}
}

static void t_split_lock_examples(void **state)
{
	(void)state;
	/* a kernel's split lock with L0's detection on: L0's */
	struct ac_ctx kernel = {true, false, 0, AC_CR0_AM, AC_RFLAGS_AC};
	/* a user program that asked for alignment checks: the guest's */
	struct ac_ctx user_ac = {true, false, 3, AC_CR0_AM, AC_RFLAGS_AC};
	/* user split lock without AC: L0's */
	struct ac_ctx user = {true, false, 3, AC_CR0_AM, 0};
	/* the same with L1's own detection on: L1's (as KVM does) */
	struct ac_ctx own = {true, true, 3, AC_CR0_AM, 0};
	/* no detection on the CPU: always the guest's */
	struct ac_ctx none = {false, false, 0, 0, 0};

	assert_int_equal(ac_classify(&kernel), AC_SPLIT_LOCK_L0);
	assert_int_equal(ac_classify(&user_ac), AC_GUEST);
	assert_int_equal(ac_classify(&user), AC_SPLIT_LOCK_L0);
	assert_int_equal(ac_classify(&own), AC_GUEST);
	assert_int_equal(ac_classify(&none), AC_GUEST);
}

static void t_policies(void **state)
{
	struct sl_window w = {0};
	struct sl_policy off = {SL_OFF, 0}, warn = {SL_WARN, 0},
			 fatal = {SL_FATAL, 0};
	struct sl_verdict d;

	(void)state;
	d = sl_decide(&warn, &w, 5, HZ);
	assert_int_equal(d.act, SL_ACT_STEP);
	assert_true(d.log);
	d = sl_decide(&fatal, &w, 5, HZ);
	assert_int_equal(d.act, SL_ACT_STOP);
	d = sl_decide(&off, &w, 5, HZ);
	assert_int_equal(d.act, SL_ACT_STEP);
	assert_false(d.log);
	assert_false(sl_l0_wants_detection(&off));
	assert_true(sl_l0_wants_detection(&warn));
	assert_true(sl_l0_wants_detection(&fatal));
	assert_string_equal(sl_mode_name(SL_RATELIMIT), "ratelimit");
	assert_string_equal(sl_mode_name(SL_WARN), "warn");
}

static void t_ratelimit_window(void **state)
{
	struct sl_policy p = {SL_RATELIMIT, 3};
	struct sl_window w = {0};
	struct sl_verdict d;

	(void)state;
	for (int i = 0; i < 3; i++) {
		d = sl_decide(&p, &w, 100 + (uint64_t)i, HZ);
		assert_int_equal(d.act, SL_ACT_STEP);
	}
	/* the fourth within the second waits for the next window */
	d = sl_decide(&p, &w, 200, HZ);
	assert_int_equal(d.act, SL_ACT_WAIT);
	assert_int_equal(d.wait_until, 100 + HZ);
	assert_true(d.log);
	/* after the wait it was the first of the new window: two more pass */
	assert_int_equal(sl_decide(&p, &w, 100 + HZ, HZ).act, SL_ACT_STEP);
	assert_int_equal(sl_decide(&p, &w, 150 + HZ, HZ).act, SL_ACT_STEP);
	d = sl_decide(&p, &w, 160 + HZ, HZ);
	assert_int_equal(d.act, SL_ACT_WAIT);
	assert_int_equal(d.wait_until, 100 + 2 * HZ);
	/* a long quiet time: a fresh window at once */
	assert_int_equal(sl_decide(&p, &w, 100000, HZ).act, SL_ACT_STEP);
}

/*
 * Never more than N steps in one of the limiter's one-second windows, and
 * the windows at least a second apart (fixed windows, as Linux's bus-lock
 * ratelimit): random arrival times, the caller waiting when told to.
 */
static void t_ratelimit_bound(void **state)
{
	struct sl_policy p = {SL_RATELIMIT, 4};
	struct sl_window w = {0};
	uint64_t now = 0, cur_start = 0;
	unsigned in_window = 0, windows = 0, waits = 0;

	(void)state;
	srand(7);
	for (int i = 0; i < 4000; i++) {
		struct sl_verdict d;

		now += (uint64_t)(rand() % 300);
		d = sl_decide(&p, &w, now, HZ);
		assert_int_not_equal(d.act, SL_ACT_STOP);
		if (d.act == SL_ACT_WAIT) {
			assert_true(d.wait_until > now);
			now = d.wait_until; /* the caller waits, then steps */
			waits++;
		}
		assert_true(w.start <= now && now - w.start < HZ);
		if (!windows || w.start != cur_start) {
			assert_true(!windows || w.start - cur_start >= HZ);
			cur_start = w.start;
			in_window = 0;
			windows++;
		}
		in_window++;
		assert_true(in_window <= 4);
	}
	/* the arrivals (one per 150 ticks on average) were over the rate */
	assert_true(waits > 0);
	assert_true(windows > 100);
}

static void t_ratelimit_without_clock_stops(void **state)
{
	struct sl_policy p = {SL_RATELIMIT, 3};
	struct sl_window w = {0};

	(void)state;
	/* no tick rate: no honest limit can be kept */
	assert_int_equal(sl_decide(&p, &w, 1, 0).act, SL_ACT_STOP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_alignment_needs_all_three),
	    cmocka_unit_test(t_classify_every_combination),
	    cmocka_unit_test(t_split_lock_examples),
	    cmocka_unit_test(t_policies),
	    cmocka_unit_test(t_ratelimit_window),
	    cmocka_unit_test(t_ratelimit_bound),
	    cmocka_unit_test(t_ratelimit_without_clock_stops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
