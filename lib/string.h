/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The few string functions the freestanding builds need; the compiler also
 * emits calls to the mem* ones on its own. Standard prototypes, so a file
 * that sees the host's <string.h> as well still compiles.
 */
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

#endif
