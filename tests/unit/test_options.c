/* SPDX-License-Identifier: Apache-2.0 */
/* Host tests for boot/options.c: every key, good and bad, and the syntax. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "boot/options.h"
#include "vmx/ac_policy.h"
#include "vmx/notify_policy.h"

#define CFG "matryoshka.cfg"
#define LOADOPT "load options"

static char err[OPT_ERR_MAX];

/*
 * Parses len bytes copied into an exact-size heap buffer without a NUL, so
 * ASan catches any read past len.
 */
static bool parse_n(struct options *o, const char *text, size_t len,
		    const char *origin, bool skip)
{
	char *copy = malloc(len ? len : 1);
	bool ok;

	assert_non_null(copy);
	memcpy(copy, text, len);
	memset(err, 'Z', sizeof(err));
	ok = options_parse(o, copy, len, origin, skip, err, sizeof(err));
	free(copy);
	/* err is always a string: empty on success, one line on failure. */
	assert_non_null(memchr(err, '\0', sizeof(err)));
	assert_null(strchr(err, '\n'));
	if (ok)
		assert_string_equal(err, "");
	return ok;
}

static bool parse(struct options *o, const char *text, const char *origin,
		  bool skip)
{
	return parse_n(o, text, strlen(text), origin, skip);
}

/* Parses a config that must succeed, starting from the defaults. */
static struct options good(const char *text)
{
	struct options o;

	options_default(&o);
	if (!parse(&o, text, CFG, false))
		fail_msg("'%s' failed: %s", text, err);
	return o;
}

/* A config that must fail with exactly this message. */
static void bad(const char *text, const char *want)
{
	struct options o;

	options_default(&o);
	if (parse(&o, text, CFG, false))
		fail_msg("'%s' was accepted", text);
	assert_string_equal(err, want);
	/* No message may be cut short by OPT_ERR_MAX. */
	assert_true(strlen(err) < OPT_ERR_MAX - 1);
}

static void assert_defaults(const struct options *o)
{
	assert_int_equal(o->serial_port, 0x3f8);
	assert_int_equal(o->log, LOG_INFO);
	assert_string_equal(o->next, "");
	assert_int_equal(o->selftest, SELFTEST_NONE);
	assert_int_equal(o->cpus, 0);
	assert_int_equal(o->early_checks, -1);
	assert_int_equal(o->iommu, IOMMU_AUTO);
	assert_string_equal(o->skip_check, "");
	assert_int_equal(o->nstate_stress, 0);
	assert_int_equal(o->notify_window, NOTIFY_WINDOW_DEFAULT);
	assert_false(o->notify_off);
	assert_int_equal(o->split_lock, SL_WARN);
	assert_true(o->exc_intercepts);
}

static void test_defaults(void **state)
{
	struct options o;

	(void)state;
	memset(&o, 0xa5, sizeof(o));
	options_default(&o);
	assert_defaults(&o);
}

static void test_empty_and_blank_text(void **state)
{
	struct options o;

	(void)state;
	o = good("");
	assert_defaults(&o);
	o = good("  \t\r\n\n   \n");
	assert_defaults(&o);
	o = good("# only a comment");
	assert_defaults(&o);
	options_default(&o);
	assert_true(options_parse(&o, NULL, 0, CFG, false, err, sizeof(err)));
	assert_defaults(&o);
}

static void test_serial_good(void **state)
{
	(void)state;
	assert_int_equal(good("serial=none").serial_port, 0);
	assert_int_equal(good("serial=com1").serial_port, 0x3f8);
	assert_int_equal(good("serial=com2").serial_port, 0x2f8);
	assert_int_equal(good("serial=com3").serial_port, 0x3e8);
	assert_int_equal(good("serial=com4").serial_port, 0x2e8);
	assert_int_equal(good("serial=0x2f8").serial_port, 0x2f8);
	assert_int_equal(good("serial=0X2F8").serial_port, 0x2f8);
	assert_int_equal(good("serial=0xE000").serial_port, 0xe000);
	assert_int_equal(good("serial=1016").serial_port, 0x3f8);
	assert_int_equal(good("serial=0x1").serial_port, 1);
	assert_int_equal(good("serial=1").serial_port, 1);
	assert_int_equal(good("serial=0xfff8").serial_port, 0xfff8);
	assert_int_equal(good("serial=65528").serial_port, 0xfff8);
	assert_int_equal(good("serial=0x0003f8").serial_port, 0x3f8);
}

static void test_serial_bad(void **state)
{
	(void)state;
	bad("serial=0x10000",
	    CFG ":1: option 'serial': '0x10000' is not 'none', com1-com4 or an I/O port from 0x1 to 0xfff8");
	bad("serial=0xfff9",
	    CFG ":1: option 'serial': '0xfff9' is not 'none', com1-com4 or an I/O port from 0x1 to 0xfff8");
	bad("serial=0",
	    CFG ":1: option 'serial': '0' is not 'none', com1-com4 or an I/O port from 0x1 to 0xfff8");
	bad("serial=0x0",
	    CFG ":1: option 'serial': '0x0' is not 'none', com1-com4 or an I/O port from 0x1 to 0xfff8");
	bad("serial=com5",
	    CFG ":1: option 'serial': 'com5' is not 'none', com1-com4 or an I/O port from 0x1 to 0xfff8");
	bad("serial=COM1",
	    CFG ":1: option 'serial': 'COM1' is not 'none', com1-com4 or an I/O port from 0x1 to 0xfff8");
	bad("serial=-1",
	    CFG ":1: option 'serial': '-1' is not 'none', com1-com4 or an I/O port from 0x1 to 0xfff8");
	bad("serial=0x",
	    CFG ":1: option 'serial': '0x' is not 'none', com1-com4 or an I/O port from 0x1 to 0xfff8");
	bad("serial=",
	    CFG ":1: option 'serial': the value is empty; expected 'none', com1-com4 or an I/O port from 0x1 to 0xfff8");
	bad("serial=12abc",
	    CFG ":1: option 'serial': '12abc' has trailing junk 'abc' after the number");
	bad("serial=0x3f8z",
	    CFG ":1: option 'serial': '0x3f8z' has trailing junk 'z' after the number");
	bad("serial=99999999999999999999",
	    CFG ":1: option 'serial': '99999999999999999999' is too large (at most 0xfff8)");
	bad("serial=0x10000000000000000",
	    CFG ":1: option 'serial': '0x10000000000000000' is too large (at most 0xfff8)");
}

static void test_log_good(void **state)
{
	(void)state;
	assert_int_equal(good("log=error").log, LOG_ERROR);
	assert_int_equal(good("log=warn").log, LOG_WARN);
	assert_int_equal(good("log=info").log, LOG_INFO);
	assert_int_equal(good("log=debug").log, LOG_DEBUG);
}

static void test_log_bad(void **state)
{
	(void)state;
	bad("log=loud",
	    CFG ":1: option 'log': 'loud' is not one of error, warn, info, debug");
	bad("log=Info",
	    CFG ":1: option 'log': 'Info' is not one of error, warn, info, debug");
	bad("log=debugx",
	    CFG ":1: option 'log': 'debugx' is not one of error, warn, info, debug");
	bad("log=3",
	    CFG ":1: option 'log': '3' is not one of error, warn, info, debug");
	bad("log=",
	    CFG ":1: option 'log': the value is empty; expected one of error, warn, info, debug");
}

static void test_next_good(void **state)
{
	char text[8 + OPT_NEXT_MAX];
	struct options o;

	(void)state;
	o = good("next=\\EFI\\Boot\\grubx64.efi");
	assert_string_equal(o.next, "\\EFI\\Boot\\grubx64.efi");
	/* '#' inside a word is part of the path, not a comment. */
	o = good("next=\\a#b.efi");
	assert_string_equal(o.next, "\\a#b.efi");
	/* '=' after the first belongs to the value. */
	o = good("next=a=b");
	assert_string_equal(o.next, "a=b");
	o = good("next=");
	assert_string_equal(o.next, "");
	o = good("next=x next=");
	assert_string_equal(o.next, "");
	o = good("next=long-path next=y");
	assert_string_equal(o.next, "y");

	/* Exactly OPT_NEXT_MAX - 1 bytes fit. */
	memcpy(text, "next=", 5);
	memset(text + 5, 'p', OPT_NEXT_MAX - 1);
	text[5 + OPT_NEXT_MAX - 1] = '\0';
	o = good(text);
	assert_int_equal(strlen(o.next), OPT_NEXT_MAX - 1);
	assert_int_equal(o.next[OPT_NEXT_MAX - 2], 'p');
}

static void test_next_bad(void **state)
{
	char text[8 + OPT_NEXT_MAX];

	(void)state;
	memcpy(text, "next=", 5);
	memset(text + 5, 'p', OPT_NEXT_MAX);
	text[5 + OPT_NEXT_MAX] = '\0';
	bad(text, CFG ":1: option 'next': the path is 256 bytes long, at most 255 fit");
	bad("next=\\a\x01" "b",
	    CFG ":1: option 'next': byte 0x01 in the value is not printable ASCII");
	bad("next=\\caf\xc3\xa9.efi",
	    CFG ":1: option 'next': byte 0xc3 in the value is not printable ASCII");
	bad("next=a\x7f",
	    CFG ":1: option 'next': byte 0x7f in the value is not printable ASCII");
}

static void test_cpus_good(void **state)
{
	(void)state;
	assert_int_equal(good("cpus=all").cpus, 0);
	assert_int_equal(good("cpus=1").cpus, 1);
	assert_int_equal(good("cpus=4").cpus, 4);
	assert_int_equal(good("cpus=007").cpus, 7);
	assert_int_equal(good("cpus=1024").cpus, OPT_CPUS_MAX);
	assert_int_equal(good("cpus=2 cpus=all").cpus, 0);
}

static void test_cpus_bad(void **state)
{
	(void)state;
	bad("cpus=0",
	    CFG ":1: option 'cpus': '0' is not 'all' or a number from 1 to 1024");
	bad("cpus=1025",
	    CFG ":1: option 'cpus': '1025' is not 'all' or a number from 1 to 1024");
	bad("cpus=4294967297",
	    CFG ":1: option 'cpus': '4294967297' is not 'all' or a number from 1 to 1024");
	bad("cpus=ALL",
	    CFG ":1: option 'cpus': 'ALL' is not 'all' or a number from 1 to 1024");
	bad("cpus=-2",
	    CFG ":1: option 'cpus': '-2' is not 'all' or a number from 1 to 1024");
	bad("cpus=12abc",
	    CFG ":1: option 'cpus': '12abc' has trailing junk 'abc' after the number");
	/* cpus is decimal only. */
	bad("cpus=0x10",
	    CFG ":1: option 'cpus': '0x10' has trailing junk 'x10' after the number");
	bad("cpus=99999999999999999999",
	    CFG ":1: option 'cpus': '99999999999999999999' is too large (at most 1024)");
	bad("cpus=18446744073709551616",
	    CFG ":1: option 'cpus': '18446744073709551616' is too large (at most 1024)");
	bad("cpus=",
	    CFG ":1: option 'cpus': the value is empty; expected 'all' or a number from 1 to 1024");
}

static void test_syntax_errors(void **state)
{
	struct options o;

	(void)state;
	bad("log=info\nserial=com1\nsreial=com2",
	    CFG ":3: unknown option 'sreial' (known: serial, log, next, cpus, selftest, early_consistency_checks, nested_skip_check, iommu, nested_state_stress, notify_window, split_lock, exc_intercepts)");
	bad("Log=info",
	    CFG ":1: unknown option 'Log' (known: serial, log, next, cpus, selftest, early_consistency_checks, nested_skip_check, iommu, nested_state_stress, notify_window, split_lock, exc_intercepts)");
	bad("foo=",
	    CFG ":1: unknown option 'foo' (known: serial, log, next, cpus, selftest, early_consistency_checks, nested_skip_check, iommu, nested_state_stress, notify_window, split_lock, exc_intercepts)");
	bad("=5", CFG ":1: '=5' has no option name before '='");
	bad("=", CFG ":1: '=' has no option name before '='");
	bad("verbose", CFG ":1: 'verbose' is not key=value");
	bad("l\x02g=info",
	    CFG ":1: byte 0x02 in an option name is not printable ASCII");
	bad("\x1b[2J", CFG ":1: byte 0x1b in an option name is not printable ASCII");

	options_default(&o);
	assert_false(parse(&o, "verbose", LOADOPT, false));
	assert_string_equal(err, "load options:1: 'verbose' is not key=value");
}

static void test_long_words_are_cut_in_errors(void **state)
{
	(void)state;
	bad("abcdefghijklmnopqrstuvwxyz0123456789=1",
	    CFG ":1: unknown option 'abcdefghijklmnopqrstuvwxyz012...' (known: serial, log, next, cpus, selftest, early_consistency_checks, nested_skip_check, iommu, nested_state_stress, notify_window, split_lock, exc_intercepts)");
	bad("log=abcdefghijklmnopqrstuvwxyz0123456789",
	    CFG ":1: option 'log': 'abcdefghijklmnopqrstuvwxyz012...' is not one of error, warn, info, debug");
	/* Exactly 32 bytes are quoted whole. */
	bad("log=abcdefghijklmnopqrstuvwxyz012345",
	    CFG ":1: option 'log': 'abcdefghijklmnopqrstuvwxyz012345' is not one of error, warn, info, debug");
}

static void test_line_numbers(void **state)
{
	(void)state;
	bad("log=loud", CFG ":1: option 'log': 'loud' is not one of error, warn, info, debug");
	bad("\nlog=loud", CFG ":2: option 'log': 'loud' is not one of error, warn, info, debug");
	bad("# comment\n\n  # another = x\nserial=com1 log=info\n\tcpus=0\n",
	    CFG ":5: option 'cpus': '0' is not 'all' or a number from 1 to 1024");
	/* A comment never hides the newline that ends it. */
	bad("#a\n#b\n#c\nx", CFG ":4: 'x' is not key=value");
}

static void test_comments(void **state)
{
	struct options o;

	(void)state;
	/* '#' only starts a comment where a word could start. */
	bad("cpus=2#x", CFG ":1: option 'cpus': '2#x' has trailing junk '#x' after the number");
	o = good("# Matryoshka\nlog=debug # chatty\n#log=error\n  # cpus=0\ncpus=2");
	assert_int_equal(o.log, LOG_DEBUG);
	assert_int_equal(o.cpus, 2);
	/* A comment without a final newline ends the text. */
	o = good("serial=com2 # the end");
	assert_int_equal(o.serial_port, 0x2f8);
	o = good("# log=error\r\nlog=warn");
	assert_int_equal(o.log, LOG_WARN);
}

static void test_crlf_and_whitespace(void **state)
{
	struct options o;

	(void)state;
	o = good("serial=com2\r\nlog=warn\r\ncpus=3\r\nnext=\\x.efi\r\n");
	assert_int_equal(o.serial_port, 0x2f8);
	assert_int_equal(o.log, LOG_WARN);
	assert_int_equal(o.cpus, 3);
	/* '\r' never ends up in a value. */
	assert_string_equal(o.next, "\\x.efi");
	o = good("serial=none\tlog=error  cpus=4\v\fnext=n");
	assert_int_equal(o.serial_port, 0);
	assert_int_equal(o.log, LOG_ERROR);
	assert_int_equal(o.cpus, 4);
	assert_string_equal(o.next, "n");
	bad("log=info\r\nlog=loud\r\n",
	    CFG ":2: option 'log': 'loud' is not one of error, warn, info, debug");
}

static void test_len_rules_not_nul(void **state)
{
	struct options o;

	(void)state;
	/* Only the first len bytes count. */
	options_default(&o);
	assert_true(parse_n(&o, "log=debug cpus=0", 9, CFG, false));
	assert_int_equal(o.log, LOG_DEBUG);
	options_default(&o);
	assert_false(parse_n(&o, "log=debug", 3, CFG, false));
	assert_string_equal(err, CFG ":1: 'log' is not key=value");
	/* A NUL is just a non-printable byte, not the end. */
	options_default(&o);
	assert_false(parse_n(&o, "log=debug\0cpus=2", 16, CFG, false));
	assert_string_equal(err,
			    CFG ":1: option 'log': byte 0x00 in the value is not printable ASCII");
	options_default(&o);
	assert_false(parse_n(&o, "cpus=2 \0", 8, LOADOPT, false));
	assert_string_equal(err,
			    LOADOPT ":1: byte 0x00 in an option name is not printable ASCII");
	assert_int_equal(o.cpus, 2);
}

static void test_skip_first_word(void **state)
{
	struct options o;

	(void)state;
	options_default(&o);
	assert_true(parse(&o, "\\EFI\\matryoshka.efi log=debug cpus=2", LOADOPT,
			  true));
	assert_int_equal(o.log, LOG_DEBUG);
	assert_int_equal(o.cpus, 2);

	/* Leading blanks do not make the program name a second word. */
	options_default(&o);
	assert_true(parse(&o, "  matryoshka.efi\tserial=none", LOADOPT, true));
	assert_int_equal(o.serial_port, 0);

	/* Just the program name: nothing to apply. */
	options_default(&o);
	assert_true(parse(&o, "matryoshka", LOADOPT, true));
	assert_defaults(&o);

	/* Without skipping, the program name is an error. */
	options_default(&o);
	assert_false(parse(&o, "matryoshka.efi log=debug", LOADOPT, false));
	assert_string_equal(err, LOADOPT ":1: 'matryoshka.efi' is not key=value");

	/* Only the first word is skipped. */
	options_default(&o);
	assert_false(parse(&o, "matryoshka.efi verbose", LOADOPT, true));
	assert_string_equal(err, LOADOPT ":1: 'verbose' is not key=value");

	/* A first word with '=' is a setting, and then nothing is skipped. */
	options_default(&o);
	assert_false(parse(&o, "log=warn matryoshka.efi", LOADOPT, true));
	assert_string_equal(err, LOADOPT ":1: 'matryoshka.efi' is not key=value");
	assert_int_equal(o.log, LOG_WARN);
}

static void test_load_options_override_config(void **state)
{
	struct options o;

	(void)state;
	options_default(&o);
	assert_true(parse(&o, "serial=com2\nlog=warn\nnext=\\EFI\\os.efi\ncpus=4\n",
			  CFG, false));
	assert_true(parse(&o, "matryoshka.efi log=debug next=", LOADOPT, true));
	/* Overridden. */
	assert_int_equal(o.log, LOG_DEBUG);
	assert_string_equal(o.next, "");
	/* Kept from the config. */
	assert_int_equal(o.serial_port, 0x2f8);
	assert_int_equal(o.cpus, 4);

	assert_true(parse(&o, "prog cpus=all serial=0x3e8 next=\\b.efi", LOADOPT,
			  true));
	assert_int_equal(o.cpus, 0);
	assert_int_equal(o.serial_port, 0x3e8);
	assert_string_equal(o.next, "\\b.efi");
	assert_int_equal(o.log, LOG_DEBUG);
}

static void test_settings_before_error_stay(void **state)
{
	struct options o;

	(void)state;
	options_default(&o);
	assert_false(parse(&o, "log=debug\ncpus=8\nserial=com9\nnext=x", CFG, false));
	assert_string_equal(err,
			    CFG ":3: option 'serial': 'com9' is not 'none', com1-com4 or an I/O port from 0x1 to 0xfff8");
	assert_int_equal(o.log, LOG_DEBUG);
	assert_int_equal(o.cpus, 8);
	/* Parsing stops at the first error. */
	assert_int_equal(o.serial_port, 0x3f8);
	assert_string_equal(o.next, "");
}

static void test_small_or_missing_err_buffer(void **state)
{
	struct options o;
	char small[12];

	(void)state;
	options_default(&o);
	memset(small, 'Z', sizeof(small));
	assert_false(options_parse(&o, "log=loud", 8, CFG, false, small,
				   sizeof(small)));
	assert_string_equal(small, "matryoshka.");
	assert_false(options_parse(&o, "log=loud", 8, CFG, false, NULL, 0));
	small[0] = 'Z';
	assert_false(options_parse(&o, "log=loud", 8, CFG, false, small, 1));
	assert_int_equal(small[0], '\0');
	assert_true(options_parse(&o, "log=warn", 8, CFG, false, NULL, 0));
	assert_int_equal(o.log, LOG_WARN);
}

static void test_selftest(void **state)
{
	(void)state;
	assert_int_equal(good("selftest=fault").selftest, SELFTEST_FAULT);
	assert_int_equal(good("selftest=fault selftest=none").selftest,
			 SELFTEST_NONE);
	bad("selftest=crash",
	    CFG ":1: option 'selftest': 'crash' is not one of none, fault, iommu");
	bad("selftest=",
	    CFG ":1: option 'selftest': the value is empty; expected one of none, fault, iommu");
	assert_int_equal(good("selftest=iommu").selftest, SELFTEST_IOMMU);
}

static void test_iommu(void **state)
{
	(void)state;
	assert_int_equal(good("iommu=required").iommu, IOMMU_REQUIRED);
	assert_int_equal(good("iommu=off").iommu, IOMMU_OFF);
	assert_int_equal(good("iommu=off iommu=auto").iommu, IOMMU_AUTO);
	bad("iommu=yes",
	    CFG ":1: option 'iommu': 'yes' is not one of auto, required, off");
	bad("iommu=",
	    CFG ":1: option 'iommu': the value is empty; expected one of auto, required, off");
}

static void test_early_checks(void **state)
{
	(void)state;
	assert_int_equal(good("early_consistency_checks=0").early_checks, 0);
	assert_int_equal(good("early_consistency_checks=off").early_checks, 0);
	assert_int_equal(good("early_consistency_checks=1").early_checks, 1);
	assert_int_equal(good("early_consistency_checks=on").early_checks, 1);
	assert_int_equal(good("early_consistency_checks=on early_consistency_checks=-1")
				 .early_checks,
			 -1);
	assert_int_equal(good("early_consistency_checks=auto").early_checks, -1);
	bad("early_consistency_checks=2",
	    CFG ":1: option 'early_consistency_checks': '2' is not one of -1 (auto), 0 (off), 1 (on), auto, off, on");
	bad("early_consistency_checks=",
	    CFG ":1: option 'early_consistency_checks': the value is empty; expected one of -1 (auto), 0 (off), 1 (on), auto, off, on");
}

static void test_skip_check(void **state)
{
	char long_name[80];

	(void)state;
	assert_string_equal(good("nested_skip_check=host.cs.nonzero").skip_check,
			    "host.cs.nonzero");
	/* empty clears it, like next= */
	assert_string_equal(good("nested_skip_check=a nested_skip_check=").skip_check, "");
	bad("nested_skip_check=a/b",
	    CFG ":1: option 'nested_skip_check': 'a/b' is not a check name from docs/entry-checks.md (letters, digits, '.', '_', '-')");
	memset(long_name, 0, sizeof(long_name));
	memcpy(long_name, "nested_skip_check=", 18);
	memset(long_name + 18, 'x', 48);
	bad(long_name,
	    CFG ":1: option 'nested_skip_check': the name is 48 bytes long, at most 47 fit");
}

static void test_nstate_stress(void **state)
{
	(void)state;
	assert_int_equal(good("nested_state_stress=1").nstate_stress, 1);
	assert_int_equal(good("nested_state_stress=0").nstate_stress, 0);
	assert_int_equal(good("nested_state_stress=1000000").nstate_stress, 1000000);
	bad("nested_state_stress=1000001",
	    CFG ":1: option 'nested_state_stress': '1000001' is not a number from 0 (off) to 1000000");
	bad("nested_state_stress=0x10",
	    CFG ":1: option 'nested_state_stress': '0x10' has trailing junk 'x10' after the number");
	bad("nested_state_stress=",
	    CFG ":1: option 'nested_state_stress': the value is empty; expected a number from 0 (off) to 1000000");
}

static void test_notify_window(void **state)
{
	(void)state;
	assert_int_equal(good("notify_window=0").notify_window, 0);
	assert_int_equal(good("notify_window=4096").notify_window, 4096);
	assert_int_equal(good("notify_window=0xffffffff").notify_window, 0xffffffffu);
	assert_true(good("notify_window=off").notify_off);
	/* a number after off turns it back on */
	assert_false(good("notify_window=off notify_window=7").notify_off);
	assert_int_equal(good("notify_window=off notify_window=7").notify_window, 7);
	bad("notify_window=0x100000000",
	    CFG ":1: option 'notify_window': '0x100000000' is not 'off' or a number of crystal-clock cycles from 0 to 0xffffffff");
	bad("notify_window=on",
	    CFG ":1: option 'notify_window': 'on' is not 'off' or a number of crystal-clock cycles from 0 to 0xffffffff");
	bad("notify_window=",
	    CFG ":1: option 'notify_window': the value is empty; expected 'off' or a number of crystal-clock cycles from 0 to 0xffffffff");
}

static void test_split_lock(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(good("split_lock=off").split_lock, SL_OFF);
	assert_int_equal(good("split_lock=warn").split_lock, SL_WARN);
	assert_int_equal(good("split_lock=fatal").split_lock, SL_FATAL);
	o = good("split_lock=ratelimit:5");
	assert_int_equal(o.split_lock, SL_RATELIMIT);
	assert_int_equal(o.split_lock_rate, 5);
	o = good("split_lock=ratelimit:1000000");
	assert_int_equal(o.split_lock_rate, 1000000);
	bad("split_lock=ratelimit:0",
	    CFG ":1: option 'split_lock': '0' is not one of off, warn, fatal, ratelimit:N (N from 1 to 1000000)");
	bad("split_lock=ratelimit:1000001",
	    CFG ":1: option 'split_lock': '1000001' is not one of off, warn, fatal, ratelimit:N (N from 1 to 1000000)");
	bad("split_lock=ratelimit:",
	    CFG ":1: option 'split_lock': 'ratelimit:' is not one of off, warn, fatal, ratelimit:N (N from 1 to 1000000)");
	bad("split_lock=ratelimit:3x",
	    CFG ":1: option 'split_lock': '3x' has trailing junk 'x' after the number");
	bad("split_lock=Warn",
	    CFG ":1: option 'split_lock': 'Warn' is not one of off, warn, fatal, ratelimit:N (N from 1 to 1000000)");
	bad("split_lock=",
	    CFG ":1: option 'split_lock': the value is empty; expected one of off, warn, fatal, ratelimit:N (N from 1 to 1000000)");
}

static void test_exc_intercepts(void **state)
{
	(void)state;
	assert_false(good("exc_intercepts=off").exc_intercepts);
	assert_true(good("exc_intercepts=off exc_intercepts=on").exc_intercepts);
	bad("exc_intercepts=0",
	    CFG ":1: option 'exc_intercepts': '0' is not one of on, off");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_selftest),
		cmocka_unit_test(test_early_checks),
		cmocka_unit_test(test_iommu),
		cmocka_unit_test(test_skip_check),
		cmocka_unit_test(test_nstate_stress),
		cmocka_unit_test(test_notify_window),
		cmocka_unit_test(test_split_lock),
		cmocka_unit_test(test_exc_intercepts),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_empty_and_blank_text),
		cmocka_unit_test(test_serial_good),
		cmocka_unit_test(test_serial_bad),
		cmocka_unit_test(test_log_good),
		cmocka_unit_test(test_log_bad),
		cmocka_unit_test(test_next_good),
		cmocka_unit_test(test_next_bad),
		cmocka_unit_test(test_cpus_good),
		cmocka_unit_test(test_cpus_bad),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_long_words_are_cut_in_errors),
		cmocka_unit_test(test_line_numbers),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_crlf_and_whitespace),
		cmocka_unit_test(test_len_rules_not_nul),
		cmocka_unit_test(test_skip_first_word),
		cmocka_unit_test(test_load_options_override_config),
		cmocka_unit_test(test_settings_before_error_stay),
		cmocka_unit_test(test_small_or_missing_err_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
