/* SPDX-License-Identifier: Apache-2.0 */
/* Host tests for lib/tscfreq.c: which CPUID leaf wins, and the fallback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/tscfreq.h"

static uint64_t hz(const struct tscfreq_cpuid *c, enum tscfreq_source want)
{
	enum tscfreq_source got = (enum tscfreq_source)99;
	uint64_t r = tscfreq_hz(c, &got);

	assert_int_equal(got, want);
	return r;
}

static void t_leaf15(void **state)
{
	/* 24 MHz crystal, ratio 188/2: 2256 MHz */
	struct tscfreq_cpuid c = {0x16, 2, 188, 24000000, 2200};

	(void)state;
	assert_int_equal(hz(&c, TSCFREQ_LEAF15), 2256000000ull);
}

static void t_leaf15_without_crystal_uses_leaf16(void **state)
{
	struct tscfreq_cpuid c = {0x16, 2, 188, 0, 2200};

	(void)state;
	assert_int_equal(hz(&c, TSCFREQ_LEAF16), 2200000000ull);
	/* bits 31:16 of leaf 0x16 EAX are reserved */
	c.l16_eax = 0xabcd0000u | 3000;
	assert_int_equal(hz(&c, TSCFREQ_LEAF16), 3000000000ull);
}

static void t_leaves_beyond_max_are_ignored(void **state)
{
	struct tscfreq_cpuid c = {0x14, 2, 188, 24000000, 2200};

	(void)state;
	assert_int_equal(hz(&c, TSCFREQ_ASSUMED), TSCFREQ_ASSUMED_HZ);
	c.max_leaf = 0x15;
	c.l15_ecx = 0;
	assert_int_equal(hz(&c, TSCFREQ_ASSUMED), TSCFREQ_ASSUMED_HZ);
}

static void t_nothing_reported(void **state)
{
	struct tscfreq_cpuid c;

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(hz(&c, TSCFREQ_ASSUMED), TSCFREQ_ASSUMED_HZ);
	c.max_leaf = 0x20;
	assert_int_equal(hz(&c, TSCFREQ_ASSUMED), TSCFREQ_ASSUMED_HZ);
	/* a ratio giving 0 Hz is no answer either */
	c.l15_eax = 1000;
	c.l15_ebx = 1;
	c.l15_ecx = 1;
	assert_int_equal(hz(&c, TSCFREQ_ASSUMED), TSCFREQ_ASSUMED_HZ);
	assert_int_equal(tscfreq_hz(&c, NULL), TSCFREQ_ASSUMED_HZ);
}

static void t_names(void **state)
{
	(void)state;
	assert_string_equal(tscfreq_source_name(TSCFREQ_LEAF15), "CPUID 0x15");
	assert_string_equal(tscfreq_source_name(TSCFREQ_LEAF16), "CPUID 0x16");
	assert_string_equal(tscfreq_source_name(TSCFREQ_ASSUMED),
			    "assumed: CPUID gives none");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_leaf15),
	    cmocka_unit_test(t_leaf15_without_crystal_uses_leaf16),
	    cmocka_unit_test(t_leaves_beyond_max_are_ignored),
	    cmocka_unit_test(t_nothing_reported),
	    cmocka_unit_test(t_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
