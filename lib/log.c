/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Leveled log lines. Each line is formatted completely on the caller's
 * stack and handed to the sink under one lock, so lines from several CPUs
 * never interleave and the lock is held only for the sink call.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/spinlock.h"

static const char *const level_names[] = {
	[LOG_ERROR] = "error",
	[LOG_WARN] = "warn",
	[LOG_INFO] = "info",
	[LOG_DEBUG] = "debug",
};

#define LEVEL_COUNT (sizeof(level_names) / sizeof(level_names[0]))

static const char trunc_tail[] = "...\n";

/* A NULL sink (before log_setup) drops lines. */
static log_sink_fn log_sink;
static log_cpu_fn log_cpu;
static enum log_level log_limit = LOG_INFO;
static struct spinlock log_lock;

const char *log_level_name(enum log_level level)
{
	if ((unsigned)level >= LEVEL_COUNT)
		return NULL;
	return level_names[level];
}

bool log_level_parse(const char *name, size_t len, enum log_level *out)
{
	size_t l, i;

	for (l = 0; l < LEVEL_COUNT; l++) {
		const char *want = level_names[l];

		for (i = 0; i < len && want[i] && want[i] == name[i]; i++)
			;
		if (i == len && !want[i]) {
			*out = (enum log_level)l;
			return true;
		}
	}
	return false;
}

/* Ends a cut line in as much of "...\n" as fits before the NUL at n - 1. */
static size_t mark_truncated(char *buf, size_t n)
{
	size_t tail = sizeof(trunc_tail) - 1;
	size_t len = n - 1;
	size_t i;

	if (tail > len)
		tail = len;
	for (i = 0; i < tail; i++)
		buf[len - tail + i] = trunc_tail[sizeof(trunc_tail) - 1 - tail + i];
	buf[len] = '\0';
	return len;
}

size_t log_format(char *buf, size_t n, enum log_level level, unsigned cpu,
		  const char *fmt, va_list ap)
{
	const char *name = log_level_name(level);
	int head, text;
	size_t len;

	if (!n)
		return 0;
	head = fmt_snprintf(buf, n, "[%s cpu%u] ", name ? name : "?", cpu);
	if (head < 0 || (size_t)head >= n)
		return mark_truncated(buf, n);
	text = fmt_vsnprintf(buf + head, n - (size_t)head, fmt, ap);
	if (text < 0)
		return mark_truncated(buf, n);
	len = (size_t)head + (size_t)text;
	/* The newline needs one byte more than the text and its NUL. */
	if (len + 2 > n)
		return mark_truncated(buf, n);
	buf[len++] = '\n';
	buf[len] = '\0';
	return len;
}

void log_setup(log_sink_fn sink, log_cpu_fn cpu, enum log_level threshold)
{
	log_cpu = cpu;
	log_limit = threshold;
	log_sink = sink;
}

void log_set_threshold(enum log_level threshold)
{
	log_limit = threshold;
}

enum log_level log_threshold(void)
{
	return log_limit;
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	char line[LOG_LINE_MAX];
	log_sink_fn sink = log_sink;
	va_list ap;
	size_t len;

	if (!sink || level > log_limit)
		return;
	va_start(ap, fmt);
	len = log_format(line, sizeof(line), level, log_cpu ? log_cpu() : 0,
			 fmt, ap);
	va_end(ap);
	spin_lock(&log_lock);
	sink(level, line, len);
	spin_unlock(&log_lock);
}

/* The lock within w->ticks of the first try, or false. */
static bool lock_within(const struct log_wait *w)
{
	uint64_t start = w->now();

	while (!spin_trylock(&log_lock)) {
		if (w->now() - start >= w->ticks)
			return false;
		__builtin_ia32_pause();
	}
	return true;
}

bool log_printf_within(enum log_level level, const struct log_wait *w,
		       const char *fmt, ...)
{
	char line[LOG_LINE_MAX];
	log_sink_fn sink = log_sink;
	va_list ap;
	size_t len;

	if (!sink || level > log_limit)
		return true;
	va_start(ap, fmt);
	len = log_format(line, sizeof(line), level, log_cpu ? log_cpu() : 0,
			 fmt, ap);
	va_end(ap);
	if (!lock_within(w))
		return false;
	sink(level, line, len);
	spin_unlock(&log_lock);
	return true;
}
