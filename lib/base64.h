/* SPDX-License-Identifier: Apache-2.0 */
/* Base64 (RFC 4648, standard alphabet, '=' padding): the nested-state dump. */
#ifndef LIB_BASE64_H
#define LIB_BASE64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Characters for n bytes (without the NUL). */
static inline size_t base64_len(size_t n)
{
	return (n + 2) / 3 * 4;
}

/* Writes base64_len(n) characters and a NUL into out. */
void base64_encode(const uint8_t *in, size_t n, char *out);

/*
 * Decodes len characters (a multiple of 4) into out (room for max bytes);
 * *n gets the byte count. false on a bad character, bad padding or no room.
 */
bool base64_decode(const char *in, size_t len, uint8_t *out, size_t max,
		   size_t *n);

#endif
