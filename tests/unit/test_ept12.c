/* SPDX-License-Identifier: Apache-2.0 */
/*
 * nested/ept12.c: EPT12 tables built in a host buffer that stands for L1's
 * guest-physical memory, walked for each page size, with every
 * misconfiguration kind, a not-present entry at each level, permission
 * intersections and refused reads; plus the EPTP checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nested/ept12.h"

#define R 0x1ull
#define W 0x2ull
#define X 0x4ull
#define RWX 0x7ull
#define PS (1ull << 7)
#define IPAT (1ull << 6)
#define MT(t) ((uint64_t)(t) << 3)
#define MT_UC 0
#define MT_WB 6

#define KIB4 0x1000ull
#define MIB2 0x200000ull
#define GIB1 0x40000000ull

/* L1 memory 0..MEM_SIZE; the tables sit at fixed pages in it. */
#define MEM_SIZE 0x10000
#define PML4 0x1000ull
#define PDPT 0x2000ull
#define PD 0x3000ull
#define PT 0x4000ull
#define EPTP (PML4 | MT_WB | (3ull << 3))

/* An address with a different index at every level and a page offset. */
#define GPA ((5ull << 39) | (6ull << 30) | (7ull << 21) | (8ull << 12) | 0xabc)

static uint8_t mem[MEM_SIZE];
static unsigned reads;

static const struct ept12_caps caps_all = {
	.exec_only = true, .large_2m = true, .large_1g = true, .phys_bits = 40,
};

static bool read64(void *ctx, uint64_t gpa, uint64_t *value)
{
	(void)ctx;
	/* a walker reads whole aligned entries */
	assert_int_equal(gpa & 7, 0);
	reads++;
	if (gpa >= MEM_SIZE)
		return false;
	memcpy(value, mem + gpa, 8);
	return true;
}

static void reset(void)
{
	memset(mem, 0, sizeof(mem));
	reads = 0;
}

/* The entry for gpa at level (4 = PML4E ... 1 = PTE) of the table at t. */
static void set_entry(uint64_t t, uint64_t gpa, unsigned level, uint64_t e)
{
	uint64_t idx = (gpa >> (12 + 9 * (level - 1))) & 511;

	memcpy(mem + t + idx * 8, &e, 8);
}

/* Non-leaf entries with all permissions down to level stop+1. */
static void path_to(uint64_t gpa, unsigned stop)
{
	if (stop < 4)
		set_entry(PML4, gpa, 4, PDPT | RWX);
	if (stop < 3)
		set_entry(PDPT, gpa, 3, PD | RWX);
	if (stop < 2)
		set_entry(PD, gpa, 2, PT | RWX);
}

static uint64_t table_at(unsigned level)
{
	static const uint64_t t[] = { 0, PT, PD, PDPT, PML4 };

	return t[level];
}

static struct ept12_result res;

static void walk_c(uint64_t gpa, unsigned access, const struct ept12_caps *c)
{
	/* garbage, so that a field the walk forgets to set shows */
	memset(&res, 0xa5, sizeof(res));
	ept12_walk(EPTP, gpa, access, c, read64, NULL, &res);
}

static void walk(uint64_t gpa, unsigned access)
{
	walk_c(gpa, access, &caps_all);
}

static void expect_ok(uint64_t l1_gpa, uint64_t size, unsigned perms,
		      unsigned level)
{
	assert_int_equal(res.status, EPT12_OK);
	assert_int_equal(res.l1_gpa, l1_gpa);
	assert_int_equal(res.page_size, size);
	assert_int_equal(res.perms, perms);
	assert_int_equal(res.level, level);
}

static void expect_status(int status, unsigned level, uint64_t entry)
{
	assert_int_equal(res.status, status);
	assert_int_equal(res.level, level);
	assert_int_equal(res.entry, entry);
}

static void eptp_checks(void **state)
{
	struct ept12_caps c = caps_all;
	unsigned mt, len, bit;

	(void)state;
	assert_true(ept12_eptp_valid(EPTP, &c));
	assert_true(ept12_eptp_valid(PML4 | MT_UC | (3ull << 3), &c));
	for (mt = 0; mt < 8; mt++)
		assert_int_equal(ept12_eptp_valid(PML4 | mt | (3ull << 3), &c),
				 mt == MT_UC || mt == MT_WB);
	/* only a 4-level walk; 5-level (length 5) is not offered */
	for (len = 0; len < 8; len++)
		assert_int_equal(ept12_eptp_valid(PML4 | MT_WB | (len << 3), &c),
				 len == 3);
	/* A/D enable (6), shadow-stack control (7) and reserved 11:8 */
	for (bit = 6; bit < 12; bit++)
		assert_false(ept12_eptp_valid(EPTP | (1ull << bit), &c));
	/* the address may use every bit below MAXPHYADDR and none above */
	assert_true(ept12_eptp_valid(EPTP | (1ull << 39), &c));
	assert_false(ept12_eptp_valid(EPTP | (1ull << 40), &c));
	assert_false(ept12_eptp_valid(EPTP | (1ull << 51), &c));
	assert_false(ept12_eptp_valid(EPTP | (1ull << 63), &c));
	c.phys_bits = 52;
	assert_true(ept12_eptp_valid(EPTP | (1ull << 51), &c));
	/* bits 63:52 stay reserved in the EPTP even at MAXPHYADDR 52 */
	assert_false(ept12_eptp_valid(EPTP | (1ull << 52), &c));
	c.phys_bits = 36;
	assert_false(ept12_eptp_valid(EPTP | (1ull << 36), &c));
	assert_true(ept12_eptp_valid(EPTP | (1ull << 35), &c));
}

static void page_4k(void **state)
{
	uint64_t pte = 0xabcde000ull | RWX | MT(MT_WB) | IPAT;
	uint8_t before[MEM_SIZE];

	(void)state;
	reset();
	path_to(GPA, 1);
	set_entry(PT, GPA, 1, pte);
	memcpy(before, mem, sizeof(mem));
	walk(GPA, EPT12_READ | EPT12_WRITE);
	expect_ok(0xabcde000ull | 0xabc, KIB4, 7, 1);
	assert_int_equal(res.memtype, MT_WB);
	assert_true(res.ignore_pat);
	assert_int_equal(res.entry, pte);
	assert_int_equal(reads, 4);
	/* the walk never sets accessed or dirty flags */
	assert_memory_equal(before, mem, sizeof(mem));

	/* L2 addresses above bit 47 are L0's business: masked here */
	walk(GPA | (1ull << 48) | (1ull << 63), EPT12_FETCH);
	expect_ok(0xabcde000ull | 0xabc, KIB4, 7, 1);

	/* ignored bits: 11:7 of a PTE, 11:8 and 63:52 of every entry */
	set_entry(PML4, GPA, 4, PDPT | RWX | 0xf00ull | (0xfffull << 52));
	set_entry(PDPT, GPA, 3, PD | RWX | 0xf00ull | (1ull << 63));
	set_entry(PD, GPA, 2, PT | RWX | 0x300ull);
	set_entry(PT, GPA, 1, 0x12345000ull | R | X | MT(4) | 0xf80ull |
				      (0x7ffull << 53));
	walk(GPA, EPT12_READ);
	expect_ok(0x12345000ull | 0xabc, KIB4, R | X, 1);
	assert_int_equal(res.memtype, 4);
	assert_false(res.ignore_pat);
}

static void page_2m(void **state)
{
	(void)state;
	reset();
	path_to(GPA, 2);
	set_entry(PD, GPA, 2, 0x7fe00000ull | PS | RWX | MT(MT_UC));
	walk(GPA, EPT12_FETCH);
	expect_ok(0x7fe00000ull | (GPA & (MIB2 - 1)), MIB2, 7, 2);
	assert_int_equal(res.memtype, MT_UC);
	assert_false(res.ignore_pat);
	assert_int_equal(reads, 3);
	/* the highest 2 MiB page below MAXPHYADDR */
	set_entry(PD, GPA, 2, 0xffffe00000ull | PS | R | MT(MT_WB) | IPAT);
	walk(GPA, EPT12_READ);
	expect_ok(0xffffe00000ull | (GPA & (MIB2 - 1)), MIB2, R, 2);
	assert_int_equal(res.memtype, MT_WB);
	assert_true(res.ignore_pat);
}

static void page_1g(void **state)
{
	(void)state;
	reset();
	path_to(GPA, 3);
	set_entry(PDPT, GPA, 3, 0x3c0000000ull | PS | R | W | MT(5));
	walk(GPA, EPT12_WRITE);
	expect_ok(0x3c0000000ull | (GPA & (GIB1 - 1)), GIB1, R | W, 3);
	assert_int_equal(res.memtype, 5);
	assert_int_equal(reads, 2);
}

/* The permissions of the path are the AND of every level's. */
static void permissions_intersect(void **state)
{
	(void)state;
	reset();
	set_entry(PML4, GPA, 4, PDPT | RWX);
	set_entry(PDPT, GPA, 3, PD | R | X);
	set_entry(PD, GPA, 2, PT | R | W);
	set_entry(PT, GPA, 1, 0x5000ull | RWX | MT(MT_WB));
	walk(GPA, EPT12_READ);
	expect_ok(0x5abcull, KIB4, R, 1);
	walk(GPA, EPT12_WRITE);
	expect_status(EPT12_VIOLATION, 1, 0x5000ull | RWX | MT(MT_WB));
	assert_int_equal(res.perms, R);
	walk(GPA, EPT12_FETCH);
	assert_int_equal(res.status, EPT12_VIOLATION);
	assert_int_equal(res.perms, R);
	/* a read-modify-write needs both */
	walk(GPA, EPT12_READ | EPT12_WRITE);
	assert_int_equal(res.status, EPT12_VIOLATION);

	/* a leaf that is stricter than the path decides too */
	set_entry(PDPT, GPA, 3, PD | RWX);
	set_entry(PD, GPA, 2, PT | RWX);
	set_entry(PT, GPA, 1, 0x5000ull | R | W | MT(MT_WB));
	walk(GPA, EPT12_WRITE);
	expect_ok(0x5abcull, KIB4, R | W, 1);
	walk(GPA, EPT12_FETCH);
	assert_int_equal(res.status, EPT12_VIOLATION);
	assert_int_equal(res.perms, R | W);
}

static void exec_only(void **state)
{
	struct ept12_caps c = caps_all;
	unsigned level;

	(void)state;
	reset();
	path_to(GPA, 1);
	set_entry(PT, GPA, 1, 0x9000ull | X | MT(MT_WB));
	walk(GPA, EPT12_FETCH);
	expect_ok(0x9abcull, KIB4, X, 1);
	walk(GPA, EPT12_READ);
	assert_int_equal(res.status, EPT12_VIOLATION);
	assert_int_equal(res.perms, X);

	/* without the capability, X-only is a misconfiguration at any level */
	c.exec_only = false;
	walk_c(GPA, EPT12_FETCH, &c);
	expect_status(EPT12_MISCONFIG, 1, 0x9000ull | X | MT(MT_WB));
	set_entry(PT, GPA, 1, 0x9000ull | RWX | MT(MT_WB));
	for (level = 4; level >= 2; level--) {
		uint64_t e = table_at(level - 1) | X;

		path_to(GPA, 1);
		set_entry(table_at(level), GPA, level, e);
		walk_c(GPA, EPT12_FETCH, &c);
		expect_status(EPT12_MISCONFIG, level, e);
		walk(GPA, EPT12_FETCH);
		expect_ok(0x9abcull, KIB4, X, 1);
	}
}

/* Write without read is a misconfiguration at every level, even when the
 * access would also violate (misconfiguration wins). */
static void write_without_read(void **state)
{
	unsigned level;

	(void)state;
	for (level = 4; level >= 1; level--) {
		uint64_t e = (level == 1 ? 0x9000ull | MT(MT_WB) :
					   table_at(level - 1)) | W | X;

		reset();
		path_to(GPA, 1);
		set_entry(PT, GPA, 1, 0x9000ull | RWX | MT(MT_WB));
		set_entry(table_at(level), GPA, level, e);
		walk(GPA, EPT12_READ);
		expect_status(EPT12_MISCONFIG, level, e);
		set_entry(table_at(level), GPA, level, e & ~X);
		walk(GPA, EPT12_READ);
		expect_status(EPT12_MISCONFIG, level, e & ~X);
	}
}

/* Physical-address bits 51:MAXPHYADDR are reserved in every entry. */
static void high_address_bits(void **state)
{
	struct ept12_caps c = caps_all;
	unsigned level;

	(void)state;
	for (level = 4; level >= 1; level--) {
		uint64_t base = level == 1 ? 0x9000ull | MT(MT_WB) :
					     table_at(level - 1);

		reset();
		path_to(GPA, 1);
		set_entry(PT, GPA, 1, 0x9000ull | RWX | MT(MT_WB));
		set_entry(table_at(level), GPA, level, base | RWX | (1ull << 40));
		walk(GPA, EPT12_READ);
		expect_status(EPT12_MISCONFIG, level, base | RWX | (1ull << 40));
		set_entry(table_at(level), GPA, level, base | RWX | (1ull << 51));
		walk(GPA, EPT12_READ);
		assert_int_equal(res.status, EPT12_MISCONFIG);
		/* at MAXPHYADDR 52, bit 51 is an address bit */
		c.phys_bits = 52;
		walk_c(GPA, EPT12_READ, &c);
		if (level == 1)
			expect_ok((1ull << 51) | 0x9abcull, KIB4, 7, 1);
		else
			expect_status(EPT12_NO_MEMORY, level - 1, 0);
		c.phys_bits = 40;
	}
	/* a leaf address just below MAXPHYADDR is fine */
	set_entry(PT, GPA, 1, (1ull << 39) | 0x9000ull | RWX | MT(MT_WB));
	walk(GPA, EPT12_READ);
	expect_ok((1ull << 39) | 0x9abcull, KIB4, 7, 1);
}

/* Bits 7:3 of a PML4E, 6:3 of a non-leaf PDPTE or PDE (29.3.2). */
static void nonleaf_reserved_bits(void **state)
{
	unsigned level, bit;

	(void)state;
	for (level = 4; level >= 2; level--) {
		for (bit = 3; bit <= 7; bit++) {
			uint64_t e = table_at(level - 1) | RWX | (1ull << bit);

			if (bit == 7 && level != 4)
				continue; /* PS: a large page, tested below */
			reset();
			path_to(GPA, 1);
			set_entry(PT, GPA, 1, 0x9000ull | RWX | MT(MT_WB));
			set_entry(table_at(level), GPA, level, e);
			walk(GPA, EPT12_READ);
			expect_status(EPT12_MISCONFIG, level, e);
		}
	}
}

static void large_page_support(void **state)
{
	struct ept12_caps c = caps_all;
	uint64_t pdpte = 0x40000000ull | PS | RWX | MT(MT_WB);
	uint64_t pde = 0x200000ull | PS | RWX | MT(MT_WB);

	(void)state;
	reset();
	path_to(GPA, 3);
	set_entry(PDPT, GPA, 3, pdpte);
	c.large_1g = false;
	walk_c(GPA, EPT12_READ, &c);
	expect_status(EPT12_MISCONFIG, 3, pdpte);
	walk(GPA, EPT12_READ);
	assert_int_equal(res.status, EPT12_OK);

	path_to(GPA, 2);
	set_entry(PD, GPA, 2, pde);
	c = caps_all;
	c.large_2m = false;
	walk_c(GPA, EPT12_READ, &c);
	expect_status(EPT12_MISCONFIG, 2, pde);
	/* 1 GiB support alone does not allow 2 MiB leaves */
	c.large_1g = true;
	walk_c(GPA, EPT12_READ, &c);
	assert_int_equal(res.status, EPT12_MISCONFIG);
	walk(GPA, EPT12_READ);
	assert_int_equal(res.status, EPT12_OK);
}

/* The address bits below a large page's alignment are reserved. */
static void large_page_low_bits(void **state)
{
	static const unsigned bits_1g[] = { 12, 20, 21, 29 };
	static const unsigned bits_2m[] = { 12, 16, 20 };
	unsigned i;

	(void)state;
	reset();
	path_to(GPA, 3);
	for (i = 0; i < sizeof(bits_1g) / sizeof(bits_1g[0]); i++) {
		uint64_t e = 0x40000000ull | PS | RWX | MT(MT_WB) |
			     (1ull << bits_1g[i]);

		set_entry(PDPT, GPA, 3, e);
		walk(GPA, EPT12_READ);
		expect_status(EPT12_MISCONFIG, 3, e);
	}
	path_to(GPA, 2);
	for (i = 0; i < sizeof(bits_2m) / sizeof(bits_2m[0]); i++) {
		uint64_t e = 0x200000ull | PS | RWX | MT(MT_WB) |
			     (1ull << bits_2m[i]);

		set_entry(PD, GPA, 2, e);
		walk(GPA, EPT12_READ);
		expect_status(EPT12_MISCONFIG, 2, e);
	}
	/* bit 21 is an address bit of a 2 MiB page */
	set_entry(PD, GPA, 2, 0x200000ull | PS | RWX | MT(MT_WB));
	walk(GPA, EPT12_READ);
	expect_ok(0x200000ull | (GPA & (MIB2 - 1)), MIB2, 7, 2);
}

/* Leaf memory types 2, 3 and 7 are reserved; 0, 1, 4, 5, 6 are not. */
static void leaf_memory_types(void **state)
{
	unsigned level, mt;

	(void)state;
	for (level = 3; level >= 1; level--) {
		for (mt = 0; mt < 8; mt++) {
			uint64_t e = (level == 1 ? 0 : PS) | RWX | MT(mt) |
				     (level == 3 ? GIB1 : level == 2 ? MIB2 :
								      KIB4);
			bool bad = mt == 2 || mt == 3 || mt == 7;

			reset();
			path_to(GPA, level);
			set_entry(table_at(level), GPA, level, e);
			walk(GPA, EPT12_READ);
			assert_int_equal(res.status,
					 bad ? EPT12_MISCONFIG : EPT12_OK);
			assert_int_equal(res.level, level);
			if (!bad)
				assert_int_equal(res.memtype, mt);
		}
	}
}

/* A misconfiguration below a level that denies the access still wins. */
static void misconfig_before_violation(void **state)
{
	uint64_t pte = 0x9000ull | R | W | MT(7);

	(void)state;
	reset();
	path_to(GPA, 1);
	set_entry(PDPT, GPA, 3, PD | R);
	set_entry(PT, GPA, 1, pte);
	walk(GPA, EPT12_WRITE);
	expect_status(EPT12_MISCONFIG, 1, pte);
	/* and a not-present entry above a misconfigured one stops first */
	set_entry(PD, GPA, 2, PT | 0x78ull);
	walk(GPA, EPT12_WRITE);
	expect_status(EPT12_VIOLATION, 2, PT | 0x78ull);
	assert_int_equal(res.perms, 0);
}

/* Bits 2:0 clear: not present, whatever the other bits hold. */
static void not_present(void **state)
{
	unsigned level;

	(void)state;
	for (level = 4; level >= 1; level--) {
		uint64_t junk = 0xfffffffffffffff8ull;

		reset();
		path_to(GPA, 1);
		set_entry(PT, GPA, 1, 0x9000ull | RWX | MT(MT_WB));
		set_entry(table_at(level), GPA, level, junk);
		walk(GPA, EPT12_READ);
		expect_status(EPT12_VIOLATION, level, junk);
		assert_int_equal(res.perms, 0);
		assert_int_equal(reads, 5 - level);
		set_entry(table_at(level), GPA, level, 0);
		walk(GPA, EPT12_FETCH);
		expect_status(EPT12_VIOLATION, level, 0);
		assert_int_equal(res.perms, 0);
	}
}

static void no_memory(void **state)
{
	struct ept12_result r;

	(void)state;
	reset();
	memset(&r, 0xa5, sizeof(r));
	ept12_walk(0x20000ull | MT_WB | (3ull << 3), GPA, EPT12_READ,
		   &caps_all, read64, NULL, &r);
	assert_int_equal(r.status, EPT12_NO_MEMORY);
	assert_int_equal(r.level, 4);
	assert_int_equal(r.l1_gpa, 0);
	assert_int_equal(r.page_size, 0);

	set_entry(PML4, GPA, 4, PDPT | RWX);
	set_entry(PDPT, GPA, 3, 0x7ff000ull | RWX);
	walk(GPA, EPT12_READ);
	assert_int_equal(res.status, EPT12_NO_MEMORY);
	assert_int_equal(res.level, 2);
	assert_int_equal(res.l1_gpa, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(eptp_checks),
		cmocka_unit_test(page_4k),
		cmocka_unit_test(page_2m),
		cmocka_unit_test(page_1g),
		cmocka_unit_test(permissions_intersect),
		cmocka_unit_test(exec_only),
		cmocka_unit_test(write_without_read),
		cmocka_unit_test(high_address_bits),
		cmocka_unit_test(nonleaf_reserved_bits),
		cmocka_unit_test(large_page_support),
		cmocka_unit_test(large_page_low_bits),
		cmocka_unit_test(leaf_memory_types),
		cmocka_unit_test(misconfig_before_violation),
		cmocka_unit_test(not_present),
		cmocka_unit_test(no_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
