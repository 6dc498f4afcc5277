/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Loader options: "key=value" words from matryoshka.cfg and the load
 * options. Pure logic on (pointer, length) spans: the text need not be
 * NUL-terminated, and this file calls nothing from lib/string.c because the
 * host unit test does not link it.
 *
 * A '#' starts a comment only where a word could start, as in a shell, so
 * "next=\a#b.efi" keeps its '#' instead of silently losing the tail.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot/options.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "vmx/ac_policy.h"
#include "vmx/notify_policy.h"

#define STR_(x) #x
#define STR(x) STR_(x)

#define SERIAL_PORT_MAX 0xfff8 /* the last 8-port block below 64 KiB */
#define ECHO_MAX 32            /* bytes of user text quoted in an error */

#define SERIAL_EXPECT "'none', com1-com4 or an I/O port from 0x1 to " STR(SERIAL_PORT_MAX)
#define LOG_EXPECT "one of error, warn, info, debug"
#define CPUS_EXPECT "'all' or a number from 1 to " STR(OPT_CPUS_MAX)
#define SELFTEST_EXPECT "one of none, fault, iommu"
#define IOMMU_EXPECT "one of auto, required, off"
#define EARLY_EXPECT "one of -1 (auto), 0 (off), 1 (on), auto, off, on"
#define OPT_STRESS_MAX 1000000
#define STRESS_EXPECT "a number from 0 (off) to " STR(OPT_STRESS_MAX)
#define SKIP_EXPECT "a check name from docs/entry-checks.md (letters, digits, '.', '_', '-')"
#define NOTIFY_EXPECT "'off' or a number of crystal-clock cycles from 0 to 0xffffffff"
#define SPLIT_LOCK_EXPECT "one of off, warn, fatal, ratelimit:N (N from 1 to " STR(SL_RATELIMIT_MAX) ")"
#define ONOFF_EXPECT "one of on, off"
#define KNOWN_KEYS \
	"serial, log, next, cpus, selftest, early_consistency_checks, nested_skip_check, iommu, " \
	"nested_state_stress, notify_window, split_lock, exc_intercepts"

/* A piece of the input text. */
struct span {
	const char *p;
	size_t len;
};

/*
 * Quotes a span in an error as "%.*s%s", cutting long ones to keep the
 * message within OPT_ERR_MAX. Only ever used on spans already checked to be
 * printable, so an error line never carries control bytes to the console.
 */
#define ECHO_FMT "%.*s%s"
#define ECHO(s) (int)echo_len(s), (s).p, (s).len > ECHO_MAX ? "..." : ""

struct parser {
	struct options *o;
	const char *origin;
	unsigned line;
	char *err;
	size_t errlen;
};

enum num_result { NUM_OK, NUM_NONE, NUM_JUNK, NUM_OVERFLOW };

static size_t echo_len(struct span s)
{
	return s.len > ECHO_MAX ? ECHO_MAX - 3 : s.len;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	       c == '\f';
}

static bool is_print(char c)
{
	return c > ' ' && c < 0x7f;
}

static bool span_is(struct span s, const char *lit)
{
	size_t i;

	for (i = 0; i < s.len && lit[i]; i++)
		if (s.p[i] != lit[i])
			return false;
	return i == s.len && !lit[i];
}

/* Writes "origin:line: message" to err; always returns false. */
__attribute__((format(printf, 2, 3))) static bool fail(struct parser *ps,
						       const char *fmt, ...)
{
	va_list ap;
	int head;

	if (!ps->err || !ps->errlen)
		return false;
	head = fmt_snprintf(ps->err, ps->errlen, "%s:%u: ",
			    ps->origin ? ps->origin : "?", ps->line);
	if (head < 0 || (size_t)head >= ps->errlen)
		return false;
	va_start(ap, fmt);
	fmt_vsnprintf(ps->err + head, ps->errlen - (size_t)head, fmt, ap);
	va_end(ap);
	return false;
}

static bool bad_value(struct parser *ps, const char *key, struct span val,
		      const char *expect)
{
	return fail(ps, "option '%s': '" ECHO_FMT "' is not %s", key, ECHO(val),
		    expect);
}

static bool empty_value(struct parser *ps, const char *key, const char *expect)
{
	return fail(ps, "option '%s': the value is empty; expected %s", key,
		    expect);
}

static int digit_value(char c, bool hex)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (hex && c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (hex && c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decimal, or hex after "0x" when allow_hex. On NUM_JUNK, *junk is what
 * follows the digits.
 */
static enum num_result parse_number(struct span s, bool allow_hex,
				    uint64_t *out, struct span *junk)
{
	bool hex = false, overflow = false;
	unsigned base = 10;
	size_t i = 0, first;
	uint64_t v = 0;
	int d;

	if (allow_hex && s.len >= 2 && s.p[0] == '0' &&
	    (s.p[1] == 'x' || s.p[1] == 'X')) {
		hex = true;
		base = 16;
		i = 2;
	}
	for (first = i; i < s.len && (d = digit_value(s.p[i], hex)) >= 0; i++) {
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			overflow = true;
		v = v * base + (uint64_t)d;
	}
	if (i == first)
		return NUM_NONE;
	if (i < s.len) {
		*junk = (struct span){ s.p + i, s.len - i };
		return NUM_JUNK;
	}
	if (overflow)
		return NUM_OVERFLOW;
	*out = v;
	return NUM_OK;
}

/*
 * A number in [lo, hi] or an error naming what went wrong. expect and
 * hi_text describe the accepted values for the messages.
 */
static bool take_number(struct parser *ps, const char *key, struct span val,
			bool allow_hex, uint64_t lo, uint64_t hi,
			const char *expect, const char *hi_text, uint64_t *out)
{
	struct span junk;
	uint64_t v = 0;

	switch (parse_number(val, allow_hex, &v, &junk)) {
	case NUM_JUNK:
		return fail(ps,
			    "option '%s': '" ECHO_FMT "' has trailing junk '" ECHO_FMT
			    "' after the number",
			    key, ECHO(val), ECHO(junk));
	case NUM_OVERFLOW:
		return fail(ps,
			    "option '%s': '" ECHO_FMT "' is too large (at most %s)",
			    key, ECHO(val), hi_text);
	case NUM_NONE:
		return bad_value(ps, key, val, expect);
	case NUM_OK:
		break;
	}
	if (v < lo || v > hi)
		return bad_value(ps, key, val, expect);
	*out = v;
	return true;
}

static bool set_serial(struct parser *ps, struct span val)
{
	static const uint16_t com[] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };
	static const char *const com_names[] = { "com1", "com2", "com3", "com4" };
	uint64_t port;
	size_t i;

	if (!val.len)
		return empty_value(ps, "serial", SERIAL_EXPECT);
	if (span_is(val, "none")) {
		ps->o->serial_port = 0;
		return true;
	}
	for (i = 0; i < sizeof(com) / sizeof(com[0]); i++) {
		if (span_is(val, com_names[i])) {
			ps->o->serial_port = com[i];
			return true;
		}
	}
	if (!take_number(ps, "serial", val, true, 1, SERIAL_PORT_MAX,
			 SERIAL_EXPECT, STR(SERIAL_PORT_MAX), &port))
		return false;
	ps->o->serial_port = (uint16_t)port;
	return true;
}

static bool set_log(struct parser *ps, struct span val)
{
	enum log_level level;

	if (!val.len)
		return empty_value(ps, "log", LOG_EXPECT);
	if (!log_level_parse(val.p, val.len, &level))
		return bad_value(ps, "log", val, LOG_EXPECT);
	ps->o->log = level;
	return true;
}

/* An empty value is allowed: "next=" clears a next= from the config. */
static bool set_next(struct parser *ps, struct span val)
{
	size_t i;

	if (val.len > OPT_NEXT_MAX - 1)
		return fail(ps,
			    "option 'next': the path is %zu bytes long, at most %d fit",
			    val.len, OPT_NEXT_MAX - 1);
	for (i = 0; i < val.len; i++)
		ps->o->next[i] = val.p[i];
	ps->o->next[i] = '\0';
	return true;
}

static bool set_cpus(struct parser *ps, struct span val)
{
	uint64_t n;

	if (!val.len)
		return empty_value(ps, "cpus", CPUS_EXPECT);
	if (span_is(val, "all")) {
		ps->o->cpus = 0;
		return true;
	}
	if (!take_number(ps, "cpus", val, false, 1, OPT_CPUS_MAX, CPUS_EXPECT,
			 STR(OPT_CPUS_MAX), &n))
		return false;
	ps->o->cpus = (uint32_t)n;
	return true;
}

static bool set_selftest(struct parser *ps, struct span val)
{
	if (!val.len)
		return empty_value(ps, "selftest", SELFTEST_EXPECT);
	if (span_is(val, "none"))
		ps->o->selftest = SELFTEST_NONE;
	else if (span_is(val, "fault"))
		ps->o->selftest = SELFTEST_FAULT;
	else if (span_is(val, "iommu"))
		ps->o->selftest = SELFTEST_IOMMU;
	else
		return bad_value(ps, "selftest", val, SELFTEST_EXPECT);
	return true;
}

static bool set_early_checks(struct parser *ps, struct span val)
{
	static const struct {
		const char *word;
		int8_t value;
	} words[] = { { "-1", -1 }, { "auto", -1 }, { "0", 0 },
		      { "off", 0 },  { "1", 1 },     { "on", 1 } };

	if (!val.len)
		return empty_value(ps, "early_consistency_checks", EARLY_EXPECT);
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (span_is(val, words[i].word)) {
			ps->o->early_checks = words[i].value;
			return true;
		}
	}
	return bad_value(ps, "early_consistency_checks", val, EARLY_EXPECT);
}

/*
 * Only the form is checked here; the core knows the names and reports one
 * that names no check (the option is then ignored).
 */
static bool set_skip_check(struct parser *ps, struct span val)
{
	size_t i;

	if (val.len > OPT_CHECK_NAME_MAX - 1)
		return fail(ps,
			    "option 'nested_skip_check': the name is %zu bytes long, at most %d fit",
			    val.len, OPT_CHECK_NAME_MAX - 1);
	for (i = 0; i < val.len; i++) {
		char c = val.p[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return bad_value(ps, "nested_skip_check", val, SKIP_EXPECT);
		ps->o->skip_check[i] = c;
	}
	ps->o->skip_check[i] = '\0';
	return true;
}

static bool set_nstate_stress(struct parser *ps, struct span val)
{
	uint64_t n;

	if (!val.len)
		return empty_value(ps, "nested_state_stress", STRESS_EXPECT);
	if (!take_number(ps, "nested_state_stress", val, false, 0, OPT_STRESS_MAX,
			 STRESS_EXPECT, STR(OPT_STRESS_MAX), &n))
		return false;
	ps->o->nstate_stress = (uint32_t)n;
	return true;
}

static bool set_iommu(struct parser *ps, struct span val)
{
	if (!val.len)
		return empty_value(ps, "iommu", IOMMU_EXPECT);
	if (span_is(val, "auto"))
		ps->o->iommu = IOMMU_AUTO;
	else if (span_is(val, "required"))
		ps->o->iommu = IOMMU_REQUIRED;
	else if (span_is(val, "off"))
		ps->o->iommu = IOMMU_OFF;
	else
		return bad_value(ps, "iommu", val, IOMMU_EXPECT);
	return true;
}

static bool set_notify_window(struct parser *ps, struct span val)
{
	uint64_t n;

	if (!val.len)
		return empty_value(ps, "notify_window", NOTIFY_EXPECT);
	if (span_is(val, "off")) {
		ps->o->notify_off = true;
		return true;
	}
	if (!take_number(ps, "notify_window", val, true, 0, 0xffffffffull,
			 NOTIFY_EXPECT, "0xffffffff", &n))
		return false;
	ps->o->notify_window = (uint32_t)n;
	ps->o->notify_off = false;
	return true;
}

static bool set_split_lock(struct parser *ps, struct span val)
{
	static const struct span prefix = { "ratelimit:", 10 };
	uint64_t n;

	if (!val.len)
		return empty_value(ps, "split_lock", SPLIT_LOCK_EXPECT);
	if (span_is(val, "off"))
		ps->o->split_lock = SL_OFF;
	else if (span_is(val, "warn"))
		ps->o->split_lock = SL_WARN;
	else if (span_is(val, "fatal"))
		ps->o->split_lock = SL_FATAL;
	else if (val.len > prefix.len &&
		 span_is((struct span){ val.p, prefix.len }, prefix.p)) {
		if (!take_number(ps, "split_lock",
				 (struct span){ val.p + prefix.len,
						val.len - prefix.len },
				 false, 1, SL_RATELIMIT_MAX, SPLIT_LOCK_EXPECT,
				 STR(SL_RATELIMIT_MAX), &n))
			return false;
		ps->o->split_lock = SL_RATELIMIT;
		ps->o->split_lock_rate = (uint32_t)n;
	} else
		return bad_value(ps, "split_lock", val, SPLIT_LOCK_EXPECT);
	return true;
}

static bool set_exc_intercepts(struct parser *ps, struct span val)
{
	if (!val.len)
		return empty_value(ps, "exc_intercepts", ONOFF_EXPECT);
	if (span_is(val, "on"))
		ps->o->exc_intercepts = true;
	else if (span_is(val, "off"))
		ps->o->exc_intercepts = false;
	else
		return bad_value(ps, "exc_intercepts", val, ONOFF_EXPECT);
	return true;
}

static const struct {
	const char *key;
	bool (*set)(struct parser *ps, struct span val);
} settings[] = {
	{ "serial", set_serial },
	{ "log", set_log },
	{ "next", set_next },
	{ "cpus", set_cpus },
	{ "selftest", set_selftest },
	{ "early_consistency_checks", set_early_checks },
	{ "nested_skip_check", set_skip_check },
	{ "nested_state_stress", set_nstate_stress },
	{ "iommu", set_iommu },
	{ "notify_window", set_notify_window },
	{ "split_lock", set_split_lock },
	{ "exc_intercepts", set_exc_intercepts },
};

/* Checked before anything quotes the word back in an error. */
static bool check_printable(struct parser *ps, struct span word, size_t eq)
{
	size_t i;

	for (i = 0; i < word.len; i++) {
		unsigned char c = (unsigned char)word.p[i];

		if (is_print(word.p[i]))
			continue;
		if (i < eq)
			return fail(ps,
				    "byte 0x%02x in an option name is not printable ASCII",
				    c);
		return fail(ps,
			    "option '%.*s': byte 0x%02x in the value is not printable ASCII",
			    (int)(eq < ECHO_MAX ? eq : ECHO_MAX), word.p, c);
	}
	return true;
}

static bool apply_word(struct parser *ps, struct span word, bool skippable)
{
	struct span key, val;
	size_t eq, i;

	for (eq = 0; eq < word.len && word.p[eq] != '='; eq++)
		;
	if (eq == word.len && skippable)
		return true;
	if (!check_printable(ps, word, eq))
		return false;
	if (eq == word.len)
		return fail(ps, "'" ECHO_FMT "' is not key=value", ECHO(word));
	if (!eq)
		return fail(ps, "'" ECHO_FMT "' has no option name before '='",
			    ECHO(word));
	key = (struct span){ word.p, eq };
	val = (struct span){ word.p + eq + 1, word.len - eq - 1 };
	for (i = 0; i < sizeof(settings) / sizeof(settings[0]); i++)
		if (span_is(key, settings[i].key))
			return settings[i].set(ps, val);
	return fail(ps, "unknown option '" ECHO_FMT "' (known: " KNOWN_KEYS ")",
		    ECHO(key));
}

void options_default(struct options *o)
{
	o->serial_port = 0x3f8;
	o->log = LOG_INFO;
	o->next[0] = '\0';
	o->cpus = 0;
	o->selftest = SELFTEST_NONE;
	o->early_checks = -1;
	o->skip_check[0] = '\0';
	o->nstate_stress = 0;
	o->iommu = IOMMU_AUTO;
	o->notify_window = NOTIFY_WINDOW_DEFAULT;
	o->notify_off = false;
	o->split_lock = SL_WARN;
	o->split_lock_rate = 0;
	o->exc_intercepts = true;
}

bool options_parse(struct options *o, const char *text, size_t len,
		   const char *origin, bool skip_first_word, char *err,
		   size_t errlen)
{
	struct parser ps = { o, origin, 1, err, errlen };
	bool first = true;
	size_t i = 0, start;

	if (err && errlen)
		err[0] = '\0';
	while (i < len) {
		if (text[i] == '\n') {
			ps.line++;
			i++;
		} else if (is_space(text[i])) {
			i++;
		} else if (text[i] == '#') {
			while (i < len && text[i] != '\n')
				i++;
		} else {
			for (start = i; i < len && !is_space(text[i]); i++)
				;
			if (!apply_word(&ps, (struct span){ text + start, i - start },
					first && skip_first_word))
				return false;
			first = false;
		}
	}
	return true;
}
