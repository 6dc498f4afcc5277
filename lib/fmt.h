/* SPDX-License-Identifier: Apache-2.0 */
/* A small freestanding vsnprintf: the loader and the core have no libc. */
#ifndef LIB_FMT_H
#define LIB_FMT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Conversions: %d %i %u %x %X %p %s %c %%, length modifiers hh h l ll z,
 * flags '-' and '0', a field width (number or '*'), and a precision for %s
 * (number or '*'). Always NUL-terminates when n > 0; returns the length the
 * full output would have had (like C99 vsnprintf). An unknown conversion is
 * printed literally, so a bad format string never reads a stray argument.
 */
int fmt_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
__attribute__((format(printf, 3, 4))) int fmt_snprintf(char *buf, size_t n,
                                                       const char *fmt, ...);

#endif
