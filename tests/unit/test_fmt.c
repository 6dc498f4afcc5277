/* SPDX-License-Identifier: Apache-2.0 */
/* Host tests for lib/fmt.c, checked against exact strings and host libc. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <cmocka.h>

#include "lib/fmt.h"

/* Formats into a generous buffer and checks text and return value. */
static void check(const char *want, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int r;

	memset(buf, 'Z', sizeof(buf));
	va_start(ap, fmt);
	r = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	assert_string_equal(buf, want);
	assert_int_equal(r, (int)strlen(want));
}

/*
 * Formats into an exactly-sized heap buffer for every n from 0 to past the
 * full length: ASan catches any write past n, and the bytes written must be
 * the prefix of the full output plus a NUL.
 */
static void check_every_n(const char *want, const char *fmt, ...)
{
	size_t full = strlen(want), n;

	for (n = 0; n <= full + 2; n++) {
		char *buf = malloc(n ? n : 1);
		size_t kept = n ? (full < n - 1 ? full : n - 1) : 0;
		va_list ap;
		int r;

		assert_non_null(buf);
		memset(buf, 'Z', n ? n : 1);
		va_start(ap, fmt);
		r = fmt_vsnprintf(buf, n, fmt, ap);
		va_end(ap);
		assert_int_equal(r, (int)full);
		if (n) {
			assert_memory_equal(buf, want, kept);
			assert_int_equal(buf[kept], '\0');
		} else {
			assert_int_equal(buf[0], 'Z');
		}
		free(buf);
	}
}

static void test_plain_and_percent(void **state)
{
	const char *empty = "";

	(void)state;
	check("hello, world", "hello, world");
	check("", empty);
	check("100%", "100%%");
	check("%%", "%%%%");
	check("a%b", "a%%b");
}

static void test_signed_decimal(void **state)
{
	(void)state;
	check("0", "%d", 0);
	check("42", "%d", 42);
	check("-42", "%d", -42);
	check("2147483647", "%d", INT_MAX);
	check("-2147483648", "%d", INT_MIN);
	check("-7 8", "%i %i", -7, 8);
	check("x=1,y=-2", "x=%d,y=%d", 1, -2);
}

static void test_unsigned_and_hex(void **state)
{
	(void)state;
	check("0", "%u", 0u);
	check("4294967295", "%u", UINT_MAX);
	check("0", "%x", 0u);
	check("deadbeef", "%x", 0xdeadbeefu);
	check("DEADBEEF", "%X", 0xdeadbeefu);
	check("ffffffff", "%x", UINT_MAX);
	check("abc/ABC", "%x/%X", 0xabcu, 0xabcu);
}

static void test_length_modifiers(void **state)
{
	(void)state;
	/* hh and h cut the promoted int back to char and short. */
	check("-1", "%hhd", 0x1ff);
	check("255", "%hhu", 0x1ff);
	check("ff", "%hhx", 0x3ff);
	check("-128", "%hhi", 0x80);
	check("-32768", "%hd", 0x18000);
	check("65535", "%hu", 0x2ffff);
	check("FFFF", "%hX", 0x1ffff);
	check("-9223372036854775808", "%ld", LONG_MIN);
	check("18446744073709551615", "%lu", ULONG_MAX);
	check("ffffffffffffffff", "%lx", ULONG_MAX);
	check("-9223372036854775808", "%lld", LLONG_MIN);
	check("9223372036854775807", "%lli", LLONG_MAX);
	check("18446744073709551615", "%llu", ULLONG_MAX);
	check("123456789ABCDEF0", "%llX", 0x123456789abcdef0ull);
	check("18446744073709551615", "%zu", SIZE_MAX);
	check("-5", "%zd", (ssize_t)-5);
	check("1000", "%zx", (size_t)0x1000);
	/* A 64-bit argument after a narrow one must not be misread. */
	check("1 100000000 2", "%hhd %llx %d", 1, 0x100000000ull, 2);
}

static void test_width_and_flags(void **state)
{
	(void)state;
	check("   42", "%5d", 42);
	check("42   |", "%-5d|", 42);
	check("00042", "%05d", 42);
	check("-0042", "%05d", -42);
	check("  -42", "%5d", -42);
	check("-42  |", "%-05d|", -42);
	check("42", "%1d", 42);
	check("000000ff", "%08x", 0xffu);
	check("0000BEEF", "%08X", 0xbeefu);
	check("ab    |", "%-6x|", 0xabu);
	check("     7", "%*d", 6, 7);
	check("000007", "%0*d", 6, 7);
	/* A negative '*' width means left-justify. */
	check("7     |", "%*d|", -6, 7);
	check("   hi", "%5s", "hi");
	check("hi   |", "%-5s|", "hi");
	check("hi   |", "%-*s|", 5, "hi");
	check("hi   |", "%*s|", -5, "hi");
	/* '0' pads numbers only. */
	check("   hi", "%05s", "hi");
	check("toolong", "%3s", "toolong");
}

static void test_integer_precision(void **state)
{
	(void)state;
	check("007", "%.3d", 7);
	check("-007", "%.3d", -7);
	check("     007", "%8.3d", 7);
	check("007     |", "%-8.3d|", 7);
	/* A precision turns '0' padding off, as in C. */
	check("     007", "%08.3d", 7);
	check("", "%.0d", 0);
	check("   ", "%3.0d", 0);
	check("0", "%.1d", 0);
	check("00ff", "%.4x", 0xffu);
	check("12345", "%.2d", 12345);
}

static void test_string(void **state)
{
	const char *null_str = NULL;
	char *raw;

	(void)state;
	check("abc", "%s", "abc");
	check("", "%s", "");
	check("[abc]", "[%s]", "abc");
	check("ab", "%.2s", "abc");
	check("", "%.0s", "abc");
	check("abc", "%.10s", "abc");
	check("   ab", "%5.2s", "abc");
	check("ab   |", "%-5.2s|", "abc");
	check("abcd", "%.*s", 4, "abcdefgh");
	/* A negative '*' precision is as if none was given. */
	check("abcdefgh", "%.*s", -1, "abcdefgh");
	check("(null)", "%s", null_str);
	check("    (null)", "%10s", null_str);
	check("x(null)y", "x%sy", null_str);

	/* With a precision the string need not end in NUL (ASan checks). */
	raw = malloc(3);
	assert_non_null(raw);
	memcpy(raw, "xyz", 3);
	check("xyz", "%.3s", raw);
	check("xy", "%.*s", 2, raw);
	free(raw);
}

static void test_char(void **state)
{
	char buf[8];
	int r;

	(void)state;
	check("A", "%c", 'A');
	check("  A", "%3c", 'A');
	check("A  |", "%-3c|", 'A');
	check("abc", "%c%c%c", 'a', 'b', 'c');
	/* A NUL character is output and counted, like C. */
	memset(buf, 'Z', sizeof(buf));
	r = fmt_snprintf(buf, sizeof(buf), "a%cb", 0);
	assert_int_equal(r, 3);
	assert_memory_equal(buf, "a\0b\0", 4);
}

static void test_pointer(void **state)
{
	(void)state;
	check("0x0000000000000000", "%p", (void *)0);
	check("0x00000000deadbeef", "%p", (void *)0xdeadbeefUL);
	check("0xffffffffffffffff", "%p", (void *)UINTPTR_MAX);
	check("0xffff800000001000", "%p", (void *)0xffff800000001000UL);
	check("  0x0000000000000001", "%20p", (void *)1);
	check("0x0000000000000001  |", "%-20p|", (void *)1);
	check("0x0000000000000001", "%5p", (void *)1);
}

static void test_unknown_conversion(void **state)
{
	/* Variables keep -Wformat out of deliberately bad formats. */
	const char *q = "%q", *mid = "a%qb%d", *wq = "%5q", *end = "x%";
	const char *endl = "%l", *ls = "%ls %d", *hash = "%#x", *star = "%*q%d";
	const char *fq = "%-08q|", *lp = "%lp", *hc = "%hc";

	(void)state;
	check("%q", q);
	/* The unknown conversion must not eat the argument of the next. */
	check("a%qb5", mid, 5);
	check("%5q", wq);
	check("x%", end);
	check("%l", endl);
	check("%ls 9", ls, 9);
	check("%#x", hash);
	check("%*q7", star, 7);
	check("%-08q|", fq);
	check("%lp", lp);
	check("%hc", hc);
}

static void test_return_value_when_truncated(void **state)
{
	char buf[4];
	int r;

	(void)state;
	r = fmt_snprintf(buf, sizeof(buf), "%d", 123456);
	assert_int_equal(r, 6);
	assert_string_equal(buf, "123");
	r = fmt_snprintf(buf, sizeof(buf), "%s", "abcdefgh");
	assert_int_equal(r, 8);
	assert_string_equal(buf, "abc");
	r = fmt_snprintf(buf, 1, "%s", "abc");
	assert_int_equal(r, 3);
	assert_string_equal(buf, "");
	/* n == 0 may come with a NULL buffer: only the length is wanted. */
	r = fmt_snprintf(NULL, 0, "%d-%s", 42, "xyz");
	assert_int_equal(r, 6);
}

static void test_truncation_every_n(void **state)
{
	(void)state;
	check_every_n("hello", "hello");
	check_every_n("x=-00042 y=    ab|", "x=%06d y=%6.2s|", -42, "abc");
	check_every_n("0x00000000cafef00d", "%p", (void *)0xcafef00dUL);
	check_every_n("18446744073709551615", "%llu", ULLONG_MAX);
	check_every_n("ab   (null)%", "%-5s%s%%", "ab", (char *)NULL);
	check_every_n("ffff-1", "%hx%hhd", 0xffff, 0xff);
	check_every_n("        Q", "%*c", 9, 'Q');
}

/* Where our subset overlaps C, the output must be exactly libc's. */
static void test_matches_libc_integers(void **state)
{
	static const char *const fmts[] = {
		"%d", "%5d", "%-5d|", "%05d", "%.3d", "%8.3d", "%-8.3d|",
		"%08.3d", "%.0d", "%1d", "%-1d", "%i", "%012i", "%u", "%10u",
		"%x", "%08X", "%-6x|", "%.5x", "%hhd", "%hhu", "%hd", "%hx",
		"%-010d|", "%00005d", "%--5d|",
	};
	static const int vals[] = {
		0, 1, -1, 7, 42, -42, 255, 256, 0x7fff, 0x8000, -32768, 65535,
		123456789, INT_MAX, INT_MIN,
	};
	size_t f, v;

	(void)state;
	for (f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
		for (v = 0; v < sizeof(vals) / sizeof(vals[0]); v++) {
			char want[64], got[64];
			int rw = snprintf(want, sizeof(want), fmts[f], vals[v]);
			int rg = fmt_snprintf(got, sizeof(got), fmts[f], vals[v]);

			assert_string_equal(got, want);
			assert_int_equal(rg, rw);
		}
	}
}

static void test_matches_libc_long_long(void **state)
{
	static const char *const fmts[] = {
		"%lld", "%llu", "%llx", "%llX", "%25lld", "%-25lld|", "%025lld",
		"%.20llx", "%ld", "%lu", "%lx", "%zu", "%zx",
	};
	static const long long vals[] = {
		0, 1, -1, LLONG_MIN, LLONG_MAX, 0x100000000LL, -0x100000000LL,
		1000000000000LL,
	};
	size_t f, v;

	(void)state;
	for (f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
		for (v = 0; v < sizeof(vals) / sizeof(vals[0]); v++) {
			char want[64], got[64];
			int rw = snprintf(want, sizeof(want), fmts[f], vals[v]);
			int rg = fmt_snprintf(got, sizeof(got), fmts[f], vals[v]);

			assert_string_equal(got, want);
			assert_int_equal(rg, rw);
		}
	}
}

static void test_matches_libc_strings(void **state)
{
	static const char *const fmts[] = {
		"%s", "%3s", "%-8s|", "%.2s", "%8.2s", "%-8.2s|", "%.0s", "%1s",
		"<%10.4s>",
	};
	static const char *const vals[] = { "", "a", "ab", "abc", "abcdefghijk" };
	size_t f, v;

	(void)state;
	for (f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
		for (v = 0; v < sizeof(vals) / sizeof(vals[0]); v++) {
			char want[64], got[64];
			int rw = snprintf(want, sizeof(want), fmts[f], vals[v]);
			int rg = fmt_snprintf(got, sizeof(got), fmts[f], vals[v]);

			assert_string_equal(got, want);
			assert_int_equal(rg, rw);
		}
	}
}

static void test_long_output(void **state)
{
	char buf[300];
	int r;

	(void)state;
	/* Wider than any internal scratch buffer. */
	r = fmt_snprintf(buf, sizeof(buf), "%200d|", 5);
	assert_int_equal(r, 201);
	assert_int_equal(strlen(buf), 201);
	assert_int_equal(buf[198], ' ');
	assert_string_equal(buf + 199, "5|");
	r = fmt_snprintf(buf, 10, "%-1000s|", "x");
	assert_int_equal(r, 1001);
	assert_string_equal(buf, "x        ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_and_percent),
		cmocka_unit_test(test_signed_decimal),
		cmocka_unit_test(test_unsigned_and_hex),
		cmocka_unit_test(test_length_modifiers),
		cmocka_unit_test(test_width_and_flags),
		cmocka_unit_test(test_integer_precision),
		cmocka_unit_test(test_string),
		cmocka_unit_test(test_char),
		cmocka_unit_test(test_pointer),
		cmocka_unit_test(test_unknown_conversion),
		cmocka_unit_test(test_return_value_when_truncated),
		cmocka_unit_test(test_truncation_every_n),
		cmocka_unit_test(test_matches_libc_integers),
		cmocka_unit_test(test_matches_libc_long_long),
		cmocka_unit_test(test_matches_libc_strings),
		cmocka_unit_test(test_long_output),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
