/* SPDX-License-Identifier: Apache-2.0 */
/* Base64 (RFC 4648 section 4). */
#include "lib/base64.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void base64_encode(const uint8_t *in, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i += 3) {
		uint32_t w = (uint32_t)in[i] << 16;

		if (i + 1 < n)
			w |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < n)
			w |= in[i + 2];
		out[o++] = alphabet[(w >> 18) & 63];
		out[o++] = alphabet[(w >> 12) & 63];
		out[o++] = i + 1 < n ? alphabet[(w >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? alphabet[w & 63] : '=';
	}
	out[o] = '\0';
}

static int value_of(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* One group of 4 characters; pad is how many of them are '=' (0-2). */
static bool group(const char *g, bool last, uint32_t *w, unsigned *pad)
{
	*w = 0;
	*pad = 0;
	for (unsigned k = 0; k < 4; k++) {
		int v = value_of(g[k]);

		if (g[k] == '=' && last && k >= 2 && (k == 3 || g[3] == '=')) {
			(*pad)++;
			v = 0;
		} else if (v < 0 || *pad) {
			return false;
		}
		*w = (*w << 6) | (uint32_t)v;
	}
	return true;
}

bool base64_decode(const char *in, size_t len, uint8_t *out, size_t max,
		   size_t *n)
{
	size_t o = 0;

	if (len % 4)
		return false;
	for (size_t i = 0; i < len; i += 4) {
		uint32_t w;
		unsigned pad;

		if (!group(in + i, i + 4 == len, &w, &pad) || o + 3 - pad > max)
			return false;
		out[o++] = (uint8_t)(w >> 16);
		if (pad < 2)
			out[o++] = (uint8_t)(w >> 8);
		if (pad < 1)
			out[o++] = (uint8_t)w;
	}
	*n = o;
	return true;
}
