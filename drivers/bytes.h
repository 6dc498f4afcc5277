/* SPDX-License-Identifier: Apache-2.0 */
/* Little-endian loads from byte buffers of any alignment (firmware tables). */
#ifndef DRIVERS_BYTES_H
#define DRIVERS_BYTES_H

#include <stdint.h>

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)rd16(p) | (uint32_t)rd16(p + 2) << 16;
}

static inline uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

#endif
