/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vmx/gwalk.c: guest page tables built in a host buffer that stands for
 * guest-physical memory, walked in every paging mode and page size, with a
 * not-present entry at each level and the reserved bits that matter; then
 * the access-rights rules of SDM Vol. 3A 4.6 and the page-fault error codes
 * of 4.7, each rule in both senses, at every level of every mode; 5-level
 * paging (CR4.LA57) in every page size, its canonical form, and the same
 * tables walked with LA57 on and off.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vmx/gwalk.h"

#define CR0_PE 0x1ull
#define CR0_WP 0x10000ull
#define CR0_PG 0x80000000ull
#define CR4_PSE 0x10ull
#define CR4_PAE 0x20ull
#define CR4_LA57 0x1000ull
#define CR4_SMEP 0x100000ull
#define CR4_SMAP 0x200000ull
#define EFER_LME 0x100ull
#define EFER_LMA 0x400ull
#define EFER_NXE 0x800ull

#define P 0x1ull
#define RW 0x2ull
#define US 0x4ull
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
	assert_string_equal(gwalk_strerror(GWALK_NON_CANONICAL),
			    "linear address not canonical for the paging mode");
	assert_string_not_equal(gwalk_strerror(GWALK_NOT_PRESENT),
				gwalk_strerror(GWALK_NO_MEMORY));
	assert_string_not_equal(gwalk_strerror(GWALK_PROTECTION),
				gwalk_strerror(GWALK_NOT_PRESENT));
	assert_string_not_equal(gwalk_strerror(GWALK_PROTECTION),
				"unknown guest-walk error");
	assert_string_equal(gwalk_strerror((enum gwalk_result)99),
			    "unknown guest-walk error");
}

/* ---- access rights (SDM Vol. 3A 4.6) and error codes (4.7) ---- */

#define NO_ERR 0xdead0000u

/* Error-code bits spelled out here, from SDM 4.7, not from the header. */
#define E_P 0x1u
#define E_W 0x2u
#define E_U 0x4u
#define E_RSVD 0x8u
#define E_I 0x10u

static uint32_t err;

static enum gwalk_result walk_acc(const struct gwalk_regs *r, uint64_t gla,
				  unsigned acc)
{
	out = NO_GPA;
	err = NO_ERR;
	return gwalk_translate_access(r, gla, acc, read_mem, &gm, &out, &err);
}

static void expect_acc(const struct gwalk_regs *r, uint64_t gla, unsigned acc,
		       uint64_t gpa)
{
	enum gwalk_result res = walk_acc(r, gla, acc);

	if (res != GWALK_OK)
		fail_msg("0x%llx access %u: %s (error code 0x%x)",
			 (unsigned long long)gla, acc, gwalk_strerror(res),
			 err);
	assert_int_equal(out, gpa);
	assert_int_equal(err, NO_ERR); /* no fault, no error code */
}

static void expect_pf(const struct gwalk_regs *r, uint64_t gla, unsigned acc,
		      enum gwalk_result want, uint32_t want_err)
{
	assert_int_equal(walk_acc(r, gla, acc), want);
	assert_int_equal(err, want_err);
	assert_int_equal(out, NO_GPA);
}

/*
 * How L0 reads L1's paging structures (nested/l1mem.c): an entry in no
 * memory reads as all ones, as the CPU would read it. Present with reserved
 * bits in every IA-32e and PAE level, so the walk ends in a #PF with RSVD
 * (SDM Vol. 3A 4.7); 32-bit paging without PSE has no reserved bits and
 * translates to the top page, as the CPU does.
 */
static bool read_ones(void *ctx, uint64_t gpa, uint64_t *value)
{
	if (gpa >= MEM_SIZE) {
		*value = ~0ull;
		return true;
	}
	return read_mem(ctx, gpa, value);
}

static enum gwalk_result walk_ones(const struct gwalk_regs *r, uint64_t gla,
				   unsigned acc)
{
	out = NO_GPA;
	err = NO_ERR;
	return gwalk_translate_access(r, gla, acc, read_ones, &gm, &out, &err);
}

static void no_memory_reads_ones(void **state)
{
	struct gwalk_regs l4 = four_level_tables();
	struct gwalk_regs pae;
	struct gwalk_regs r32 = { .cr0 = CR0_PG | CR0_PE, .cr3 = 0x1000 };

	(void)state;
	/* the PDPT in no memory: an all-ones PDPTE (1 GiB, bits 29:13 set) */
	set64(0x1000, LA4K, 3, 0x123456789000ull | RW | P);
	assert_int_equal(walk_ones(&l4, LA4K, GWALK_WRITE), GWALK_RESERVED);
	assert_int_equal(err, E_P | E_W | E_RSVD);
	assert_int_equal(out, NO_GPA);
	/* CR3 itself in no memory: an all-ones PML4E (PS is reserved there) */
	l4.cr3 = 0x10000;
	assert_int_equal(walk_ones(&l4, LA4K, 0), GWALK_RESERVED);
	assert_int_equal(err, E_P | E_RSVD);
	/* without NXE, XD is reserved too: the same verdict */
	l4.efer &= ~EFER_NXE;
	assert_int_equal(walk_ones(&l4, LA4K, GWALK_USER), GWALK_RESERVED);
	assert_int_equal(err, E_P | E_U | E_RSVD);

	/* PAE: PDPTEs in no memory have their reserved bits set */
	pae = pae_tables();
	pae.cr3 = 0xfffe0;
	assert_int_equal(walk_ones(&pae, 0xc0201abc, 0), GWALK_RESERVED);
	assert_int_equal(err, E_P | E_RSVD);

	/* 32-bit paging, no PSE: a PT in no memory maps the last page */
	reset();
	put32(0x1000, 0x200000 | RW | P);
	assert_int_equal(walk_ones(&r32, 0xabc, GWALK_WRITE), GWALK_OK);
	assert_int_equal(out, 0xfffffabcull);
	/* with PSE the all-ones PDE is a 4 MiB page with bits 21:13 set */
	r32.cr3 = 0x10000;
	r32.cr4 = CR4_PSE;
	assert_int_equal(walk_ones(&r32, 0xabc, 0), GWALK_RESERVED);
	assert_int_equal(err, E_P | E_RSVD);
}

/*
 * One leaf mapping per paging mode and page size, built from the rights
 * (a subset of RW, US, NX) of the entries that carry rights, top first.
 * A PAE PDPTE has none, so it is always P alone. NOT_P in a rights value
 * leaves that entry not present instead; bit 9 is ignored by every mode,
 * so the pseudo-flag cannot be mistaken for a real one.
 */
#define NOT_P (1ull << 9)
#define NLEVELS 5 /* entries with rights on the longest walk (5-level 4K) */

static uint64_t ent(uint64_t rt)
{
	return (rt & NOT_P) ? rt & ~NOT_P : rt | P;
}
struct setup {
	struct gwalk_regs r;
	uint64_t gla, gpa;
};

struct mode {
	const char *name;
	unsigned nrights; /* entries with rights on the walk, leaf last */
	bool pae;	  /* CR4.PAE: XD bits exist, NXE affects I/D */
	struct setup (*build)(const uint64_t *rt);
};

static struct setup build_32_4k(const uint64_t *rt)
{
	reset();
	put32(0x1004, (uint32_t)(0x2000 | ent(rt[0])));
	put32(0x2004, (uint32_t)(0x12345000 | ent(rt[1])));
	return (struct setup){ { .cr0 = CR0_PG | CR0_PE, .cr3 = 0x1000 },
			       0x00401abc, 0x12345abc };
}

static struct setup build_32_4m(const uint64_t *rt)
{
	reset();
	put32(0x1004, (uint32_t)(0x00c00000 | PS | ent(rt[0])));
	return (struct setup){ { .cr0 = CR0_PG | CR0_PE, .cr3 = 0x1000,
				 .cr4 = CR4_PSE },
			       0x00401abc, 0x00c01abc };
}

static struct setup build_pae_4k(const uint64_t *rt)
{
	reset();
	put64(0x1038, 0x2000 | P);
	put64(0x2008, 0x3000 | ent(rt[0]));
	put64(0x3008, 0x123456000ull | ent(rt[1]));
	return (struct setup){ { .cr0 = CR0_PG | CR0_PE, .cr3 = 0x1020,
				 .cr4 = CR4_PAE },
			       0xc0201abc, 0x123456abcull };
}

static struct setup build_pae_2m(const uint64_t *rt)
{
	reset();
	put64(0x1028, 0x4000 | P);
	put64(0x4010, 0x200600000ull | PS | ent(rt[0]));
	return (struct setup){ { .cr0 = CR0_PG | CR0_PE, .cr3 = 0x1020,
				 .cr4 = CR4_PAE },
			       0x40400abc, 0x200600abcull };
}

static const struct gwalk_regs l4_regs = { .cr0 = CR0_PG | CR0_PE,
					   .cr3 = 0x1000, .cr4 = CR4_PAE,
					   .efer = EFER_LME | EFER_LMA };

static struct setup build_l4_4k(const uint64_t *rt)
{
	reset();
	set64(0x1000, LA4K, 3, 0x2000 | ent(rt[0]));
	set64(0x2000, LA4K, 2, 0x3000 | ent(rt[1]));
	set64(0x3000, LA4K, 1, 0x4000 | ent(rt[2]));
	set64(0x4000, LA4K, 0, 0xabcdef000ull | ent(rt[3]));
	return (struct setup){ l4_regs, LA4K, 0xabcdef678ull };
}

static struct setup build_l4_2m(const uint64_t *rt)
{
	reset();
	set64(0x1000, LA2M, 3, 0x2000 | ent(rt[0]));
	set64(0x2000, LA2M, 2, 0x3000 | ent(rt[1]));
	set64(0x3000, LA2M, 1, 0x40000000ull | PS | ent(rt[2]));
	return (struct setup){ l4_regs, LA2M, 0x40145678ull };
}

static struct setup build_l4_1g(const uint64_t *rt)
{
	reset();
	set64(0x1000, LA1G, 3, 0x2000 | ent(rt[0]));
	set64(0x2000, LA1G, 2, 0x1c0000000ull | PS | ent(rt[1]));
	return (struct setup){ l4_regs, LA1G, 0x1c2345678ull };
}

/*
 * 5-level paging: a PML5 at 0x9000 above the 4-level tables; LA5* differ
 * from LA4K/LA2M/LA1G in bits 63:48 only (PML5 index 0x13f), and are not
 * canonical with 4-level paging.
 */
#define LA5_4K 0xff3f800012345678ull
#define LA5_2M 0xff3f800012745678ull
#define LA5_1G 0xff3f8000c2345678ull

static const struct gwalk_regs l5_regs = { .cr0 = CR0_PG | CR0_PE,
					   .cr3 = 0x9000,
					   .cr4 = CR4_PAE | CR4_LA57,
					   .efer = EFER_LME | EFER_LMA };

static struct setup build_l5_4k(const uint64_t *rt)
{
	reset();
	set64(0x9000, LA5_4K, 4, 0x1000 | ent(rt[0]));
	set64(0x1000, LA5_4K, 3, 0x2000 | ent(rt[1]));
	set64(0x2000, LA5_4K, 2, 0x3000 | ent(rt[2]));
	set64(0x3000, LA5_4K, 1, 0x4000 | ent(rt[3]));
	set64(0x4000, LA5_4K, 0, 0xabcdef000ull | ent(rt[4]));
	return (struct setup){ l5_regs, LA5_4K, 0xabcdef678ull };
}

static struct setup build_l5_2m(const uint64_t *rt)
{
	reset();
	set64(0x9000, LA5_2M, 4, 0x1000 | ent(rt[0]));
	set64(0x1000, LA5_2M, 3, 0x2000 | ent(rt[1]));
	set64(0x2000, LA5_2M, 2, 0x3000 | ent(rt[2]));
	set64(0x3000, LA5_2M, 1, 0x40000000ull | PS | ent(rt[3]));
	return (struct setup){ l5_regs, LA5_2M, 0x40145678ull };
}

static struct setup build_l5_1g(const uint64_t *rt)
{
	reset();
	set64(0x9000, LA5_1G, 4, 0x1000 | ent(rt[0]));
	set64(0x1000, LA5_1G, 3, 0x2000 | ent(rt[1]));
	set64(0x2000, LA5_1G, 2, 0x1c0000000ull | PS | ent(rt[2]));
	return (struct setup){ l5_regs, LA5_1G, 0x1c2345678ull };
}

static const struct mode modes[] = {
	{ "32-bit 4K", 2, false, build_32_4k },
	{ "32-bit 4M", 1, false, build_32_4m },
	{ "PAE 4K", 2, true, build_pae_4k },
	{ "PAE 2M", 1, true, build_pae_2m },
	{ "4-level 4K", 4, true, build_l4_4k },
	{ "4-level 2M", 3, true, build_l4_2m },
	{ "4-level 1G", 2, true, build_l4_1g },
	{ "5-level 4K", 5, true, build_l5_4k },
	{ "5-level 2M", 4, true, build_l5_2m },
	{ "5-level 1G", 3, true, build_l5_1g },
};

#define NMODES (sizeof(modes) / sizeof(modes[0]))

/* Builds mode m with rights rt at entry k and full rights everywhere else. */
static struct setup build_one(const struct mode *m, unsigned k, uint64_t rt)
{
	uint64_t rights[NLEVELS] = { RW | US, RW | US, RW | US, RW | US,
				     RW | US };

	rights[k] = rt;
	return m->build(rights);
}

#define S_READ 0u
#define S_WRITE GWALK_WRITE
#define S_FETCH GWALK_FETCH
#define U_READ GWALK_USER
#define U_WRITE (GWALK_USER | GWALK_WRITE)
#define U_FETCH (GWALK_USER | GWALK_FETCH)

/*
 * One rule of SDM 4.6.1: with these control bits, an access of this kind
 * to a page whose rights are `rights` in one entry (and full in the
 * others) is allowed, or faults with this error code (I/D added by the
 * harness where 4.7 says, as it depends on the mode).
 */
struct rule {
	const char *what;
	uint64_t cr0, cr4, efer;
	unsigned acc;
	uint64_t rights;
	bool ok;
	uint32_t err;
};

static const struct rule rules[] = {
	/* user accesses need U/S = 1 at every level */
	{ "user read of a user page", 0, 0, 0, U_READ, US, true, 0 },
	{ "user read of a supervisor page", 0, 0, 0, U_READ, RW, false,
	  E_P | E_U },
	{ "user write needs R/W", 0, 0, 0, U_WRITE, US | RW, true, 0 },
	{ "user write to read-only, WP=0", 0, 0, 0, U_WRITE, US, false,
	  E_P | E_W | E_U },
	{ "user write to read-only, WP=1", CR0_WP, 0, 0, U_WRITE, US, false,
	  E_P | E_W | E_U },
	{ "user write to a supervisor page", 0, 0, 0, U_WRITE, RW, false,
	  E_P | E_W | E_U },
	/* supervisor writes and CR0.WP */
	{ "supervisor read of read-only", CR0_WP, 0, 0, S_READ, 0, true, 0 },
	{ "supervisor write to read-only, WP=0", 0, 0, 0, S_WRITE, 0, true,
	  0 },
	{ "supervisor write to read-only, WP=1", CR0_WP, 0, 0, S_WRITE, 0,
	  false, E_P | E_W },
	{ "supervisor write to writable, WP=1", CR0_WP, 0, 0, S_WRITE, RW,
	  true, 0 },
	/* SMAP, and RFLAGS.AC for explicit accesses */
	{ "supervisor read of a user page", 0, 0, 0, S_READ, US, true, 0 },
	{ "SMAP read", 0, CR4_SMAP, 0, S_READ, US, false, E_P },
	{ "SMAP read with AC", 0, CR4_SMAP, 0, S_READ | GWALK_AC, US, true,
	  0 },
	{ "SMAP write", CR0_WP, CR4_SMAP, 0, S_WRITE, US | RW, false,
	  E_P | E_W },
	{ "SMAP write with AC", CR0_WP, CR4_SMAP, 0, S_WRITE | GWALK_AC,
	  US | RW, true, 0 },
	{ "SMAP+AC write to read-only, WP=1", CR0_WP, CR4_SMAP, 0,
	  S_WRITE | GWALK_AC, US, false, E_P | E_W },
	{ "SMAP+AC write to read-only, WP=0", 0, CR4_SMAP, 0,
	  S_WRITE | GWALK_AC, US, true, 0 },
	{ "user write to read-only user page, WP=0, no SMAP", 0, 0, 0,
	  S_WRITE, US, true, 0 },
	{ "SMAP leaves supervisor pages alone", CR0_WP, CR4_SMAP, 0, S_WRITE,
	  RW, true, 0 },
	{ "SMAP leaves user accesses alone", 0, CR4_SMAP, 0, U_WRITE, US | RW,
	  true, 0 },
	{ "SMAP does not stop fetches", 0, CR4_SMAP, 0, S_FETCH, US, true,
	  0 },
	{ "AC does not help a user access", 0, CR4_SMAP, 0,
	  U_READ | GWALK_AC, RW, false, E_P | E_U },
	/* SMEP */
	{ "supervisor fetch from a user page", 0, 0, 0, S_FETCH, US, true,
	  0 },
	{ "SMEP fetch", 0, CR4_SMEP, 0, S_FETCH, US | RW, false, E_P },
	{ "SMEP leaves supervisor pages alone", 0, CR4_SMEP, 0, S_FETCH, 0,
	  true, 0 },
	{ "SMEP does not stop data reads", 0, CR4_SMEP, 0, S_READ, US, true,
	  0 },
	{ "SMEP leaves user fetches alone", 0, CR4_SMEP, 0, U_FETCH, US, true,
	  0 },
	/* fetches ignore R/W and WP */
	{ "fetch from read-only, WP=1", CR0_WP, 0, 0, S_FETCH, 0, true, 0 },
	{ "user fetch from read-only", CR0_WP, 0, 0, U_FETCH, US, true, 0 },
	{ "user fetch from a supervisor page", 0, 0, 0, U_FETCH, RW, false,
	  E_P | E_U },
	/* a fetch that says write too is a fetch: no W/R, R/W not looked at */
	{ "fetch|write from read-only", CR0_WP, 0, 0,
	  S_FETCH | GWALK_WRITE, 0, true, 0 },
	{ "fetch|write, user from supervisor", 0, 0, 0,
	  U_FETCH | GWALK_WRITE, RW, false, E_P | E_U },
};

/* Rules that need XD bits: PAE and 4-level only, and EFER.NXE. */
static const struct rule xd_rules[] = {
	{ "fetch from XD", 0, 0, EFER_NXE, S_FETCH, RW | NX, false, E_P },
	{ "fetch from non-XD", 0, 0, EFER_NXE, S_FETCH, RW, true, 0 },
	{ "user fetch from XD", 0, 0, EFER_NXE, U_FETCH, US | NX, false,
	  E_P | E_U },
	{ "XD pages are readable", 0, 0, EFER_NXE, U_READ, US | NX, true, 0 },
	{ "XD pages are writable", CR0_WP, 0, EFER_NXE, S_WRITE, RW | NX,
	  true, 0 },
	{ "SMEP wins over XD = 0", 0, CR4_SMEP, EFER_NXE, S_FETCH, US, false,
	  E_P },
	{ "XD checked with SMEP off", 0, 0, EFER_NXE, S_FETCH, US | NX, false,
	  E_P },
};

/* SDM 4.7: I/D is set for fetches with SMEP, or with PAE/4-level and NXE. */
static uint32_t id_bit(const struct mode *m, const struct rule *ru)
{
	if (!(ru->acc & GWALK_FETCH))
		return 0;
	if ((ru->cr4 & CR4_SMEP) || (m->pae && (ru->efer & EFER_NXE)))
		return E_I;
	return 0;
}

static void run_rule(const struct mode *m, const struct rule *ru)
{
	for (unsigned k = 0; k < m->nrights; k++) {
		struct setup s = build_one(m, k, ru->rights);
		enum gwalk_result res;

		s.r.cr0 |= ru->cr0;
		s.r.cr4 |= ru->cr4;
		s.r.efer |= ru->efer;
		res = walk_acc(&s.r, s.gla, ru->acc);
		if (ru->ok && (res != GWALK_OK || out != s.gpa ||
			       err != NO_ERR))
			fail_msg("%s, %s, entry %u: %s, error code 0x%x",
				 m->name, ru->what, k, gwalk_strerror(res),
				 err);
		if (!ru->ok && (res != GWALK_PROTECTION ||
				err != (ru->err | id_bit(m, ru)) ||
				out != NO_GPA))
			fail_msg("%s, %s, entry %u: %s, error code 0x%x, "
				 "want 0x%x",
				 m->name, ru->what, k, gwalk_strerror(res), err,
				 ru->err | id_bit(m, ru));
	}
}

static void access_rules(void **state)
{
	(void)state;
	for (unsigned i = 0; i < NMODES; i++)
		for (unsigned j = 0; j < sizeof(rules) / sizeof(rules[0]); j++)
			run_rule(&modes[i], &rules[j]);
}

static void access_rules_xd(void **state)
{
	unsigned ran = 0;

	(void)state;
	for (unsigned i = 0; i < NMODES; i++) {
		if (!modes[i].pae)
			continue;
		for (unsigned j = 0; j < sizeof(xd_rules) / sizeof(xd_rules[0]);
		     j++)
			run_rule(&modes[i], &xd_rules[j]);
		ran++;
	}
	assert_int_equal(ran, 8);
}

/*
 * A restriction anywhere on the walk counts: rights are the combination of
 * every level, one denying entry at the top with a permissive leaf too.
 */
static void access_combines_levels(void **state)
{
	(void)state;
	for (unsigned i = 0; i < NMODES; i++) {
		const struct mode *m = &modes[i];
		uint64_t rights[NLEVELS] = { US | RW, US | RW, US | RW, US | RW,
					     US | RW };
		struct setup s;

		if (m->nrights < 2)
			continue;
		/* user at the top, supervisor below and the other way round */
		rights[m->nrights - 1] = RW;
		s = m->build(rights);
		expect_pf(&s.r, s.gla, U_READ, GWALK_PROTECTION, E_P | E_U);
		expect_acc(&s.r, s.gla, S_READ, s.gpa);
		rights[m->nrights - 1] = US | RW;
		rights[0] = US;
		s = m->build(rights);
		s.r.cr0 |= CR0_WP;
		expect_pf(&s.r, s.gla, U_WRITE, GWALK_PROTECTION,
			  E_P | E_W | E_U);
		expect_pf(&s.r, s.gla, S_WRITE, GWALK_PROTECTION, E_P | E_W);
		expect_acc(&s.r, s.gla, U_READ, s.gpa);
	}
}

/* 32-bit paging has no XD bit: NXE changes neither rights nor I/D. */
static void paging32_no_xd(void **state)
{
	uint64_t rights[2] = { RW, RW };
	struct setup s = build_32_4k(rights);

	(void)state;
	s.r.efer = EFER_NXE;
	expect_acc(&s.r, s.gla, S_FETCH, s.gpa);
	expect_pf(&s.r, s.gla, U_FETCH, GWALK_PROTECTION, E_P | E_U);
	s.r.cr4 |= CR4_SMEP;
	expect_pf(&s.r, s.gla, U_FETCH, GWALK_PROTECTION, E_P | E_U | E_I);
	/* and PAE with NXE does set it for the same fault */
	s = build_pae_4k(rights);
	s.r.efer = EFER_NXE;
	expect_pf(&s.r, s.gla, U_FETCH, GWALK_PROTECTION, E_P | E_U | E_I);
	s.r.efer = 0;
	expect_pf(&s.r, s.gla, U_FETCH, GWALK_PROTECTION, E_P | E_U);
}

/*
 * Not present at each level: P = 0 in the error code, W/R, U/S and I/D
 * from the access; the walk stops there, so a denying entry above it
 * makes no protection fault.
 */
static void access_not_present(void **state)
{
	static const struct {
		unsigned acc;
		uint64_t cr4;
		uint32_t err;
	} kinds[] = {
		{ S_READ, 0, 0 },
		{ S_WRITE, 0, E_W },
		{ U_READ, 0, E_U },
		{ U_WRITE, 0, E_W | E_U },
		{ S_FETCH, 0, 0 },
		{ S_FETCH, CR4_SMEP, E_I },
		{ U_FETCH, CR4_SMEP, E_U | E_I },
		{ U_WRITE | GWALK_AC, CR4_SMAP, E_W | E_U },
	};
	const unsigned NKINDS = sizeof(kinds) / sizeof(kinds[0]);

	(void)state;
	for (unsigned i = 0; i < NMODES; i++) {
		const struct mode *m = &modes[i];

		for (unsigned k = 0; k < m->nrights; k++) {
			/* entries above k deny everything, k is not present */
			uint64_t rights[NLEVELS] = { 0, 0, 0, 0, 0 };
			struct setup s;

			rights[k] = NOT_P | US | RW;
			s = m->build(rights);
			s.r.cr0 |= CR0_WP;
			for (unsigned j = 0; j < NKINDS; j++) {
				struct gwalk_regs r = s.r;

				r.cr4 |= kinds[j].cr4;
				expect_pf(&r, s.gla, kinds[j].acc,
					  GWALK_NOT_PRESENT, kinds[j].err);
			}
		}
	}
}

/* A PAE PDPTE has no rights but can be absent like any other entry. */
static void access_pae_pdpte_not_present(void **state)
{
	uint64_t rights[2] = { US | RW, US | RW };
	struct setup s = build_pae_4k(rights);

	(void)state;
	put64(0x1038, 0x2000);
	s.r.efer = EFER_NXE;
	expect_pf(&s.r, s.gla, U_FETCH, GWALK_NOT_PRESENT, E_U | E_I);
	expect_pf(&s.r, s.gla, S_WRITE, GWALK_NOT_PRESENT, E_W);
	put64(0x1038, 0x2000 | P);
	expect_acc(&s.r, s.gla, U_FETCH, s.gpa);
}

/*
 * Reserved bits: P and RSVD both set (the entry was present), W/R, U/S
 * and I/D from the access; no rights are checked past such an entry.
 */
static void access_reserved(void **state)
{
	uint64_t full[NLEVELS] = { US | RW, US | RW, US | RW, US | RW, US | RW };
	uint64_t deny[NLEVELS] = { 0, 0, 0, 0, 0 };
	struct setup s;

	(void)state;
	/* 32-bit 4 MiB PDE with bit 21 */
	s = build_32_4m(deny);
	put32(0x1004, 0x00c00000 | (1u << 21) | PS | P);
	expect_pf(&s.r, s.gla, U_WRITE, GWALK_RESERVED,
		  E_P | E_RSVD | E_W | E_U);
	expect_pf(&s.r, s.gla, S_READ, GWALK_RESERVED, E_P | E_RSVD);
	/* PAE: bits 62:52 of a PDE, on a walk that would be allowed */
	s = build_pae_4k(full);
	put64(0x2008, 0x3000 | (1ull << 52) | US | RW | P);
	expect_pf(&s.r, s.gla, U_READ, GWALK_RESERVED, E_P | E_RSVD | E_U);
	s.r.efer = EFER_NXE;
	expect_pf(&s.r, s.gla, S_FETCH, GWALK_RESERVED,
		  E_P | E_RSVD | E_I);
	/* 4-level: XD without NXE, at the leaf; I/D only with SMEP then */
	s = build_l4_4k(full);
	set64(0x4000, LA4K, 0, 0xabcdef000ull | NX | US | RW | P);
	expect_pf(&s.r, s.gla, S_FETCH, GWALK_RESERVED, E_P | E_RSVD);
	s.r.cr4 |= CR4_SMEP;
	expect_pf(&s.r, s.gla, S_FETCH, GWALK_RESERVED,
		  E_P | E_RSVD | E_I);
	/* with NXE the same entry is valid, and XD forbids the fetch */
	s.r.efer |= EFER_NXE;
	s.r.cr4 &= ~CR4_SMEP;
	expect_pf(&s.r, s.gla, S_FETCH, GWALK_PROTECTION, E_P | E_I);
	expect_acc(&s.r, s.gla, S_READ, s.gpa);
	/* a PS in a PML4E above a denying entry: reserved, not protection */
	s = build_l4_4k(deny);
	set64(0x1000, LA4K, 3, 0x2000 | PS | P);
	expect_pf(&s.r, s.gla, U_READ, GWALK_RESERVED, E_P | E_RSVD | E_U);
}

/* No paging: any access to any address, no table read, no error code. */
static void access_paging_off(void **state)
{
	struct gwalk_regs r = { .cr0 = CR0_PE | CR0_WP, .cr3 = 0x1000,
				.cr4 = CR4_PAE | CR4_SMEP | CR4_SMAP,
				.efer = EFER_LME | EFER_NXE };

	(void)state;
	reset();
	expect_acc(&r, 0x12345678, U_WRITE, 0x12345678);
	expect_acc(&r, 0x100000000ull | 0xffff0, S_FETCH, 0xffff0);
	expect_acc(&r, 0xfee00000, S_WRITE, 0xfee00000);
	assert_int_equal(gm.reads, 0);
}

/* What is not a #PF leaves the error code alone; NULL is accepted. */
static void access_no_fault_cases(void **state)
{
	uint64_t full[NLEVELS] = { US | RW, US | RW, US | RW, US | RW, US | RW };
	struct setup s = build_l4_4k(full);

	(void)state;
	/* not canonical: no walk, no error code (a #GP, not a #PF) */
	expect_pf(&s.r, s.gla ^ (1ull << 60), U_READ, GWALK_NON_CANONICAL,
		  NO_ERR);
	assert_int_equal(gm.reads, 0);
	set64(0x3000, LA4K, 1, 0x123456789000ull | US | RW | P);
	expect_pf(&s.r, s.gla, U_READ, GWALK_NO_MEMORY, NO_ERR);
	/* pf_error may be NULL, for a fault and for success */
	set64(0x3000, LA4K, 1, 0x4000 | RW | P);
	out = NO_GPA;
	assert_int_equal(gwalk_translate_access(&s.r, s.gla, U_READ, read_mem,
						&gm, &out, NULL),
			 GWALK_PROTECTION);
	assert_int_equal(out, NO_GPA);
	assert_int_equal(gwalk_translate_access(&s.r, s.gla, S_READ, read_mem,
						&gm, &out, NULL),
			 GWALK_OK);
	assert_int_equal(out, s.gpa);
}

/*
 * gwalk_translate stays what the instruction fetcher needs: presence and
 * reserved bits only, whatever the rights and controls say.
 */
static void translate_ignores_rights(void **state)
{
	uint64_t rights[NLEVELS] = { US | NX, US, US, US, US };

	(void)state;
	for (unsigned i = 0; i < NMODES; i++) {
		struct setup s = modes[i].build(rights);

		s.r.cr0 |= CR0_WP;
		s.r.cr4 |= CR4_SMEP | CR4_SMAP;
		s.r.efer |= EFER_NXE;
		expect(&s.r, s.gla, s.gpa);
		/* while the checked walk refuses a supervisor fetch */
		expect_pf(&s.r, s.gla, S_FETCH, GWALK_PROTECTION, E_P | E_I);
	}
}

/* ---- 5-level paging (SDM Vol. 3A 4.5) and CR4.LA57 ---- */

static void five_level_pages(void **state)
{
	uint64_t full[NLEVELS] = { RW, RW, RW, RW, RW };
	struct setup s = build_l5_4k(full);

	(void)state;
	expect(&s.r, LA5_4K, 0xabcdef678ull);
	assert_int_equal(gm.reads, 5);
	s = build_l5_2m(full);
	expect(&s.r, LA5_2M, 0x40145678ull);
	assert_int_equal(gm.reads, 4);
	s = build_l5_1g(full);
	expect(&s.r, LA5_1G, 0x1c2345678ull);
	assert_int_equal(gm.reads, 3);
	/* the last byte of a 1 GiB page, and its PAT bit */
	set64(0x2000, LA5_1G, 2, 0x1c0000000ull | PAT_LARGE | PS | P);
	expect(&s.r, LA5_1G | 0x3fffffff, 0x1ffffffffull);
	/* bits 62:52 of a PML5E are ignored, XD is allowed with NXE */
	s.r.efer |= EFER_NXE;
	set64(0x9000, LA5_1G, 4, 0x1000 | (0x7ffull << 52) | NX | P);
	expect(&s.r, LA5_1G, 0x1c2345678ull);
	/* CR3 bits 11:0 (PCID) are no address bits with LA57 either */
	s.r.cr3 |= 0x123;
	expect(&s.r, LA5_1G, 0x1c2345678ull);
	/* another PML5 slot (511, the top of the high half) to the same PML4 */
	set64(0x9000, 0xffff8000c2345678ull, 4, 0x1000 | P);
	expect(&s.r, 0xffff8000c2345678ull, 0x1c2345678ull);
	reset();
	set64(0x9000, 0x0000000000401abcull, 4, 0x5000 | P);
	set64(0x5000, 0x0000000000401abcull, 3, 0x6000 | P);
	set64(0x6000, 0x0000000000401abcull, 2, 0x7000 | P);
	set64(0x7000, 0x0000000000401abcull, 1, 0x8000 | P);
	set64(0x8000, 0x0000000000401abcull, 0, 0xa000 | P);
	/* compatibility mode: a 32-bit address, still five levels */
	expect(&s.r, 0x00401abc, 0xaabc);
	assert_int_equal(gm.reads, 5);
	/* the top of the low half: PML5 index 0xff */
	set64(0x9000, 0x00ff000000000000ull, 4, 0x5000 | P);
	expect(&s.r, 0x00ff000000401abcull, 0xaabc);
}

static void five_level_not_present(void **state)
{
	uint64_t full[NLEVELS] = { RW, RW, RW, RW, RW };
	struct setup s = build_l5_4k(full);

	(void)state;
	/* another PML5 slot: nothing there */
	gm.reads = 0;
	expect_fail(&s.r, 0x00fe800012345678ull, GWALK_NOT_PRESENT);
	assert_int_equal(gm.reads, 1);
	/* each level in turn, bottom up */
	set64(0x4000, LA5_4K, 0, 0xabcdef000ull | RW);
	expect_fail(&s.r, LA5_4K, GWALK_NOT_PRESENT);
	set64(0x3000, LA5_4K, 1, 0x4000 | RW);
	expect_fail(&s.r, LA5_4K, GWALK_NOT_PRESENT);
	set64(0x2000, LA5_4K, 2, 0x3000 | RW);
	expect_fail(&s.r, LA5_4K, GWALK_NOT_PRESENT);
	set64(0x1000, LA5_4K, 3, 0x2000 | RW);
	expect_fail(&s.r, LA5_4K, GWALK_NOT_PRESENT);
	/* P = 0 in the PML5E wins over its reserved PS bit */
	set64(0x9000, LA5_4K, 4, 0x1000 | PS | RW);
	gm.reads = 0;
	expect_fail(&s.r, LA5_4K, GWALK_NOT_PRESENT);
	assert_int_equal(gm.reads, 1);
}

static void five_level_reserved(void **state)
{
	uint64_t full[NLEVELS] = { RW, RW, RW, RW, RW };
	struct setup s = build_l5_4k(full);

	(void)state;
	/* no 256 TiB pages: PS in a PML5E is reserved */
	set64(0x9000, LA5_4K, 4, 0x1000 | PS | RW | P);
	gm.reads = 0;
	expect_fail(&s.r, LA5_4K, GWALK_RESERVED);
	assert_int_equal(gm.reads, 1);
	/* XD in the PML5E without NXE; allowed with it */
	set64(0x9000, LA5_4K, 4, 0x1000 | NX | RW | P);
	expect_fail(&s.r, LA5_4K, GWALK_RESERVED);
	s.r.efer |= EFER_NXE;
	expect(&s.r, LA5_4K, 0xabcdef678ull);
	set64(0x9000, LA5_4K, 4, 0x1000 | RW | P);
	/* a PML4E below a PML5E: still no 512 GiB pages */
	set64(0x1000, LA5_4K, 3, 0x2000 | PS | RW | P);
	expect_fail(&s.r, LA5_4K, GWALK_RESERVED);
	/* large-page reserved bits as with four levels */
	s = build_l5_1g(full);
	set64(0x2000, LA5_1G, 2, 0x1c0000000ull | (1ull << 13) | PS | P);
	expect_fail(&s.r, LA5_1G, GWALK_RESERVED);
	s = build_l5_2m(full);
	set64(0x3000, LA5_2M, 1, 0x40000000ull | (1ull << 20) | PS | P);
	expect_fail(&s.r, LA5_2M, GWALK_RESERVED);
	/* the checked walk: P and RSVD in the error code */
	set64(0x3000, LA5_2M, 1, 0x40000000ull | PS | RW | P);
	set64(0x9000, LA5_2M, 4, 0x1000 | PS | US | RW | P);
	expect_pf(&s.r, LA5_2M, U_WRITE, GWALK_RESERVED,
		  E_P | E_RSVD | E_W | E_U);
}

/* Canonical: bits 63:47 equal with four levels, 63:56 with five. */
static void canonical_widths(void **state)
{
	struct gwalk_regs l4 = l4_regs, l5 = l5_regs;
	struct gwalk_regs pae = { .cr0 = CR0_PG | CR0_PE,
				  .cr4 = CR4_PAE | CR4_LA57 };
	struct gwalk_regs off = { .cr4 = CR4_LA57, .efer = EFER_LME };

	(void)state;
	assert_true(gwalk_canonical(&l4, 0x00007fffffffffffull));
	assert_false(gwalk_canonical(&l4, 0x0000800000000000ull));
	assert_true(gwalk_canonical(&l4, 0xffff800000000000ull));
	assert_false(gwalk_canonical(&l4, 0xfffe800000000000ull));
	assert_false(gwalk_canonical(&l4, LA5_4K));
	assert_true(gwalk_canonical(&l5, 0x0000800000000000ull));
	assert_true(gwalk_canonical(&l5, 0x00ffffffffffffffull));
	assert_false(gwalk_canonical(&l5, 0x0100000000000000ull));
	assert_true(gwalk_canonical(&l5, 0xff00000000000000ull));
	assert_false(gwalk_canonical(&l5, 0xfeffffffffffffffull));
	assert_false(gwalk_canonical(&l5, 0x8000000000000000ull));
	assert_true(gwalk_canonical(&l5, LA5_4K));
	/* outside IA-32e mode every address is (32 bits are used) */
	assert_true(gwalk_canonical(&pae, 0x8000000000000000ull));
	assert_true(gwalk_canonical(&off, 0x0000800000000000ull));
}

/* Non-canonical addresses: no entry read, no #PF error code. */
static void five_level_non_canonical(void **state)
{
	uint64_t full[NLEVELS] = { US | RW, US | RW, US | RW, US | RW,
				   US | RW };
	struct setup s = build_l5_4k(full);

	(void)state;
	gm.reads = 0;
	expect_fail(&s.r, LA5_4K ^ (1ull << 57), GWALK_NON_CANONICAL);
	expect_pf(&s.r, LA5_4K ^ (1ull << 63), U_WRITE, GWALK_NON_CANONICAL,
		  NO_ERR);
	assert_int_equal(gm.reads, 0);
	/* the same address with four levels is not canonical either */
	s.r.cr4 &= ~CR4_LA57;
	expect_fail(&s.r, LA5_4K, GWALK_NON_CANONICAL);
	expect_pf(&s.r, LA5_4K, S_READ, GWALK_NON_CANONICAL, NO_ERR);
	assert_int_equal(gm.reads, 0);
}

/*
 * The same tables and CR3 under CR4.LA57 = 1 and 0: the table at CR3 is a
 * PML5 or a PML4. 0x9000 holds both views: slot 511 (a PML5E for the top
 * 2^48 bytes) and slot 256 (the PML4E of LA4K in a 4-level walk).
 */
static void la57_transition(void **state)
{
	struct gwalk_regs r = l5_regs;

	(void)state;
	reset();
	/* five levels: PML5[511] -> PML4 0x1000 -> PDPT 0x2000 (1 GiB) */
	set64(0x9000, LA4K, 4, 0x1000 | RW | P);
	set64(0x1000, LA4K, 3, 0x2000 | RW | P);
	set64(0x2000, LA4K, 2, 0x1c0000000ull | PS | RW | P);
	/* four levels: PML4[256] -> PDPT 0xa000 -> PD 0xb000 (2 MiB) */
	set64(0x9000, LA4K, 3, 0xa000 | RW | P);
	set64(0xa000, LA4K, 2, 0xb000 | RW | P);
	set64(0xb000, LA4K, 1, 0x40000000ull | PS | RW | P);

	gm.reads = 0;
	expect(&r, LA4K, 0x1c0000000ull | (LA4K & 0x3fffffff));
	assert_int_equal(gm.reads, 3);
	r.cr4 &= ~CR4_LA57;
	gm.reads = 0;
	expect(&r, LA4K, 0x40000000ull | (LA4K & 0x1fffff));
	assert_int_equal(gm.reads, 3);
	/* and back: nothing is remembered between walks */
	r.cr4 |= CR4_LA57;
	expect(&r, LA4K, 0x1c0000000ull | (LA4K & 0x3fffffff));
	/* an address only five levels reach */
	expect_fail(&r, LA5_4K, GWALK_NOT_PRESENT);
	r.cr4 &= ~CR4_LA57;
	expect_fail(&r, LA5_4K, GWALK_NON_CANONICAL);
}

/* CR4.LA57 means nothing outside IA-32e mode (SDM Vol. 3A 4.1.1). */
static void la57_outside_ia32e(void **state)
{
	struct gwalk_regs pae = pae_tables();
	struct gwalk_regs r32 = { .cr0 = CR0_PG | CR0_PE, .cr3 = 0x1000,
				  .cr4 = CR4_PSE | CR4_LA57 };
	struct gwalk_regs off = { .cr0 = CR0_PE, .cr3 = 0x9000,
				  .cr4 = CR4_PAE | CR4_LA57,
				  .efer = EFER_LME };

	(void)state;
	/* PAE paging, LA57 set before long mode (Linux's trampoline) */
	pae.cr4 |= CR4_LA57;
	expect(&pae, 0xc0201abc, 0x123456abcull);
	assert_int_equal(gm.reads, 3);
	expect(&pae, 0x40400abc, 0x200600abcull);
	/* 32-bit paging */
	reset();
	put32(0x1fec, 0xfec00000 | PS | RW | P);
	expect(&r32, 0xfee000b0, 0xfee000b0);
	/* paging off with LME and LA57: physical, 32 bits */
	reset();
	expect(&off, 0x100000000ull | 0x7c00, 0x7c00);
	assert_int_equal(gm.reads, 0);
}

/* A PML5 in no memory: an all-ones PML5E, present with PS (reserved). */
static void five_level_reads_ones(void **state)
{
	uint64_t full[NLEVELS] = { RW, RW, RW, RW, RW };
	struct setup s = build_l5_4k(full);

	(void)state;
	s.r.cr3 = 0x10000;
	assert_int_equal(walk_ones(&s.r, LA5_4K, GWALK_WRITE), GWALK_RESERVED);
	assert_int_equal(err, E_P | E_W | E_RSVD);
	assert_int_equal(out, NO_GPA);
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
		cmocka_unit_test(no_memory),
		cmocka_unit_test(no_memory_reads_ones),
		cmocka_unit_test(strerror_names),
		cmocka_unit_test(access_rules),
		cmocka_unit_test(access_rules_xd),
		cmocka_unit_test(access_combines_levels),
		cmocka_unit_test(paging32_no_xd),
		cmocka_unit_test(access_not_present),
		cmocka_unit_test(access_pae_pdpte_not_present),
		cmocka_unit_test(access_reserved),
		cmocka_unit_test(access_paging_off),
		cmocka_unit_test(access_no_fault_cases),
		cmocka_unit_test(translate_ignores_rights),
		cmocka_unit_test(five_level_pages),
		cmocka_unit_test(five_level_not_present),
		cmocka_unit_test(five_level_reserved),
		cmocka_unit_test(canonical_widths),
		cmocka_unit_test(five_level_non_canonical),
		cmocka_unit_test(la57_transition),
		cmocka_unit_test(la57_outside_ia32e),
		cmocka_unit_test(five_level_reads_ones),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
