/* SPDX-License-Identifier: Apache-2.0 */
/* Host tests for lib/log.c: names, line format, truncation, filtering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/log.h"

#define MAX_CAPTURED 8

/* What the capturing sink saw. */
static struct {
	int count;
	enum log_level level[MAX_CAPTURED];
	char line[MAX_CAPTURED][LOG_LINE_MAX];
	size_t len[MAX_CAPTURED];
} seen;

static unsigned current_cpu;

static void capture(enum log_level level, const char *line, size_t len)
{
	int i = seen.count++;

	assert_true(i < MAX_CAPTURED);
	/* The sink contract: NUL-terminated, len without the NUL, ends "\n". */
	assert_int_equal(strlen(line), len);
	assert_true(len > 0 && line[len - 1] == '\n');
	seen.level[i] = level;
	seen.len[i] = len;
	memcpy(seen.line[i], line, len + 1);
}

static unsigned cpu_fn(void)
{
	return current_cpu;
}

static int reset(void **state)
{
	(void)state;
	memset(&seen, 0, sizeof(seen));
	current_cpu = 0;
	log_setup(capture, cpu_fn, LOG_DEBUG);
	return 0;
}

__attribute__((format(printf, 5, 6))) static size_t
format(char *buf, size_t n, enum log_level level, unsigned cpu,
       const char *fmt, ...)
{
	va_list ap;
	size_t len;

	va_start(ap, fmt);
	len = log_format(buf, n, level, cpu, fmt, ap);
	va_end(ap);
	return len;
}

/* Runs first: nothing has called log_setup yet. */
static void test_before_setup_drops(void **state)
{
	(void)state;
	assert_int_equal(log_threshold(), LOG_INFO);
	log_err("lost %d", 1);
	log_printf(LOG_ERROR, "lost too");
	/* Setting up later must not deliver lines from before. */
	memset(&seen, 0, sizeof(seen));
	log_setup(capture, cpu_fn, LOG_DEBUG);
	assert_int_equal(seen.count, 0);
	log_err("kept");
	assert_int_equal(seen.count, 1);
	assert_string_equal(seen.line[0], "[error cpu0] kept\n");
}

static void test_level_names(void **state)
{
	(void)state;
	assert_string_equal(log_level_name(LOG_ERROR), "error");
	assert_string_equal(log_level_name(LOG_WARN), "warn");
	assert_string_equal(log_level_name(LOG_INFO), "info");
	assert_string_equal(log_level_name(LOG_DEBUG), "debug");
	assert_null(log_level_name((enum log_level)4));
	assert_null(log_level_name((enum log_level)-1));
}

static void test_level_parse(void **state)
{
	enum log_level l = LOG_WARN;

	(void)state;
	assert_true(log_level_parse("error", 5, &l));
	assert_int_equal(l, LOG_ERROR);
	assert_true(log_level_parse("warn", 4, &l));
	assert_int_equal(l, LOG_WARN);
	assert_true(log_level_parse("info", 4, &l));
	assert_int_equal(l, LOG_INFO);
	assert_true(log_level_parse("debug", 5, &l));
	assert_int_equal(l, LOG_DEBUG);
	/* len rules, not the NUL. */
	assert_true(log_level_parse("infoXYZ", 4, &l));
	assert_int_equal(l, LOG_INFO);

	l = LOG_WARN;
	assert_false(log_level_parse("info", 3, &l));
	assert_false(log_level_parse("infos", 5, &l));
	assert_false(log_level_parse("INFO", 4, &l));
	assert_false(log_level_parse("", 0, &l));
	assert_false(log_level_parse("warning", 7, &l));
	assert_false(log_level_parse("debug\0", 6, &l));
	assert_int_equal(l, LOG_WARN); /* untouched on failure */
}

static void test_format_exact(void **state)
{
	char buf[LOG_LINE_MAX];
	size_t len;

	(void)state;
	len = format(buf, sizeof(buf), LOG_INFO, 3, "hello %s %d", "world", 42);
	assert_string_equal(buf, "[info cpu3] hello world 42\n");
	assert_int_equal(len, strlen(buf));
	format(buf, sizeof(buf), LOG_ERROR, 0, "x");
	assert_string_equal(buf, "[error cpu0] x\n");
	format(buf, sizeof(buf), LOG_WARN, 12, "y");
	assert_string_equal(buf, "[warn cpu12] y\n");
	format(buf, sizeof(buf), LOG_DEBUG, 4294967295u, "100%%");
	assert_string_equal(buf, "[debug cpu4294967295] 100%\n");
	len = format(buf, sizeof(buf), LOG_INFO, 1, "%s", "");
	assert_string_equal(buf, "[info cpu1] \n");
	assert_int_equal(len, 13);
	/* An out-of-range level still yields a well-formed line. */
	format(buf, sizeof(buf), (enum log_level)9, 0, "z");
	assert_string_equal(buf, "[? cpu0] z\n");
}

static void test_format_truncates_with_dots(void **state)
{
	char text[LOG_LINE_MAX * 2];
	char buf[LOG_LINE_MAX];
	size_t len;

	(void)state;
	memset(text, 'a', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	len = format(buf, sizeof(buf), LOG_WARN, 7, "%s", text);
	assert_int_equal(len, LOG_LINE_MAX - 1);
	assert_int_equal(strlen(buf), LOG_LINE_MAX - 1);
	assert_memory_equal(buf, "[warn cpu7] aaa", 15);
	assert_string_equal(buf + len - 5, "a...\n");
}

static void test_format_exact_fit_boundary(void **state)
{
	char buf[32];
	size_t len;

	(void)state;
	/* "[info cpu0] " is 12 bytes; 18 of text + "\n" + NUL = 32: fits. */
	len = format(buf, sizeof(buf), LOG_INFO, 0, "%s", "abcdefghijklmnopqr");
	assert_string_equal(buf, "[info cpu0] abcdefghijklmnopqr\n");
	assert_int_equal(len, 31);
	/* One byte more and the text is cut. */
	len = format(buf, sizeof(buf), LOG_INFO, 0, "%s", "abcdefghijklmnopqrs");
	assert_string_equal(buf, "[info cpu0] abcdefghijklmno...\n");
	assert_int_equal(len, 31);
}

/*
 * For every buffer size: never write past n (ASan, exact heap buffers),
 * the result is the full line when it fits, else a prefix of it ending in
 * as much of "...\n" as fits.
 */
static void test_format_every_n(void **state)
{
	const char *full = "[debug cpu5] the quick brown fox 123\n";
	size_t flen = strlen(full), n;

	(void)state;
	for (n = 0; n <= flen + 3; n++) {
		char *buf = malloc(n ? n : 1);
		size_t len, tail;

		assert_non_null(buf);
		memset(buf, 'Z', n ? n : 1);
		len = format(buf, n, LOG_DEBUG, 5, "the quick %s fox %d", "brown",
			     123);
		if (n == 0) {
			assert_int_equal(len, 0);
			assert_int_equal(buf[0], 'Z');
			free(buf);
			continue;
		}
		assert_int_equal(len, strlen(buf));
		if (n > flen) {
			assert_string_equal(buf, full);
			assert_int_equal(len, flen);
		} else {
			assert_int_equal(len, n - 1);
			tail = len < 4 ? len : 4;
			assert_memory_equal(buf, full, len - tail);
			assert_memory_equal(buf + len - tail, "...\n" + 4 - tail, tail);
		}
		free(buf);
	}
}

static void test_printf_reaches_sink(void **state)
{
	(void)state;
	current_cpu = 2;
	log_info("booted in %u ms", 17u);
	assert_int_equal(seen.count, 1);
	assert_int_equal(seen.level[0], LOG_INFO);
	assert_string_equal(seen.line[0], "[info cpu2] booted in 17 ms\n");
	assert_int_equal(seen.len[0], strlen("[info cpu2] booted in 17 ms\n"));
}

static void test_macros_map_to_levels(void **state)
{
	(void)state;
	log_err("e");
	log_warn("w");
	log_info("i");
	log_debug("d");
	assert_int_equal(seen.count, 4);
	assert_int_equal(seen.level[0], LOG_ERROR);
	assert_int_equal(seen.level[1], LOG_WARN);
	assert_int_equal(seen.level[2], LOG_INFO);
	assert_int_equal(seen.level[3], LOG_DEBUG);
	assert_string_equal(seen.line[0], "[error cpu0] e\n");
	assert_string_equal(seen.line[1], "[warn cpu0] w\n");
	assert_string_equal(seen.line[2], "[info cpu0] i\n");
	assert_string_equal(seen.line[3], "[debug cpu0] d\n");
}

static void test_threshold_filters(void **state)
{
	(void)state;
	log_setup(capture, cpu_fn, LOG_WARN);
	assert_int_equal(log_threshold(), LOG_WARN);
	log_err("1");
	log_warn("2");
	log_info("3");
	log_debug("4");
	assert_int_equal(seen.count, 2);
	assert_string_equal(seen.line[0], "[error cpu0] 1\n");
	assert_string_equal(seen.line[1], "[warn cpu0] 2\n");

	log_set_threshold(LOG_ERROR);
	assert_int_equal(log_threshold(), LOG_ERROR);
	log_warn("5");
	assert_int_equal(seen.count, 2);
	log_err("6");
	assert_int_equal(seen.count, 3);

	log_set_threshold(LOG_DEBUG);
	log_debug("7");
	assert_int_equal(seen.count, 4);
	assert_string_equal(seen.line[3], "[debug cpu0] 7\n");
}

static void test_cpu_callback(void **state)
{
	(void)state;
	current_cpu = 5;
	log_info("a");
	current_cpu = 63;
	log_info("b");
	assert_string_equal(seen.line[0], "[info cpu5] a\n");
	assert_string_equal(seen.line[1], "[info cpu63] b\n");

	/* No callback (the loader may pass none): cpu0. */
	log_setup(capture, NULL, LOG_INFO);
	log_info("c");
	assert_string_equal(seen.line[2], "[info cpu0] c\n");
}

static void test_printf_truncates_long_line(void **state)
{
	char text[LOG_LINE_MAX + 50];

	(void)state;
	memset(text, 'b', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	log_err("%s", text);
	assert_int_equal(seen.count, 1);
	assert_int_equal(seen.len[0], LOG_LINE_MAX - 1);
	assert_memory_equal(seen.line[0], "[error cpu0] bbb", 16);
	assert_string_equal(seen.line[0] + LOG_LINE_MAX - 6, "b...\n");
}

static void test_null_sink_drops(void **state)
{
	(void)state;
	log_setup(NULL, cpu_fn, LOG_DEBUG);
	log_err("nowhere");
	log_setup(capture, cpu_fn, LOG_DEBUG);
	assert_int_equal(seen.count, 0);
}


/* --- log_printf_within: a held console is waited for only so long --- */

static uint64_t fake_now, fake_polls;

static uint64_t fake_clock(void)
{
	fake_polls++;
	return fake_now += 10;
}

static const struct log_wait wait100 = { fake_clock, 100 };
static bool inner_result;

/* A sink that, while it holds the log lock, tries to log another line. */
static void nested_sink(enum log_level level, const char *line, size_t len)
{
	capture(level, line, len);
	if (seen.count == 1)
		inner_result = log_printf_within(LOG_INFO, &wait100, "inner");
}

static void test_within_free_lock_writes(void **state)
{
	(void)state;
	fake_polls = 0;
	assert_true(log_printf_within(LOG_WARN, &wait100, "guest %d", 7));
	assert_int_equal(seen.count, 1);
	assert_string_equal(seen.line[0], "[warn cpu0] guest 7\n");
	assert_true(fake_polls <= 1);
}

static void test_within_held_lock_gives_up(void **state)
{
	(void)state;
	fake_polls = 0;
	inner_result = true;
	log_setup(nested_sink, cpu_fn, LOG_DEBUG);
	log_info("outer");
	assert_false(inner_result);
	assert_int_equal(seen.count, 1); /* the inner line was dropped */
	/* 100 ticks of 10 each: about 11 polls, not an endless wait */
	assert_true(fake_polls >= 10 && fake_polls <= 12);
	/* the lock is free again: the next line goes out */
	log_setup(capture, cpu_fn, LOG_DEBUG);
	assert_true(log_printf_within(LOG_INFO, &wait100, "after"));
	assert_int_equal(seen.count, 2);
}

static void test_within_filtered_is_done(void **state)
{
	(void)state;
	log_set_threshold(LOG_WARN);
	assert_true(log_printf_within(LOG_INFO, &wait100, "quiet"));
	assert_int_equal(seen.count, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_before_setup_drops),
		cmocka_unit_test(test_level_names),
		cmocka_unit_test(test_level_parse),
		cmocka_unit_test(test_format_exact),
		cmocka_unit_test(test_format_truncates_with_dots),
		cmocka_unit_test(test_format_exact_fit_boundary),
		cmocka_unit_test(test_format_every_n),
		cmocka_unit_test_setup(test_printf_reaches_sink, reset),
		cmocka_unit_test_setup(test_macros_map_to_levels, reset),
		cmocka_unit_test_setup(test_threshold_filters, reset),
		cmocka_unit_test_setup(test_cpu_callback, reset),
		cmocka_unit_test_setup(test_printf_truncates_long_line, reset),
		cmocka_unit_test_setup(test_null_sink_drops, reset),
		cmocka_unit_test_setup(test_within_free_lock_writes, reset),
		cmocka_unit_test_setup(test_within_held_lock_gives_up, reset),
		cmocka_unit_test_setup(test_within_filtered_is_done, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
