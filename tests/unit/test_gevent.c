/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Host tests for core/gevent.c with a fake clock and a capturing log sink:
 * every event counted, lines only within each kind's budget, the
 * "N more suppressed" line when printing resumes, kinds limited apart, the
 * global record, filtered levels free, and a line given up (and counted)
 * when the console stays held.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/gevent.h"
#include "vmx/vcpu.h"

#define HZ 1000000ull /* the fake TSC: 1 MHz */

static uint64_t now;
static uint64_t tick; /* added at every clock read */

static uint64_t fake_clock(void)
{
	return now += tick;
}

static struct {
	int count;
	char line[64][LOG_LINE_MAX];
} seen;

static void capture(enum log_level level, const char *line, size_t len)
{
	(void)level;
	(void)len;
	if (seen.count < 64)
		snprintf(seen.line[seen.count], LOG_LINE_MAX, "%s", line);
	seen.count++;
}

static unsigned cpu3(void)
{
	return 3;
}

static struct vcpu v;

static int setup(void **state)
{
	(void)state;
	memset(&seen, 0, sizeof(seen));
	memset(&v, 0, sizeof(v));
	now = 1000;
	tick = 0;
	log_setup(capture, cpu3, LOG_INFO);
	gevent_test_setup(fake_clock, HZ);
	return 0;
}

static void flood(struct vcpu *who, enum gevent_kind kind, int n)
{
	for (int i = 0; i < n; i++)
		gevent(who, kind, LOG_INFO, "nested: event %d", i);
}

static void t_burst_then_counted(void **state)
{
	(void)state;
	flood(&v, GEV_ENTRY_CHECK, 100);
	assert_int_equal(seen.count, GEVENT_BURST);
	assert_string_equal(seen.line[0], "[info cpu3] nested: event 0\n");
	assert_int_equal(v.gev.count[GEV_ENTRY_CHECK], 100);
	assert_int_equal(v.gev.printed[GEV_ENTRY_CHECK], GEVENT_BURST);
	assert_int_equal(v.gev.not_printed[GEV_ENTRY_CHECK],
			 100 - GEVENT_BURST);
	assert_int_equal(v.gev.suppressed, 100 - GEVENT_BURST);
	assert_int_equal(v.gev.last_kind, GEV_ENTRY_CHECK);
	assert_string_equal(v.gev.last, "nested: event 99");
}

static void t_resume_says_how_many(void **state)
{
	(void)state;
	flood(&v, GEV_ENTRY_CHECK, 100);
	now += HZ / GEVENT_PER_SEC; /* one steady interval later */
	gevent(&v, GEV_ENTRY_CHECK, LOG_INFO, "nested: again");
	assert_int_equal(seen.count, GEVENT_BURST + 2);
	assert_string_equal(seen.line[GEVENT_BURST],
			    "[info cpu3] gevent: 95 more suppressed: "
			    "VM-entry check failed\n");
	assert_string_equal(seen.line[GEVENT_BURST + 1],
			    "[info cpu3] nested: again\n");
	/* said once: the next printed line has no summary */
	now += HZ / GEVENT_PER_SEC;
	gevent(&v, GEV_ENTRY_CHECK, LOG_INFO, "nested: third");
	assert_int_equal(seen.count, GEVENT_BURST + 3);
}

static void t_kinds_limited_apart(void **state)
{
	(void)state;
	flood(&v, GEV_ENTRY_CHECK, 50);
	/* a flood of one kind does not hide the first lines of another */
	gevent(&v, GEV_ENTRY_LATE, LOG_WARN, "nested: late");
	assert_int_equal(seen.count, GEVENT_BURST + 1);
	assert_string_equal(seen.line[GEVENT_BURST],
			    "[warn cpu3] nested: late\n");
	/* nor does another vCPU's flood touch this one's budget */
	struct vcpu *w = calloc(1, sizeof(*w));

	assert_non_null(w);
	flood(w, GEV_ENTRY_LATE, 1);
	assert_int_equal(seen.count, GEVENT_BURST + 2);
	free(w);
}

static void t_filtered_level_costs_nothing(void **state)
{
	(void)state;
	for (int i = 0; i < 20; i++)
		gevent(&v, GEV_MSR_DENIED, LOG_DEBUG, "debug %d", i);
	assert_int_equal(seen.count, 0);
	assert_int_equal(v.gev.count[GEV_MSR_DENIED], 20);
	assert_int_equal(v.gev.not_printed[GEV_MSR_DENIED], 0);
	/* the budget is still whole */
	flood(&v, GEV_MSR_DENIED, GEVENT_BURST);
	assert_int_equal(seen.count, GEVENT_BURST);
}

static void t_global_record(void **state)
{
	struct gevent_stats g;

	(void)state;
	flood(NULL, GEV_DMA_FAULT, 10);
	now += HZ;
	gevent(NULL, GEV_DMA_FAULT, LOG_WARN, "iommu: fault");
	gevent_global_stats(&g);
	assert_int_equal(g.count[GEV_DMA_FAULT], 11);
	assert_int_equal(g.printed[GEV_DMA_FAULT], GEVENT_BURST + 1);
	assert_int_equal(g.not_printed[GEV_DMA_FAULT], 10 - GEVENT_BURST);
	assert_string_equal(seen.line[GEVENT_BURST],
			    "[warn cpu3] gevent: global: 5 more suppressed: "
			    "DMA blocked by the IOMMU\n");
	assert_string_equal(g.last, "iommu: fault");
	assert_int_equal(v.gev.count[GEV_DMA_FAULT], 0);
}

/* While this sink holds the console, a guest event on "another CPU". */
static void busy_sink(enum log_level level, const char *line, size_t len)
{
	capture(level, line, len);
	if (seen.count == 1) {
		tick = 1000; /* each clock read: 1 ms of the fake TSC */
		gevent(&v, GEV_NO_MEMORY, LOG_INFO, "gmem: read outside RAM");
		tick = 0;
	}
}

static void t_busy_console_gives_up(void **state)
{
	(void)state;
	log_setup(busy_sink, cpu3, LOG_INFO);
	log_info("a long line of L0's own");
	assert_int_equal(seen.count, 1); /* the guest's line was dropped */
	assert_int_equal(v.gev.count[GEV_NO_MEMORY], 1);
	assert_int_equal(v.gev.printed[GEV_NO_MEMORY], 0);
	assert_int_equal(v.gev.not_printed[GEV_NO_MEMORY], 1);
	assert_int_equal(v.gev.console_busy, 1);
	/* it waited about GEVENT_CONSOLE_WAIT_US, not more */
	assert_true(now - 1000 <= (GEVENT_CONSOLE_WAIT_US + 2000));
}

static void t_long_text_kept_whole_in_line(void **state)
{
	char big[200];

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	gevent(&v, GEV_ENTRY_CHECK, LOG_INFO, "%s", big);
	/* the line carries all 199 bytes; the record keeps its start */
	assert_int_equal(strlen(seen.line[0]), strlen("[info cpu3] \n") + 199);
	assert_int_equal(strlen(v.gev.last), GEVENT_LAST_MAX - 1);
}

static void t_returns_whether_printed(void **state)
{
	(void)state;
	for (int i = 0; i < GEVENT_BURST; i++)
		assert_true(gevent(&v, GEV_COUNTERS, LOG_INFO, "asks %d", i));
	assert_false(gevent(&v, GEV_COUNTERS, LOG_INFO, "asks again"));
	assert_false(gevent(&v, GEV_COUNTERS, LOG_DEBUG, "filtered"));
	now += HZ;
	assert_true(gevent(&v, GEV_COUNTERS, LOG_INFO, "a second later"));
}

static void t_names_and_bad_kind(void **state)
{
	(void)state;
	assert_string_equal(gevent_name(GEV_ENTRY_CHECK),
			    "VM-entry check failed");
	assert_string_equal(gevent_name(GEV_COUNT), "?");
	assert_false(gevent(&v, GEV_COUNT, LOG_ERROR, "nothing"));
	assert_int_equal(seen.count, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(t_burst_then_counted, setup),
	    cmocka_unit_test_setup(t_resume_says_how_many, setup),
	    cmocka_unit_test_setup(t_kinds_limited_apart, setup),
	    cmocka_unit_test_setup(t_filtered_level_costs_nothing, setup),
	    cmocka_unit_test_setup(t_global_record, setup),
	    cmocka_unit_test_setup(t_busy_console_gives_up, setup),
	    cmocka_unit_test_setup(t_long_text_kept_whole_in_line, setup),
	    cmocka_unit_test_setup(t_returns_whether_printed, setup),
	    cmocka_unit_test_setup(t_names_and_bad_kind, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
