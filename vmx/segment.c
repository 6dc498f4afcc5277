/* SPDX-License-Identifier: Apache-2.0 */
#include "vmx/segment.h"

static uint64_t load64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static bool null_segment(enum seg_kind kind, struct seg_state *s)
{
	if (kind != SEG_TR) {
		s->ar = AR_UNUSABLE;
		return true;
	}
	/*
	 * Firmware may never load TR, but VM entry requires a usable busy TSS
	 * (SDM 27.3.1.2): a minimal one at base 0 is harmless while the guest
	 * does not switch tasks, which 64-bit code cannot.
	 */
	s->limit = 0x67;
	s->ar = AR_P | AR_TYPE_TSS64_BUSY;
	return true;
}

bool seg_from_gdt(const void *gdt, uint16_t gdt_limit, uint16_t sel,
		  enum seg_kind kind, struct seg_state *s, const char **why)
{
	unsigned size = kind == SEG_CODE_DATA ? 8 : 16; /* system descriptors are 16 bytes in IA-32e mode */
	unsigned off = sel & ~7u;

	*s = (struct seg_state){ .sel = sel };
	if (sel & 4) {
		*why = "selector points into an LDT";
		return false;
	}
	if (!off)
		return null_segment(kind, s);
	if (off + size - 1 > gdt_limit) {
		*why = "selector beyond the GDT limit";
		return false;
	}
	const uint8_t *d = (const uint8_t *)gdt + off;
	uint64_t lo = load64(d);
	uint32_t ar = ((lo >> 40) & 0xff) | (((lo >> 52) & 0xf) << 12);
	uint32_t limit = (lo & 0xffff) | ((lo >> 32) & 0xf0000);

	s->base = ((lo >> 16) & 0xffffff) | (((lo >> 56) & 0xff) << 24);
	if (kind != SEG_CODE_DATA)
		s->base |= load64(d + 8) << 32;
	s->limit = (ar & AR_G) ? (limit << 12) | 0xfff : limit;
	if (!(ar & AR_P)) {
		*why = "descriptor not present";
		return false;
	}
	if ((kind == SEG_CODE_DATA) != !!(ar & AR_S)) {
		*why = kind == SEG_CODE_DATA ? "system descriptor in a code/data register"
					     : "code/data descriptor in TR or LDTR";
		return false;
	}
	if (kind == SEG_CODE_DATA) {
		/* The CPU sets the accessed bit when it loads a segment. */
		ar |= AR_TYPE_ACCESSED;
	} else if (kind == SEG_TR) {
		if ((ar & 0xf) != AR_TYPE_TSS64_AVAIL && (ar & 0xf) != AR_TYPE_TSS64_BUSY) {
			*why = "TR does not hold a 64-bit TSS";
			return false;
		}
		/* a loaded TR is busy (SDM 8.2.2); entry wants type 11 */
		ar = (ar & ~0xfu) | AR_TYPE_TSS64_BUSY;
	} else if ((ar & 0xf) != 2) {
		*why = "LDTR does not hold an LDT descriptor";
		return false;
	}
	s->ar = ar;
	return true;
}
