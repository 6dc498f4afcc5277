/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vmx/gwalk.c: guest page tables built in a host buffer that stands for
 * guest-physical memory, walked in every paging mode and page size, with a
 * not-present entry at each level and the reserved bits that matter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vmx/gwalk.h"

#define CR0_PE 0x1ull
#define CR0_PG 0x80000000ull
#define CR4_PSE 0x10ull
#define CR4_PAE 0x20ull
#define CR4_LA57 0x1000ull
#define EFER_LME 0x100ull
#define EFER_LMA 0x400ull
#define EFER_NXE 0x800ull

#define P 0x1ull
#define RW 0x2ull
#define PS 0x80ull
#define PAT_LARGE 0x1000ull /* PAT in a 2 MiB / 1 GiB / 4 MiB entry */
#define NX (1ull << 63)

/* Guest-physical memory 0..MEM_SIZE; tables live at 4 KiB multiples in it. */
#define MEM_SIZE 0x10000
#define NO_GPA 0xdeadbeefull

struct guest_mem {
	uint8_t bytes[MEM_SIZE];
	unsigned reads;
};

static struct guest_mem gm;

static bool read_mem(void *ctx, uint64_t gpa, uint64_t *value)
{
	struct guest_mem *m = ctx;

	/* the walker must read whole aligned entries */
	assert_int_equal(gpa & 7, 0);
	m->reads++;
	if (gpa >= MEM_SIZE)
		return false;
	memcpy(value, m->bytes + gpa, 8);
	return true;
}

static void reset(void)
{
	memset(&gm, 0, sizeof(gm));
}

static void put32(uint64_t gpa, uint32_t v)
{
	memcpy(gm.bytes + gpa, &v, 4);
}

static void put64(uint64_t gpa, uint64_t v)
{
	memcpy(gm.bytes + gpa, &v, 8);
}

/* Writes the 8-byte entry for la at level (0 = PT ... 3 = PML4) of table. */
static void set64(uint64_t table, uint64_t la, int level, uint64_t e)
{
	put64(table + ((la >> (12 + 9 * level)) & 511) * 8, e);
}

static uint64_t out;

static enum gwalk_result walk(const struct gwalk_regs *r, uint64_t gla)
{
	out = NO_GPA;
	return gwalk_translate(r, gla, read_mem, &gm, &out);
}

static void expect(const struct gwalk_regs *r, uint64_t gla, uint64_t gpa)
{
	enum gwalk_result res = walk(r, gla);

	if (res != GWALK_OK)
		fail_msg("0x%llx: %s", (unsigned long long)gla,
			 gwalk_strerror(res));
	assert_int_equal(out, gpa);
}

/* Failures leave *gpa alone. */
static void expect_fail(const struct gwalk_regs *r, uint64_t gla,
			enum gwalk_result want)
{
	assert_int_equal(walk(r, gla), want);
	assert_int_equal(out, NO_GPA);
}

static void paging_off(void **state)
{
	/* PAE and LME without PG: still no paging, and LMA stays 0 */
	struct gwalk_regs r = { .cr0 = CR0_PE, .cr3 = 0x1000, .cr4 = CR4_PAE,
				.efer = EFER_LME };

	(void)state;
	reset();
	expect(&r, 0xfee000b0, 0xfee000b0);
	/* linear addresses are 32 bits wide outside IA-32e mode */
	expect(&r, 0x100000000ull | 0x7c00, 0x7c00);
	assert_int_equal(gm.reads, 0);
	r.cr0 = 0;
	expect(&r, 0xffff0, 0xffff0); /* real mode */
}

/* 32-bit paging (SDM 4.3): 4-byte entries, so both halves of a quadword. */
static void paging32_4k(void **state)
{
	struct gwalk_regs r = { .cr0 = CR0_PG | CR0_PE, .cr3 = 0x1000 | 0x18 };

	(void)state;
	reset();
	/* 0x00401abc: PDE 1 (high half of 0x1000), PTE 1 (high half of 0x2000) */
	put32(0x1004, 0x2000 | RW | P);
	put32(0x2004, 0x12345000 | RW | P);
	/* 0xfee00123: PDE 0x3fb at 0x1fec (high half), PTE 0x200 at 0x3800 (low) */
	put32(0x1fec, 0x3000 | P);
	put32(0x3800, 0xfee00000 | P | 0x18);
	expect(&r, 0x00401abc, 0x12345abc);
	assert_int_equal(gm.reads, 2);
	expect(&r, 0xfee00123, 0xfee00123);
	/* bits 63:32 of the linear address do not exist here */
	expect(&r, 0xabcd000000401abcull, 0x12345abc);
	/* without CR4.PSE a PDE's PS is ignored: still a page table */
	put32(0x1004, 0x2000 | PS | P);
	expect(&r, 0x00401abc, 0x12345abc);
}

static void paging32_4m(void **state)
{
	struct gwalk_regs r = { .cr0 = CR0_PG | CR0_PE, .cr3 = 0x1000,
				.cr4 = CR4_PSE };

	(void)state;
	reset();
	/* PDE 0x3fb: 4 MiB page at 0xfec00000 */
	put32(0x1fec, 0xfec00000 | PS | RW | P);
	expect(&r, 0xfee000b0, 0xfee000b0);
	assert_int_equal(gm.reads, 1);
	/* PSE-36: PDE bits 20:13 are physical bits 39:32; 12 is PAT */
	put32(0x1fec, 0xfec00000 | (0x5a << 13) | PAT_LARGE | PS | P);
	expect(&r, 0xfee000b0, 0x5afee000b0ull);
	/* bit 21 is reserved in a 4 MiB PDE */
	put32(0x1fec, 0xfec00000 | (1u << 21) | PS | P);
	expect_fail(&r, 0xfee000b0, GWALK_RESERVED);
	/* PSE does not change 4 KiB walks */
	put32(0x1004, 0x2000 | P);
	put32(0x2004, 0x7000 | P);
	expect(&r, 0x00401abc, 0x7abc);
}

static void paging32_not_present(void **state)
{
	struct gwalk_regs r = { .cr0 = CR0_PG | CR0_PE, .cr3 = 0x1000,
				.cr4 = CR4_PSE };

	(void)state;
	reset();
	expect_fail(&r, 0x00401abc, GWALK_NOT_PRESENT);
	/* P = 0 wins over anything else in the entry, PS and bit 21 too */
	put32(0x1004, 0xffc00000 | (1u << 21) | PS | RW);
	expect_fail(&r, 0x00401abc, GWALK_NOT_PRESENT);
	put32(0x1004, 0x2000 | P);
	put32(0x2004, 0x12345000 | RW);
	expect_fail(&r, 0x00401abc, GWALK_NOT_PRESENT);
	/* the other half of the quadword is someone else's entry */
	put32(0x2000, 0x9000 | P);
	expect_fail(&r, 0x00401abc, GWALK_NOT_PRESENT);
	expect(&r, 0x00400abc, 0x9abc);
}

/*
 * PAE (SDM 4.4): CR3 points at a 32-byte PDPT, not page aligned here.
 * 0xc0201abc: PDPTE 3 at 0x1038, PDE 1 at 0x2008, PTE 1 at 0x3008.
 * 0x40400abc: PDPTE 1 at 0x1028, PDE 2 at 0x4010 (2 MiB).
 */
static struct gwalk_regs pae_tables(void)
{
	reset();
	put64(0x1038, 0x2000 | P);
	put64(0x2008, 0x3000 | RW | P);
	put64(0x3008, 0x123456000ull | RW | P);
	put64(0x1028, 0x4000 | P);
	put64(0x4010, 0x200600000ull | PS | RW | P);
	return (struct gwalk_regs){ .cr0 = CR0_PG | CR0_PE, .cr3 = 0x1020 | 0x18,
				    .cr4 = CR4_PAE | CR4_PSE };
}

static void pae_pages(void **state)
{
	struct gwalk_regs r = pae_tables();

	(void)state;
	expect(&r, 0xc0201abc, 0x123456abcull);
	assert_int_equal(gm.reads, 3);
	expect(&r, 0x40400abc, 0x200600abcull);
	expect(&r, 0x405fffff, 0x2007fffffull);
	/* 32-bit linear addresses */
	expect(&r, 0xffffffff00000000ull | 0xc0201abc, 0x123456abcull);
	/* PAT (bit 12) is no address bit in a 2 MiB PDE */
	put64(0x4010, 0x200600000ull | PAT_LARGE | PS | P);
	expect(&r, 0x40400abc, 0x200600abcull);
	/* XD is allowed once EFER.NXE is set */
	r.efer = EFER_NXE;
	put64(0x3008, 0x123456000ull | NX | P);
	expect(&r, 0xc0201abc, 0x123456abcull);
}

static void pae_not_present(void **state)
{
	struct gwalk_regs r = pae_tables();

	(void)state;
	expect_fail(&r, 0x00001000, GWALK_NOT_PRESENT); /* PDPTE 0 */
	put64(0x3008, 0x123456000ull);
	expect_fail(&r, 0xc0201abc, GWALK_NOT_PRESENT); /* PTE */
	put64(0x2008, 0x3000 | RW);
	expect_fail(&r, 0xc0201abc, GWALK_NOT_PRESENT); /* PDE */
	put64(0x4010, 0x200600000ull | PS);
	expect_fail(&r, 0x40400abc, GWALK_NOT_PRESENT); /* 2 MiB PDE */
}

static void pae_reserved(void **state)
{
	struct gwalk_regs r = pae_tables();

	(void)state;
	/* a PDPTE has no R/W: bits 2:1 are reserved, so are 8:5 (PS) and 63 */
	put64(0x1038, 0x2000 | RW | P);
	expect_fail(&r, 0xc0201abc, GWALK_RESERVED);
	put64(0x1038, 0x2000 | PS | P);
	expect_fail(&r, 0xc0201abc, GWALK_RESERVED);
	r.efer = EFER_NXE;
	put64(0x1038, 0x2000 | NX | P);
	expect_fail(&r, 0xc0201abc, GWALK_RESERVED);
	put64(0x1038, 0x2000 | P);
	/* PAE reserves bits 62:52, which 4-level paging ignores */
	put64(0x2008, 0x3000 | (1ull << 52) | P);
	expect_fail(&r, 0xc0201abc, GWALK_RESERVED);
	put64(0x2008, 0x3000 | P);
	put64(0x3008, 0x123456000ull | (1ull << 62) | P);
	expect_fail(&r, 0xc0201abc, GWALK_RESERVED);
	/* XD without EFER.NXE */
	r.efer = 0;
	put64(0x3008, 0x123456000ull | NX | P);
	expect_fail(&r, 0xc0201abc, GWALK_RESERVED);
	/* bits 20:13 of a 2 MiB PDE */
	put64(0x4010, 0x200600000ull | (1ull << 13) | PS | P);
	expect_fail(&r, 0x40400abc, GWALK_RESERVED);
	put64(0x4010, 0x200600000ull | (1ull << 20) | PS | P);
	expect_fail(&r, 0x40400abc, GWALK_RESERVED);
}

/*
 * 4-level paging (SDM 4.5): PML4 0x1000, PDPT 0x2000, PD 0x3000, PT 0x4000.
 * LA4K is mapped by a PTE, LA2M by a PDE (same PDPT), LA1G by a PDPTE.
 */
#define LA4K 0xffff800012345678ull
#define LA2M 0xffff800012745678ull
#define LA1G 0xffff8000c2345678ull

static struct gwalk_regs four_level_tables(void)
{
	reset();
	set64(0x1000, LA4K, 3, 0x2000 | RW | P);
	set64(0x2000, LA4K, 2, 0x3000 | RW | P);
	set64(0x3000, LA4K, 1, 0x4000 | RW | P);
	set64(0x4000, LA4K, 0, 0xabcdef000ull | RW | P);
	set64(0x3000, LA2M, 1, 0x40000000ull | PS | RW | P);
	set64(0x2000, LA1G, 2, 0x1c0000000ull | PS | RW | P);
	/* CR3 bits 11:0 are a PCID here, bit 61 is LAM_U48: no address bits */
	return (struct gwalk_regs){ .cr0 = CR0_PG | CR0_PE,
				    .cr3 = (1ull << 61) | 0x1000 | 0x123,
				    .cr4 = CR4_PAE,
				    .efer = EFER_LME | EFER_LMA | EFER_NXE };
}

static void four_level_pages(void **state)
{
	struct gwalk_regs r = four_level_tables();

	(void)state;
	expect(&r, LA4K, 0xabcdef678ull);
	assert_int_equal(gm.reads, 4);
	expect(&r, LA2M, 0x40145678ull);
	expect(&r, LA1G, 0x1c2345678ull);
	/* EFER.LMA is what says IA-32e mode, not LME */
	r.efer = EFER_LMA | EFER_NXE;
	expect(&r, LA4K, 0xabcdef678ull);
	/* PAT (bit 12) of large pages, XD with NXE, bits 62:52 ignored */
	set64(0x2000, LA1G, 2, 0x1c0000000ull | PAT_LARGE | PS | P);
	set64(0x3000, LA2M, 1, 0x40000000ull | PAT_LARGE | NX | PS | P);
	set64(0x4000, LA4K, 0, 0xabcdef000ull | (0x7ffull << 52) | NX | P);
	expect(&r, LA1G, 0x1c2345678ull);
	expect(&r, LA2M, 0x40145678ull);
	expect(&r, LA4K, 0xabcdef678ull);
	/* compatibility mode: a 32-bit address through the same tables */
	set64(0x1000, 0x00401abc, 3, 0x5000 | P);
	set64(0x5000, 0x00401abc, 2, 0x6000 | P);
	set64(0x6000, 0x00401abc, 1, 0x7000 | P);
	set64(0x7000, 0x00401abc, 0, 0x8000 | P);
	expect(&r, 0x00401abc, 0x8abc);
}

static void four_level_not_present(void **state)
{
	struct gwalk_regs r = four_level_tables();

	(void)state;
	expect_fail(&r, 0x00007fff00000000ull, GWALK_NOT_PRESENT); /* PML4E */
	set64(0x4000, LA4K, 0, 0xabcdef000ull | RW);
	expect_fail(&r, LA4K, GWALK_NOT_PRESENT); /* PTE */
	set64(0x3000, LA4K, 1, 0x4000 | RW);
	expect_fail(&r, LA4K, GWALK_NOT_PRESENT); /* PDE */
	set64(0x3000, LA2M, 1, 0x40000000ull | PS);
	expect_fail(&r, LA2M, GWALK_NOT_PRESENT); /* 2 MiB PDE */
	set64(0x2000, LA1G, 2, 0x1c0000000ull | PS);
	expect_fail(&r, LA1G, GWALK_NOT_PRESENT); /* 1 GiB PDPTE */
	set64(0x2000, LA4K, 2, 0x3000 | RW);
	expect_fail(&r, LA4K, GWALK_NOT_PRESENT); /* PDPTE */
	set64(0x1000, LA4K, 3, 0x2000 | RW);
	gm.reads = 0;
	expect_fail(&r, LA4K, GWALK_NOT_PRESENT); /* PML4E */
	assert_int_equal(gm.reads, 1); /* and the walk stopped there */
}

static void four_level_reserved(void **state)
{
	struct gwalk_regs r = four_level_tables();

	(void)state;
	/* no 512 GiB pages: PS in a PML4E is reserved */
	set64(0x1000, LA4K, 3, 0x2000 | PS | RW | P);
	expect_fail(&r, LA4K, GWALK_RESERVED);
	set64(0x1000, LA4K, 3, 0x2000 | RW | P);
	/* bits 29:13 of a 1 GiB PDPTE */
	set64(0x2000, LA1G, 2, 0x1c0000000ull | (1ull << 13) | PS | P);
	expect_fail(&r, LA1G, GWALK_RESERVED);
	set64(0x2000, LA1G, 2, 0x1c0000000ull | (1ull << 29) | PS | P);
	expect_fail(&r, LA1G, GWALK_RESERVED);
	/* bits 20:13 of a 2 MiB PDE */
	set64(0x3000, LA2M, 1, 0x40000000ull | (1ull << 20) | PS | P);
	expect_fail(&r, LA2M, GWALK_RESERVED);
	/* XD without EFER.NXE, at the top and at the bottom */
	r.efer &= ~EFER_NXE;
	expect(&r, LA4K, 0xabcdef678ull);
	set64(0x4000, LA4K, 0, 0xabcdef000ull | NX | P);
	expect_fail(&r, LA4K, GWALK_RESERVED);
	set64(0x1000, LA4K, 3, 0x2000 | NX | P);
	expect_fail(&r, LA4K, GWALK_RESERVED);
}

static void five_level_unsupported(void **state)
{
	struct gwalk_regs r = four_level_tables();

	(void)state;
	r.cr4 |= CR4_LA57;
	expect_fail(&r, LA4K, GWALK_UNSUPPORTED);
	assert_int_equal(gm.reads, 0);
}

/* Tables outside guest memory: the callback's refusal is reported. */
static void no_memory(void **state)
{
	struct gwalk_regs r32 = { .cr0 = CR0_PG | CR0_PE, .cr3 = 0x100000 };
	struct gwalk_regs pae = pae_tables();
	struct gwalk_regs l4 = four_level_tables();

	(void)state;
	expect_fail(&r32, 0x1000, GWALK_NO_MEMORY);
	r32.cr3 = 0x1000;
	put32(0x1000, 0x200000 | P);
	expect_fail(&r32, 0x1000, GWALK_NO_MEMORY);

	pae.cr3 = 0xfffe0;
	expect_fail(&pae, 0xc0201abc, GWALK_NO_MEMORY);

	set64(0x3000, LA4K, 1, 0x123456789000ull | P);
	expect_fail(&l4, LA4K, GWALK_NO_MEMORY);
	l4.cr3 = 0x10000;
	expect_fail(&l4, LA4K, GWALK_NO_MEMORY);
}

static void strerror_names(void **state)
{
	(void)state;
	assert_string_equal(gwalk_strerror(GWALK_OK), "ok");
	assert_string_equal(gwalk_strerror(GWALK_RESERVED),
			    "reserved bit set in a paging-structure entry");
	assert_string_equal(gwalk_strerror(GWALK_UNSUPPORTED),
			    "5-level paging not supported");
	assert_string_not_equal(gwalk_strerror(GWALK_NOT_PRESENT),
				gwalk_strerror(GWALK_NO_MEMORY));
	assert_string_equal(gwalk_strerror((enum gwalk_result)99),
			    "unknown guest-walk error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(paging_off),
		cmocka_unit_test(paging32_4k),
		cmocka_unit_test(paging32_4m),
		cmocka_unit_test(paging32_not_present),
		cmocka_unit_test(pae_pages),
		cmocka_unit_test(pae_not_present),
		cmocka_unit_test(pae_reserved),
		cmocka_unit_test(four_level_pages),
		cmocka_unit_test(four_level_not_present),
		cmocka_unit_test(four_level_reserved),
		cmocka_unit_test(five_level_unsupported),
		cmocka_unit_test(no_memory),
		cmocka_unit_test(strerror_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
