/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Host tests for vmx/notify_policy.c: the qualification's two bits (VM
 * context invalid stops, NMI unblocking re-blocks), the count, and the
 * same-RIP progress check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "vmx/notify_policy.h"

static void t_qualification_bits(void **state)
{
	struct notify_state s = {0};
	struct notify_verdict d;

	(void)state;
	d = notify_decide(&s, 0, 0x100);
	assert_false(d.stop);
	assert_false(d.block_nmi);
	d = notify_decide(&s, NOTIFY_QUAL_NMI_UNBLOCKED, 0x200);
	assert_false(d.stop);
	assert_true(d.block_nmi);
	d = notify_decide(&s, NOTIFY_QUAL_CONTEXT_INVALID, 0x300);
	assert_true(d.stop);
	assert_false(d.block_nmi);
	d = notify_decide(&s, NOTIFY_QUAL_CONTEXT_INVALID | NOTIFY_QUAL_NMI_UNBLOCKED,
			  0x400);
	assert_true(d.stop);
	assert_true(d.block_nmi);
	/* other bits mean nothing here */
	d = notify_decide(&s, ~(NOTIFY_QUAL_CONTEXT_INVALID | NOTIFY_QUAL_NMI_UNBLOCKED),
			  0x500);
	assert_false(d.stop);
	assert_false(d.block_nmi);
	assert_int_equal(s.exits, 5);
}

static void t_progress(void **state)
{
	struct notify_state s = {0};

	(void)state;
	/* the first exit has nothing to compare with */
	assert_false(notify_decide(&s, 0, 0x1000).no_progress);
	assert_true(notify_decide(&s, 0, 0x1000).no_progress);
	assert_true(notify_decide(&s, 0, 0x1000).no_progress);
	assert_false(notify_decide(&s, 0, 0x1004).no_progress);
	assert_true(notify_decide(&s, 0, 0x1004).no_progress);
	/* RIP 0 is a RIP like any other */
	struct notify_state z = {0};

	assert_false(notify_decide(&z, 0, 0).no_progress);
	assert_true(notify_decide(&z, 0, 0).no_progress);
	assert_int_equal(s.exits, 5);
	assert_int_equal(s.no_progress, 3);
}

static void t_default_window(void **state)
{
	(void)state;
	/* fits the 32-bit field, and is no "trust the CPU alone" zero */
	assert_true(NOTIFY_WINDOW_DEFAULT > 0);
	assert_true(NOTIFY_WINDOW_DEFAULT <= 0xffffffffu);
	assert_true(NOTIFY_WINDOW_OFF > 0xffffffffull);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_qualification_bits),
	    cmocka_unit_test(t_progress),
	    cmocka_unit_test(t_default_window),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
