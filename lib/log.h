/* SPDX-License-Identifier: Apache-2.0 */
/* Leveled log lines "[level cpuN] text", shared by the loader and the core. */
#ifndef LIB_LOG_H
#define LIB_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum log_level { LOG_ERROR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

/* Where finished lines go; the line ends in "\n" and is NUL-terminated. */
typedef void (*log_sink_fn)(enum log_level level, const char *line, size_t len);
/* Which CPU is logging (the loader says 0, the core reads its per-CPU data). */
typedef unsigned (*log_cpu_fn)(void);

#define LOG_LINE_MAX 256

/* "error", "warn", "info", "debug"; NULL for an out-of-range level. */
const char *log_level_name(enum log_level level);
/* Parses one of the names above; false (and *out untouched) otherwise. */
bool log_level_parse(const char *name, size_t len, enum log_level *out);

/*
 * Formats one line into buf (at most n bytes including the NUL):
 * "[info cpu3] text\n". Over-long text is cut and ends in "...\n".
 * Returns the length without the NUL.
 */
size_t log_format(char *buf, size_t n, enum log_level level, unsigned cpu,
                  const char *fmt, va_list ap);

void log_setup(log_sink_fn sink, log_cpu_fn cpu, enum log_level threshold);
void log_set_threshold(enum log_level threshold);
enum log_level log_threshold(void);

__attribute__((format(printf, 2, 3))) void log_printf(enum log_level level,
                                                      const char *fmt, ...);

/*
 * How long log_printf_within() waits for another CPU's line: `now` reads a
 * clock (the TSC in the core), `ticks` is the most it waits.
 */
struct log_wait {
	uint64_t (*now)(void);
	uint64_t ticks;
};

/*
 * log_printf for lines a guest can cause: if another CPU still holds the
 * console after w->ticks, the line is dropped rather than waited for.
 * Returns false only then (a line below the threshold counts as done).
 */
__attribute__((format(printf, 3, 4))) bool
log_printf_within(enum log_level level, const struct log_wait *w,
		  const char *fmt, ...);

#define log_err(...) log_printf(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_printf(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_printf(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_printf(LOG_DEBUG, __VA_ARGS__)

#endif
