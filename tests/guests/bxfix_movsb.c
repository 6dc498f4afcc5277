/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bxfix: REP MOVSB as the SDM describes it (Vol. 2B, MOVS/MOVSB and REP),
 * checked on bare Bochs against a byte-at-a-time reference: each iteration
 * copies one byte from [RSI] to [RDI], then adds 1 to both (DF=0) or subtracts
 * 1 (DF=1), and decrements RCX until it is 0; with RCX=0 nothing happens. So
 * a forward copy with RDI > RSI that overlaps repeats the first RDI-RSI bytes
 * (each byte written is read again later), and the final RSI, RDI, RCX are
 * exactly start +/- count, start +/- count, 0. Cases: counts 0..80 and a few
 * large ones, forward and backward, overlapping both ways, across a 4-KByte
 * boundary with the source and destination in different pages.
 */
#include "tests/guests/bxfix.h"

#define AREA 0x4000u

static uint8_t area[AREA] __attribute__((aligned(4096)));
static uint8_t want[AREA];

struct regs {
	uint64_t si, di, cx;
};

static void fill(void)
{
	for (unsigned k = 0; k < AREA; k++)
		area[k] = want[k] = (uint8_t)(k * 7 + (k >> 8) + 1);
}

/* The SDM's iteration, one byte at a time, on `want`. */
static void reference(uint64_t si, uint64_t di, uint64_t n, bool back)
{
	while (n--) {
		want[di] = want[si];
		si += back ? -1ull : 1;
		di += back ? -1ull : 1;
	}
}

static struct regs rep_movsb(uint8_t *src, uint8_t *dst, uint64_t n, bool back)
{
	struct regs r = {(uint64_t)src, (uint64_t)dst, n};

	if (back)
		__asm__ volatile("std; rep movsb; cld"
				 : "+S"(r.si), "+D"(r.di),
				   "+c"(r.cx)::"memory");
	else
		__asm__ volatile("rep movsb"
				 : "+S"(r.si), "+D"(r.di),
				   "+c"(r.cx)::"memory");
	return r;
}

static unsigned first_diff(void)
{
	for (unsigned k = 0; k < AREA; k++)
		if (area[k] != want[k])
			return k;
	return AREA;
}

static unsigned fails;

/* One case: src/dst are offsets into area. */
static void one(const char *what, unsigned s, unsigned d, uint64_t n, bool back)
{
	fill();
	reference(s, d, n, back);
	struct regs r = rep_movsb(area + s, area + d, n, back);
	uint64_t step = back ? -n : n;
	unsigned k = first_diff();
	bool ok = k == AREA && r.cx == 0 &&
		  r.si == (uint64_t)(area + s) + step &&
		  r.di == (uint64_t)(area + d) + step;

	if (!ok && fails++ < 40)
		guest_printf("bxfix: case %s src+0x%x dst+0x%x n=%lu df=%d: "
			     "first diff at 0x%x (0x%x, want 0x%x), rcx=%lu "
			     "rsi-src=%ld rdi-dst=%ld\n",
			     what, s, d, n, back, k, k < AREA ? area[k] : 0,
			     k < AREA ? want[k] : 0, r.cx,
			     (long)(r.si - (uint64_t)(area + s)),
			     (long)(r.di - (uint64_t)(area + d)));
}

static const uint64_t big[] = {127, 128, 255, 256, 1000, 4095, 4096, 5000};

static void sizes(const char *what, unsigned s, unsigned d, bool back)
{
	for (uint64_t n = 0; n <= 80; n++)
		one(what, s, d, n, back);
	for (unsigned k = 0; k < sizeof(big) / sizeof(big[0]); k++)
		if (big[k] + 0x100 < AREA - (s > d ? s : d))
			one(what, s, d, big[k], back);
}

void check_movsb(void)
{
	unsigned before = fails;

	sizes("apart", 0x100, 0x2100, false);
	check("movsb-forward-apart", fails == before, "%u cases failed",
	      fails - before);
	before = fails;
	for (unsigned delta = 1; delta <= 40; delta++)
		sizes("dst<src", 0x800 + delta, 0x800, false);
	check("movsb-forward-overlap-dst-below", fails == before,
	      "%u cases failed", fails - before);
	before = fails;
	for (unsigned delta = 1; delta <= 40; delta++)
		sizes("dst>src", 0x800, 0x800 + delta, false);
	check("movsb-forward-overlap-dst-above", fails == before,
	      "%u cases failed", fails - before);
	before = fails;
	for (unsigned o = 0xfd0; o <= 0x1000; o++)
		sizes("page", o, o + 0x2000 - 0x30, false);
	check("movsb-forward-page-cross", fails == before, "%u cases failed",
	      fails - before);
	before = fails;
	sizes("back", 0x2100, 0x3100, true);
	for (unsigned delta = 1; delta <= 20; delta++)
		sizes("back-ovl", 0x2800, 0x2800 + delta, true);
	check("movsb-backward", fails == before, "%u cases failed",
	      fails - before);
}
