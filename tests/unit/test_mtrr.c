/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mm/mtrr.c on the host: MTRR layouts as firmware leaves them, and the memory
 * type EPT01 must give each guest-physical range (SDM Vol. 3A 12.11).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "mm/mtrr.h"

#define KIB 0x400ull
#define MIB 0x100000ull
#define GIB 0x40000000ull
#define PAGE (4 * KIB)

#define DEF_E  MTRR_DEF_TYPE_E
#define DEF_FE MTRR_DEF_TYPE_FE

/* One type in all eight bytes of a fixed-range MSR. */
static uint64_t fixed8(uint8_t t)
{
	return 0x0101010101010101ull * t;
}

/* A variable pair for the aligned power-of-two range [base, base+size). */
static void set_var(struct mtrr_state *s, unsigned n, uint64_t base,
		    uint64_t size, uint8_t type)
{
	uint64_t am = ((1ull << s->phys_bits) - 1) & ~0xfffull;

	s->var[n].base = base | type;
	s->var[n].mask = (~(size - 1) & am) | MTRR_PHYSMASK_V;
}

static int type_of(const struct mtrr_state *s, uint64_t start, uint64_t size)
{
	return mtrr_range_type(s, start, size);
}

/*
 * What OVMF leaves on QEMU: MTRRs and fixed ranges on, default WB, one
 * variable UC range over the 32-bit PCI hole [2 GiB, 4 GiB); below 1 MiB RAM
 * WB, the VGA window UC, option ROMs WP, a 4 KiB-granular mix in E0000.
 */
static struct mtrr_state ovmf_layout(void)
{
	struct mtrr_state s = {
		.cap = 0x508, /* WC, FIX, VCNT 8 */
		.def_type = DEF_E | DEF_FE | MTRR_WB,
		.phys_bits = 40,
	};

	s.fixed[0] = fixed8(MTRR_WB); /* 00000-7FFFF */
	s.fixed[1] = fixed8(MTRR_WB); /* 80000-9FFFF */
	s.fixed[2] = fixed8(MTRR_UC); /* A0000-BFFFF */
	for (int i = 3; i < MTRR_FIXED_MSRS; i++)
		s.fixed[i] = fixed8(MTRR_WP); /* C0000-FFFFF */
	/* 4K_E0000: E0000-E3FFF UC, E4000-E7FFF WP */
	s.fixed[7] = 0x0505050500000000ull;
	set_var(&s, 0, 2 * GIB, 2 * GIB, MTRR_UC);
	return s;
}

static void ovmf_default_wb_with_pci_hole(void **state)
{
	(void)state;
	struct mtrr_state s = ovmf_layout();

	/* RAM below the hole, at every EPT page size */
	assert_int_equal(type_of(&s, MIB, 2 * GIB - MIB), MTRR_WB);
	assert_int_equal(type_of(&s, GIB, GIB), MTRR_WB);
	assert_int_equal(type_of(&s, 0x40200000, 2 * MIB), MTRR_WB);
	assert_int_equal(type_of(&s, 2 * GIB - 4 * KIB, 4 * KIB), MTRR_WB);
	/* the hole: MMIO, APIC, flash */
	assert_int_equal(type_of(&s, 2 * GIB, 2 * GIB), MTRR_UC);
	assert_int_equal(type_of(&s, 3 * GIB, GIB), MTRR_UC);
	assert_int_equal(type_of(&s, 0xfee00000, 2 * MIB), MTRR_UC);
	assert_int_equal(type_of(&s, 4 * GIB - 4 * KIB, 4 * KIB), MTRR_UC);
	/* above it RAM again, as one stretch */
	assert_int_equal(type_of(&s, 4 * GIB, 60 * GIB), MTRR_WB);
	assert_int_equal(type_of(&s, 4 * GIB, 4 * KIB), MTRR_WB);
	/* ranges over an edge of the hole */
	assert_int_equal(type_of(&s, GIB, 2 * GIB), -1);
	assert_int_equal(type_of(&s, 2 * GIB - 2 * MIB, 4 * MIB), -1);
	assert_int_equal(type_of(&s, 3 * GIB, 2 * GIB), -1);
	assert_int_equal(type_of(&s, 4 * GIB - 4 * KIB, 8 * KIB), -1);
	/* the first GiB holds the VGA window */
	assert_int_equal(type_of(&s, 0, GIB), -1);
	assert_int_equal(type_of(&s, 0, 2 * MIB), -1);
}

static void ovmf_fixed_ranges_below_1m(void **state)
{
	(void)state;
	struct mtrr_state s = ovmf_layout();

	/* 64 KiB and 16 KiB pieces of one type read as one */
	assert_int_equal(type_of(&s, 0, 0xa0000), MTRR_WB);
	assert_int_equal(type_of(&s, 0x9f000, 4 * KIB), MTRR_WB);
	assert_int_equal(type_of(&s, 0xa0000, 0x20000), MTRR_UC);
	assert_int_equal(type_of(&s, 0xbf000, 4 * KIB), MTRR_UC);
	assert_int_equal(type_of(&s, 0x9f000, 8 * KIB), -1);
	assert_int_equal(type_of(&s, 0xbf000, 8 * KIB), -1);
	assert_int_equal(type_of(&s, 0xc0000, 0x20000), MTRR_WP);
	/* the byte-granular 4K_E0000 MSR */
	assert_int_equal(type_of(&s, 0xe0000, 16 * KIB), MTRR_UC);
	assert_int_equal(type_of(&s, 0xe3000, 4 * KIB), MTRR_UC);
	assert_int_equal(type_of(&s, 0xe4000, 4 * KIB), MTRR_WP);
	assert_int_equal(type_of(&s, 0xe4000, 0x1c000), MTRR_WP);
	assert_int_equal(type_of(&s, 0xe2000, 16 * KIB), -1);
	assert_int_equal(type_of(&s, 0xc0000, 0x40000), -1);
}

/* Firmware of the other school: default UC, RAM described by WB ranges. */
static void default_uc_with_wb_ram(void **state)
{
	(void)state;
	struct mtrr_state s = {
		.cap = MTRRCAP_FIX | 8,
		.def_type = DEF_E | DEF_FE | MTRR_UC,
		.phys_bits = 39,
	};

	for (int i = 0; i < MTRR_FIXED_MSRS; i++)
		s.fixed[i] = fixed8(MTRR_WB);
	set_var(&s, 0, 0, 2 * GIB, MTRR_WB);
	set_var(&s, 1, 2 * GIB, GIB, MTRR_WB);
	set_var(&s, 2, 4 * GIB, 4 * GIB, MTRR_WB);

	/* two WB ranges meeting at 2 GiB: one type across the seam */
	assert_int_equal(type_of(&s, 0, 3 * GIB), MTRR_WB);
	assert_int_equal(type_of(&s, 2 * GIB - 2 * MIB, 4 * MIB), MTRR_WB);
	/* unmatched: the default */
	assert_int_equal(type_of(&s, 3 * GIB, GIB), MTRR_UC);
	assert_int_equal(type_of(&s, 8 * GIB, 8 * GIB), MTRR_UC);
	assert_int_equal(type_of(&s, 4 * GIB, 4 * GIB), MTRR_WB);
	assert_int_equal(type_of(&s, 5 * GIB + 2 * MIB, 2 * MIB), MTRR_WB);
	assert_int_equal(type_of(&s, 3 * GIB - 2 * MIB, 4 * MIB), -1);
	assert_int_equal(type_of(&s, 7 * GIB, 2 * GIB), -1);
	assert_int_equal(type_of(&s, 4 * GIB - 4 * KIB, 8 * KIB), -1);
}

static void disabled_mtrrs_are_uc(void **state)
{
	(void)state;
	struct mtrr_state s = ovmf_layout();

	s.def_type &= ~DEF_E; /* FE and the WB default stay, unused */
	assert_int_equal(type_of(&s, 0, 1ull << 40), MTRR_UC);
	assert_int_equal(type_of(&s, 0, MIB), MTRR_UC);
	assert_int_equal(type_of(&s, GIB, GIB), MTRR_UC);
	assert_int_equal(type_of(&s, 4 * GIB, 2 * MIB), MTRR_UC);

	/* what mtrr_read leaves on a CPU without MTRRs */
	struct mtrr_state none = { .phys_bits = 36 };

	assert_int_equal(type_of(&none, 0, 64 * GIB), MTRR_UC);
}

static void overlap_uc_wins(void **state)
{
	(void)state;
	struct mtrr_state s = {
		.cap = 8,
		.def_type = DEF_E | MTRR_WB,
		.phys_bits = 36,
	};

	set_var(&s, 0, 0, 4 * GIB, MTRR_WB);
	set_var(&s, 1, 3 * GIB, GIB, MTRR_UC);
	assert_int_equal(type_of(&s, 3 * GIB, GIB), MTRR_UC);
	assert_int_equal(type_of(&s, 0xfee00000, 4 * KIB), MTRR_UC);
	assert_int_equal(type_of(&s, 0, 3 * GIB), MTRR_WB);
	assert_int_equal(type_of(&s, 2 * GIB, 2 * GIB), -1);

	/* the order of the pairs does not matter */
	struct mtrr_state r = s;

	r.var[0] = s.var[1];
	r.var[1] = s.var[0];
	assert_int_equal(type_of(&r, 3 * GIB, GIB), MTRR_UC);
	assert_int_equal(type_of(&r, 0, 3 * GIB), MTRR_WB);

	/* UC beats WT and WC just the same */
	set_var(&s, 0, 0, 4 * GIB, MTRR_WT);
	assert_int_equal(type_of(&s, 3 * GIB, GIB), MTRR_UC);
	set_var(&s, 0, 0, 4 * GIB, MTRR_WC);
	assert_int_equal(type_of(&s, 3 * GIB, GIB), MTRR_UC);
	assert_int_equal(type_of(&s, 0, GIB), MTRR_WC);
}

static void wt_beats_wb_other_mixes_uc(void **state)
{
	(void)state;
	struct mtrr_state s = {
		.cap = 8,
		.def_type = DEF_E | MTRR_UC,
		.phys_bits = 36,
	};

	set_var(&s, 0, 0, 4 * GIB, MTRR_WB);
	set_var(&s, 1, GIB, GIB, MTRR_WT);
	assert_int_equal(type_of(&s, GIB, GIB), MTRR_WT);
	assert_int_equal(type_of(&s, GIB + 2 * MIB, 2 * MIB), MTRR_WT);
	assert_int_equal(type_of(&s, 0, GIB), MTRR_WB);
	assert_int_equal(type_of(&s, 2 * GIB, 2 * GIB), MTRR_WB);
	assert_int_equal(type_of(&s, 0, 2 * GIB), -1);
	/* and the other way round */
	set_var(&s, 0, 0, 4 * GIB, MTRR_WT);
	set_var(&s, 1, GIB, GIB, MTRR_WB);
	assert_int_equal(type_of(&s, GIB, GIB), MTRR_WT);
	assert_int_equal(type_of(&s, 0, 4 * GIB), MTRR_WT);
	/* three ranges, WT WB WB: still WT */
	set_var(&s, 2, GIB, GIB, MTRR_WB);
	assert_int_equal(type_of(&s, GIB, GIB), MTRR_WT);

	/* mixes the SDM leaves undefined come out UC */
	set_var(&s, 0, 0, 4 * GIB, MTRR_WB);
	set_var(&s, 1, GIB, GIB, MTRR_WC);
	s.var[2] = (struct mtrr_var){ 0 };
	assert_int_equal(type_of(&s, GIB, GIB), MTRR_UC);
	set_var(&s, 1, GIB, GIB, MTRR_WP);
	assert_int_equal(type_of(&s, GIB, GIB), MTRR_UC);
	set_var(&s, 0, 0, 4 * GIB, MTRR_WT);
	assert_int_equal(type_of(&s, GIB, GIB), MTRR_UC);
	assert_int_equal(type_of(&s, 0, GIB), MTRR_WT);
	/* a range with V clear takes no part */
	s.var[1].mask &= ~MTRR_PHYSMASK_V;
	assert_int_equal(type_of(&s, 0, 4 * GIB), MTRR_WT);
}

static void odd_sizes_and_edges(void **state)
{
	(void)state;
	struct mtrr_state s = ovmf_layout();

	/* not page-aligned: still typed within one page */
	assert_int_equal(type_of(&s, 2 * GIB - 0x800, 0x800), MTRR_WB);
	assert_int_equal(type_of(&s, 2 * GIB - 0x800, 0x801), -1);
	assert_int_equal(type_of(&s, 2 * GIB, 1), MTRR_UC);
	assert_int_equal(type_of(&s, 2 * GIB - 1, 1), MTRR_WB);
	/* empty and wrapping ranges have no type */
	assert_int_equal(type_of(&s, GIB, 0), -1);
	assert_int_equal(type_of(&s, ~0ull - 4 * KIB + 1, 8 * KIB), -1);
	/* but one ending exactly at 2^64 does; it aliases below 2^40 */
	assert_int_equal(type_of(&s, ~0ull - 4 * KIB + 1, 4 * KIB), MTRR_WB);
}

static void crossing_1m_from_fixed_into_variable(void **state)
{
	(void)state;
	struct mtrr_state s = {
		.cap = MTRRCAP_FIX | 8,
		.def_type = DEF_E | DEF_FE | MTRR_WB,
		.phys_bits = 36,
	};

	for (int i = 0; i < MTRR_FIXED_MSRS; i++)
		s.fixed[i] = fixed8(MTRR_WB);
	/* a UC variable range over [0, 2 MiB): the fixed ranges win below 1M */
	set_var(&s, 0, 0, 2 * MIB, MTRR_UC);
	assert_int_equal(type_of(&s, 0, MIB), MTRR_WB);
	assert_int_equal(type_of(&s, 0xff000, 4 * KIB), MTRR_WB);
	assert_int_equal(type_of(&s, MIB, MIB), MTRR_UC);
	assert_int_equal(type_of(&s, 0xff000, 8 * KIB), -1);
	assert_int_equal(type_of(&s, 0, 2 * MIB), -1);

	/* the same type on both sides of 1 MiB: one type */
	s.var[0] = (struct mtrr_var){ 0 };
	assert_int_equal(type_of(&s, 0, 2 * MIB), MTRR_WB);
	assert_int_equal(type_of(&s, 0, GIB), MTRR_WB);
	s.fixed[10] = fixed8(MTRR_WP); /* F8000-FFFFF */
	assert_int_equal(type_of(&s, 0, 2 * MIB), -1);
	assert_int_equal(type_of(&s, 0xf8000, 32 * KIB), MTRR_WP);
	assert_int_equal(type_of(&s, MIB, MIB), MTRR_WB);
}

/* FE clear, or no fixed-range MSRs at all: the variable ranges rule [0, 1M). */
static void fixed_off_means_variable_below_1m(void **state)
{
	(void)state;
	struct mtrr_state s = {
		.cap = MTRRCAP_FIX | 8,
		.def_type = DEF_E | MTRR_WB,
		.phys_bits = 36,
	};

	for (int i = 0; i < MTRR_FIXED_MSRS; i++)
		s.fixed[i] = fixed8(MTRR_UC);
	assert_int_equal(type_of(&s, 0, 2 * MIB), MTRR_WB);
	assert_int_equal(type_of(&s, 0xa0000, 4 * KIB), MTRR_WB);
	set_var(&s, 0, 0xa0000, 128 * KIB, MTRR_UC);
	assert_int_equal(type_of(&s, 0xa0000, 128 * KIB), MTRR_UC);
	assert_int_equal(type_of(&s, 0x80000, 128 * KIB), MTRR_WB);
	assert_int_equal(type_of(&s, 0, 2 * MIB), -1);

	s.def_type |= DEF_FE;
	s.cap &= ~MTRRCAP_FIX;
	assert_int_equal(type_of(&s, 0x80000, 128 * KIB), MTRR_WB);
	assert_int_equal(type_of(&s, 0xa0000, 128 * KIB), MTRR_UC);
	/* and with both on the fixed UC shows */
	s.cap |= MTRRCAP_FIX;
	assert_int_equal(type_of(&s, 0x80000, 128 * KIB), MTRR_UC);
}

/* Every fixed sub-range lands on its own byte (SDM Vol. 3A 12.11.2.2). */
static void fixed_sub_range_indexing(void **state)
{
	(void)state;
	static const uint8_t types[] = { MTRR_UC, MTRR_WC, MTRR_WT, MTRR_WP,
					 MTRR_WB };
	struct mtrr_state s = {
		.cap = MTRRCAP_FIX,
		.def_type = DEF_E | DEF_FE | MTRR_WB,
		.phys_bits = 36,
	};
	uint64_t start[88], size[88];
	unsigned g = 0;

	for (unsigned i = 0; i < 8; i++, g++) {
		start[g] = i * 64 * KIB;
		size[g] = 64 * KIB;
	}
	for (unsigned i = 0; i < 16; i++, g++) {
		start[g] = 0x80000 + i * 16 * KIB;
		size[g] = 16 * KIB;
	}
	for (unsigned i = 0; i < 64; i++, g++) {
		start[g] = 0xc0000 + i * 4 * KIB;
		size[g] = 4 * KIB;
	}
	for (g = 0; g < 88; g++)
		s.fixed[g / 8] |= (uint64_t)types[g % 5] << (8 * (g % 8));

	for (g = 0; g < 88; g++) {
		uint64_t last_page = start[g] + size[g] - 4 * KIB;

		assert_int_equal(type_of(&s, start[g], size[g]), types[g % 5]);
		assert_int_equal(type_of(&s, last_page, 4 * KIB), types[g % 5]);
		if (g)
			assert_int_equal(type_of(&s, start[g] - 4 * KIB,
						 8 * KIB),
					 -1);
	}
}

/*
 * PHYSBASE/PHYSMASK compare bits MAXPHYADDR-1:12 only (SDM Vol. 3A
 * 12.11.2.3): mask bits above the width do not make addresses above 2^width
 * miss, and base bits there do not make every address miss.
 */
static void phys_width_limits_the_mask(void **state)
{
	(void)state;
	struct mtrr_state s = {
		.cap = 8,
		.def_type = DEF_E | MTRR_WB,
		.phys_bits = 36,
	};

	/* a mask written for a 64-bit width */
	s.var[0].base = 2 * GIB | MTRR_UC;
	s.var[0].mask = ~(2 * GIB - 1) | MTRR_PHYSMASK_V;
	assert_int_equal(type_of(&s, 2 * GIB, 2 * GIB), MTRR_UC);
	assert_int_equal(type_of(&s, 0, 2 * GIB), MTRR_WB);
	/* 64 GiB + 2 GiB is 2 GiB again on a 36-bit machine */
	assert_int_equal(type_of(&s, 66 * GIB, 2 * GIB), MTRR_UC);
	assert_int_equal(type_of(&s, 64 * GIB, 2 * GIB), MTRR_WB);
	assert_int_equal(type_of(&s, 65 * GIB, 2 * GIB), -1);
	/* phys_bits 0 means the architectural default, 36 */
	s.phys_bits = 0;
	assert_int_equal(type_of(&s, 66 * GIB, 2 * GIB), MTRR_UC);
	/* on a 40-bit machine the same address is above the range */
	s.phys_bits = 40;
	assert_int_equal(type_of(&s, 66 * GIB, 2 * GIB), MTRR_WB);

	/* stray base bits above the width */
	s.phys_bits = 36;
	s.var[0].base = (1ull << 40) | 2 * GIB | MTRR_UC;
	assert_int_equal(type_of(&s, 2 * GIB, 2 * GIB), MTRR_UC);
}

static void vcnt_limits_the_pairs(void **state)
{
	(void)state;
	struct mtrr_state s = {
		.cap = 2,
		.def_type = DEF_E | MTRR_WB,
		.phys_bits = 36,
	};

	set_var(&s, 0, 2 * GIB, GIB, MTRR_UC);
	set_var(&s, 1, 3 * GIB, GIB, MTRR_UC);
	set_var(&s, 2, 0, GIB, MTRR_UC); /* filled, but beyond VCNT */
	assert_int_equal(type_of(&s, 0, GIB), MTRR_WB);
	assert_int_equal(type_of(&s, 0, 2 * GIB), MTRR_WB);
	assert_int_equal(type_of(&s, 2 * GIB, 2 * GIB), MTRR_UC);
	s.cap = 3;
	assert_int_equal(type_of(&s, 0, GIB), MTRR_UC);
	s.cap = 0;
	assert_int_equal(type_of(&s, 0, 4 * GIB), MTRR_WB);

	/* VCNT above 16: the 16 pairs we have, and no further */
	s.cap = 0xff;
	set_var(&s, 15, 4 * GIB, 4 * GIB, MTRR_UC);
	assert_int_equal(type_of(&s, 4 * GIB, 4 * GIB), MTRR_UC);
	assert_int_equal(type_of(&s, 8 * GIB, 8 * GIB), MTRR_WB);
	assert_int_equal(mtrr_var_count(&s), 16);
}

/*
 * Non-contiguous masks are legal. 4 KiB pages get their exact type; a larger
 * range such a mask covers only in part gets -1, even where the types would
 * happen to agree, so the caller splits it (see var_type in mm/mtrr.c).
 */
static void non_contiguous_mask(void **state)
{
	(void)state;
	struct mtrr_state s = {
		.cap = 8,
		.def_type = DEF_E | MTRR_WB,
		.phys_bits = 36,
	};

	/* bits 35:32 and 30 compared: [1G, 2G) and [3G, 4G), and aliases */
	s.var[0].base = GIB | MTRR_UC;
	s.var[0].mask = 0xf40000000ull | MTRR_PHYSMASK_V;
	assert_int_equal(type_of(&s, GIB, GIB), MTRR_UC);
	assert_int_equal(type_of(&s, 3 * GIB, GIB), MTRR_UC);
	assert_int_equal(type_of(&s, 3 * GIB + 2 * MIB, 2 * MIB), MTRR_UC);
	assert_int_equal(type_of(&s, 0, GIB), MTRR_WB);
	assert_int_equal(type_of(&s, 2 * GIB, GIB), MTRR_WB);
	/* the next match after 4 GiB is the alias at 65 GiB */
	assert_int_equal(type_of(&s, 4 * GIB, 61 * GIB), MTRR_WB);
	assert_int_equal(type_of(&s, 65 * GIB, GIB), MTRR_UC);
	assert_int_equal(type_of(&s, 4 * GIB, 62 * GIB), -1);
	assert_int_equal(type_of(&s, 0, 4 * GIB), -1);
	assert_int_equal(type_of(&s, 2 * GIB, 2 * GIB), -1);

	/* bits 35:14 and 12: pages 0x100000 and 0x102000 only */
	s.var[0].base = 0x100000 | MTRR_UC;
	s.var[0].mask = (0xfffffc000ull | 0x1000) | MTRR_PHYSMASK_V;
	assert_int_equal(type_of(&s, 0x100000, 4 * KIB), MTRR_UC);
	assert_int_equal(type_of(&s, 0x101000, 4 * KIB), MTRR_WB);
	assert_int_equal(type_of(&s, 0x102000, 4 * KIB), MTRR_UC);
	assert_int_equal(type_of(&s, 0x103000, 4 * KIB), MTRR_WB);
	assert_int_equal(type_of(&s, 0x100000, 8 * KIB), -1);
	assert_int_equal(type_of(&s, 0x104000, 0xfc000), MTRR_WB);
	assert_int_equal(type_of(&s, 2 * MIB, 2 * MIB), MTRR_WB);
	assert_int_equal(type_of(&s, 0, 2 * MIB), -1);
	/* the same with bit 12 set in the base: pages 0x101000 and 0x103000 */
	s.var[0].base = 0x101000 | MTRR_UC;
	assert_int_equal(type_of(&s, 0x101000, 4 * KIB), MTRR_UC);
	assert_int_equal(type_of(&s, 0x103000, 4 * KIB), MTRR_UC);
	assert_int_equal(type_of(&s, 0x100000, 4 * KIB), MTRR_WB);
	assert_int_equal(type_of(&s, 0, 0x101000), MTRR_WB);
	assert_int_equal(type_of(&s, 0, 0x102000), -1);

	/* a WB one over a WB default: uniform, but not provably so cheaply */
	s.var[0].base = 0x100000 | MTRR_WB;
	assert_int_equal(type_of(&s, 0x100000, 4 * KIB), MTRR_WB);
	assert_int_equal(type_of(&s, 0x100000, 16 * KIB), -1);

	/* a mask made for 36 bits on a 46-bit machine is non-contiguous */
	s.phys_bits = 46;
	set_var(&s, 0, 2 * GIB, 2 * GIB, MTRR_UC);
	s.var[0].mask &= 0xfffffffffull | MTRR_PHYSMASK_V;
	assert_int_equal(type_of(&s, 2 * GIB, 2 * GIB), MTRR_UC);
	assert_int_equal(type_of(&s, 66 * GIB, 2 * GIB), MTRR_UC);
	assert_int_equal(type_of(&s, 64 * GIB, 2 * GIB), MTRR_WB);
	assert_int_equal(type_of(&s, 0, 128 * GIB), -1);
}

/* --- against a page-by-page model of SDM Vol. 3A 12.11.4.1 --- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int model_page(const struct mtrr_state *s, uint64_t pa)
{
	static const uint64_t fixed_base[] = { 0, 0x80000, 0xc0000 };
	static const unsigned fixed_shift[] = { 16, 14, 12 };
	static const unsigned fixed_first[] = { 0, 1, 3 };
	uint64_t am = ((1ull << s->phys_bits) - 1) & ~0xfffull;
	int t = -1;

	if (!(s->def_type & DEF_E))
		return MTRR_UC;
	if (pa < MIB && (s->def_type & DEF_FE) && (s->cap & MTRRCAP_FIX)) {
		int k = pa < 0x80000 ? 0 : pa < 0xc0000 ? 1 : 2;
		uint64_t idx = (pa - fixed_base[k]) >> fixed_shift[k];

		return (s->fixed[fixed_first[k] + idx / 8] >> (8 * (idx % 8))) &
		       0xff;
	}
	for (unsigned n = 0; n < (s->cap & 0xff) && n < 16; n++) {
		uint64_t m = s->var[n].mask & am;
		int rt = s->var[n].base & 0xff;

		if (!(s->var[n].mask & MTRR_PHYSMASK_V) ||
		    (pa & m) != (s->var[n].base & m))
			continue;
		if (t < 0 || t == rt)
			t = rt;
		else if (t == MTRR_UC || rt == MTRR_UC)
			t = MTRR_UC;
		else if ((t == MTRR_WT || t == MTRR_WB) &&
			 (rt == MTRR_WT || rt == MTRR_WB))
			t = MTRR_WT;
		else
			t = MTRR_UC;
	}
	return t < 0 ? (int)(s->def_type & 0xff) : t;
}

static int model_range(const struct mtrr_state *s, uint64_t start,
		       uint64_t pages)
{
	int t = model_page(s, start);

	for (uint64_t i = 1; i < pages; i++)
		if (model_page(s, start + i * PAGE) != t)
			return -1;
	return t;
}

/*
 * Random layouts of power-of-two ranges in the first 16 MiB, at 4 KiB grain
 * so the model can walk them; contiguous masks must match the model exactly.
 * In the second half a mask bit is knocked out of some ranges: an answer
 * other than -1 must still be right, and single pages exact.
 */
static void random_layouts_match_the_model(void **state)
{
	(void)state;
	static const uint8_t types[] = { MTRR_UC, MTRR_WC, MTRR_WT, MTRR_WP,
					 MTRR_WB };
	unsigned uniform = 0, typed = 0, queries = 0;

	for (int round = 0; round < 400; round++) {
		struct mtrr_state s = {
			.cap = MTRRCAP_FIX | (4 + next_rand() % 5),
			.def_type = DEF_E | types[next_rand() % 5],
			.phys_bits = 36,
		};
		bool holes = round >= 200;

		if (next_rand() % 2)
			s.def_type |= DEF_FE;
		for (int i = 0; i < MTRR_FIXED_MSRS; i++)
			s.fixed[i] = fixed8(types[next_rand() % 2 + 3]);
		for (unsigned n = 0; n < 8; n++) {
			unsigned order = 14 + next_rand() % 10; /* to 8 MiB */
			uint64_t size = 1ull << order;
			uint64_t base = next_rand() % (16 * MIB) & ~(size - 1);
			uint64_t hole = 1ull << (22 + next_rand() % 2);

			set_var(&s, n, base, size, types[next_rand() % 5]);
			if (holes && order < 22 && next_rand() % 2)
				s.var[n].mask &= ~hole;
		}
		for (int q = 0; q < 20; q++, queries++) {
			unsigned order = 14 + next_rand() % 10; /* to 8 MiB */
			uint64_t size = 1ull << order;
			uint64_t start = next_rand() % (16 * MIB) & ~(size - 1);
			uint64_t pg = start + next_rand() % size / PAGE * PAGE;
			int want = model_range(&s, start, size / PAGE);
			int got = mtrr_range_type(&s, start, size);

			if (!holes || got != -1)
				assert_int_equal(got, want);
			uniform += want != -1;
			typed += got != -1;
			assert_int_equal(mtrr_range_type(&s, pg, PAGE),
					 model_page(&s, pg));
		}
	}
	/* the draw has plenty of both outcomes */
	assert_true(uniform > queries / 10 && uniform < queries * 9 / 10);
	assert_true(typed > queries / 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ovmf_default_wb_with_pci_hole),
		cmocka_unit_test(ovmf_fixed_ranges_below_1m),
		cmocka_unit_test(default_uc_with_wb_ram),
		cmocka_unit_test(disabled_mtrrs_are_uc),
		cmocka_unit_test(overlap_uc_wins),
		cmocka_unit_test(wt_beats_wb_other_mixes_uc),
		cmocka_unit_test(odd_sizes_and_edges),
		cmocka_unit_test(crossing_1m_from_fixed_into_variable),
		cmocka_unit_test(fixed_off_means_variable_below_1m),
		cmocka_unit_test(fixed_sub_range_indexing),
		cmocka_unit_test(phys_width_limits_the_mask),
		cmocka_unit_test(vcnt_limits_the_pairs),
		cmocka_unit_test(non_contiguous_mask),
		cmocka_unit_test(random_layouts_match_the_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
