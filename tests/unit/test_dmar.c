/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ACPI walk (drivers/acpi.c), the DMAR parser (drivers/dmar.c) and the
 * VT-d plan (drivers/vtd_plan.c): a table recorded from QEMU q35 +
 * intel-iommu, tables built here, and every malformed case refused with its
 * own message and nothing taken from it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/acpi.h"
#include "drivers/dmar.h"
#include "drivers/vtd.h"
#include "tests/unit/dmar_tables.h"

static uint8_t t[1024];
static struct dmar_info info;
static char err[256];

static void fix_sum(uint8_t *p, uint32_t len, unsigned at)
{
	p[at] = 0;
	p[at] = (uint8_t)(0x100 - acpi_sum(p, len));
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* A DMAR header in t; returns its length (48). */
static uint32_t header(void)
{
	memset(t, 0, sizeof(t));
	memcpy(t, "DMAR", 4);
	t[8] = 1;
	t[36] = 38; /* 39-bit */
	return 48;
}

static uint32_t drhd(uint32_t at, uint64_t base, uint8_t flags,
		     uint8_t size_log2)
{
	put16(t + at, 0);
	put16(t + at + 2, 16 + 8); /* one endpoint scope */
	t[at + 4] = flags;
	t[at + 5] = size_log2;
	put64(t + at + 8, base);
	t[at + 16] = 1; /* PCI endpoint */
	t[at + 17] = 8; /* 6 + one (dev, fn) */
	t[at + 21] = 0; /* start bus */
	t[at + 22] = 2; /* device */
	t[at + 23] = 0; /* function */
	return at + 24;
}

static uint32_t rmrr(uint32_t at, uint64_t base, uint64_t limit)
{
	put16(t + at, 1);
	put16(t + at + 2, 24);
	put64(t + at + 8, base);
	put64(t + at + 16, limit);
	return at + 24;
}

static void finish(uint32_t len)
{
	put32(t + 4, len);
	fix_sum(t, len, 9);
}

static void expect_refused(uint32_t avail, const char *msg)
{
	memset(&info, 0x5a, sizeof(info));
	assert_false(dmar_parse(t, avail, &info, err, sizeof(err)));
	assert_non_null(strstr(err, msg));
	/* nothing taken from a bad table */
	assert_int_equal(info.nunits, 0);
	assert_int_equal(info.nrmrr, 0);
	assert_int_equal(info.unit[0].reg_pa, 0);
}

static void test_qemu_q35(void **state)
{
	(void)state;
	assert_true(dmar_parse(dmar_qemu_q35, sizeof(dmar_qemu_q35), &info, err,
			       sizeof(err)));
	assert_int_equal(info.haw, 39);
	assert_int_equal(info.flags, 1);
	assert_int_equal(info.nunits, 1);
	assert_int_equal(info.unit[0].reg_pa, 0xfed90000);
	assert_int_equal(info.unit[0].reg_size, 0x1000);
	assert_int_equal(info.unit[0].segment, 0);
	assert_int_equal(info.unit[0].flags, 0);
	assert_int_equal(info.unit[0].nscopes, 5);
	assert_int_equal(info.nrmrr, 0);
}

static void test_built_units_and_rmrr(void **state)
{
	(void)state;
	uint32_t at = header();

	at = drhd(at, 0xfed90000, 0, 0);
	at = drhd(at, 0xfed91000, DMAR_INCLUDE_PCI_ALL, 1);
	at = rmrr(at, 0x7c000000, 0x7c7fffff);
	finish(at);
	assert_true(dmar_parse(t, at, &info, err, sizeof(err)));
	assert_int_equal(info.nunits, 2);
	assert_int_equal(info.unit[1].reg_pa, 0xfed91000);
	assert_int_equal(info.unit[1].reg_size, 0x2000);
	assert_int_equal(info.unit[1].flags, DMAR_INCLUDE_PCI_ALL);
	assert_int_equal(info.unit[1].nscopes, 1);
	assert_int_equal(info.nrmrr, 1);
	assert_int_equal(info.rmrr[0].base, 0x7c000000);
	assert_int_equal(info.rmrr[0].end, 0x7c800000);
}

static void test_unknown_structures_skipped(void **state)
{
	(void)state;
	uint32_t at = header();

	put16(t + at, 2); /* ATSR */
	put16(t + at + 2, 8);
	at = drhd(at + 8, 0xfed90000, 1, 0);
	finish(at);
	assert_true(dmar_parse(t, at, &info, err, sizeof(err)));
	assert_int_equal(info.nunits, 1);
}

static void test_bad_signature(void **state)
{
	(void)state;
	uint32_t at = drhd(header(), 0xfed90000, 1, 0);

	t[0] = 'X';
	finish(at);
	expect_refused(at, "DMAR: bad signature");
}

static void test_bad_length(void **state)
{
	(void)state;
	uint32_t at = drhd(header(), 0xfed90000, 1, 0);

	finish(at);
	put32(t + 4, at + 1); /* claims more than there is */
	fix_sum(t, at, 9);
	expect_refused(at, "DMAR: bad length");
	put32(t + 4, 40); /* shorter than the header */
	expect_refused(at, "DMAR: bad length 40");
	expect_refused(30, "shorter than its 48-byte header");
}

static void test_bad_checksum(void **state)
{
	(void)state;
	uint32_t at = drhd(header(), 0xfed90000, 1, 0);

	finish(at);
	t[at - 1] ^= 1;
	expect_refused(at, "DMAR: bad checksum");
	uint8_t copy[sizeof(dmar_qemu_q35)];

	memcpy(copy, dmar_qemu_q35, sizeof(copy));
	copy[9]++;
	memset(&info, 0x5a, sizeof(info));
	assert_false(dmar_parse(copy, sizeof(copy), &info, err, sizeof(err)));
	assert_string_equal(err, "DMAR: bad checksum");
	assert_int_equal(info.nunits, 0);
}

static void test_truncated_structure(void **state)
{
	(void)state;
	uint32_t at = drhd(header(), 0xfed90000, 1, 0);

	put16(t + 48 + 2, 32); /* runs 8 bytes past the end */
	finish(at);
	expect_refused(at, "structure at offset 48 has length 32: runs past "
			   "the table's end (72)");
	put16(t + 48 + 2, 2); /* too short to be a structure */
	finish(at);
	expect_refused(at, "structure at offset 48 has length 2");
	/* the recorded table cut short inside its DRHD */
	memcpy(t, dmar_qemu_q35, sizeof(dmar_qemu_q35));
	finish(sizeof(dmar_qemu_q35) - 8);
	expect_refused(sizeof(dmar_qemu_q35) - 8,
		       "structure at offset 48 has length 56");
	/* a DRHD shorter than its fixed part */
	at = header();
	put16(t + at, 0);
	put16(t + at + 2, 12);
	finish(at + 12);
	expect_refused(at + 12, "DRHD at offset 48 is 12 bytes, less than 16");
}

static void test_bad_scope(void **state)
{
	(void)state;
	uint32_t at = drhd(header(), 0xfed90000, 0, 0);

	t[48 + 17] = 9; /* odd path length */
	finish(at);
	expect_refused(
	    at,
	    "device scope 0 of the structure at offset 48 has a bad length 9");
	t[48 + 17] = 10; /* past the DRHD's end */
	finish(at);
	expect_refused(at, "bad length 10 (8 bytes left)");
	t[48 + 17] = 4; /* shorter than a scope */
	finish(at);
	expect_refused(at, "bad length 4");
}

static void test_overlapping_units(void **state)
{
	(void)state;
	uint32_t at = header();

	at = drhd(at, 0xfed90000, 0, 1); /* two pages */
	at = drhd(at, 0xfed91000, 1, 0);
	finish(at);
	expect_refused(at,
		       "DMAR: DRHD at offset 72: registers 0xfed91000+0x1000 "
		       "overlap unit 0's 0xfed90000+0x2000");
	at = header();
	at = drhd(at, 0xfed90000, 0, 0);
	at = drhd(at, 0xfed90000, 1, 0);
	finish(at);
	expect_refused(at, "overlap unit 0's");
}

static void test_misaligned_unit(void **state)
{
	(void)state;
	uint32_t at = drhd(header(), 0xfed90800, 1, 0);

	finish(at);
	expect_refused(at, "bad register base 0xfed90800");
	at = drhd(header(), 0, 1, 0);
	finish(at);
	expect_refused(at, "bad register base 0x0");
}

static void test_zero_units(void **state)
{
	(void)state;
	uint32_t at = header();

	finish(at);
	expect_refused(at, "DMAR: no DRHD unit");
	at = rmrr(at, 0x7c000000, 0x7c7fffff);
	finish(at);
	expect_refused(at, "DMAR: no DRHD unit");
}

static void test_bad_rmrr(void **state)
{
	(void)state;
	uint32_t at = drhd(header(), 0xfed90000, 1, 0);
	uint32_t end = rmrr(at, 0x7c000000, 0x7c000ffe);

	finish(end);
	expect_refused(
	    end, "RMRR at offset 72 has a bad range 0x7c000000..0x7c000ffe");
	end = rmrr(at, 0x7c001000, 0x7c000fff); /* limit below base */
	finish(end);
	expect_refused(end, "bad range");
}

static void test_too_many_units(void **state)
{
	(void)state;
	uint32_t at = header();

	for (unsigned i = 0; i <= DMAR_UNITS_MAX; i++)
		at = drhd(at, 0xfed00000 + i * 0x1000ull, 0, 0);
	finish(at);
	expect_refused(at, "more than 16 DRHD units");
}

static void test_hide(void **state)
{
	(void)state;
	uint8_t copy[sizeof(dmar_qemu_q35)];

	memcpy(copy, dmar_qemu_q35, sizeof(copy));
	dmar_hide(copy);
	assert_memory_equal(copy, "XMAR", 4);
	assert_int_equal(acpi_sum(copy, sizeof(copy)), 0);
	assert_memory_equal(copy + 4, dmar_qemu_q35 + 4,
			    5); /* length, revision */
	assert_memory_equal(copy + 10, dmar_qemu_q35 + 10, sizeof(copy) - 10);
	assert_false(dmar_parse(copy, sizeof(copy), &info, err, sizeof(err)));
	assert_string_equal(err, "DMAR: bad signature");
}

/* ---- the ACPI walk over a fake physical memory ---- */

#define MEM_BASE 0x10000u
static uint8_t mem[0x4000];

static const void *fake_ptr(void *arg, uint64_t pa, uint64_t len)
{
	(void)arg;
	if (pa < MEM_BASE || pa + len > MEM_BASE + sizeof(mem))
		return NULL;
	return mem + (pa - MEM_BASE);
}

static const struct acpi_mem fake = {fake_ptr, 0};

#define RSDP 0x10000u
#define XSDT 0x10100u
#define RSDT 0x10200u
#define FACP 0x10400u
#define DMAR 0x10800u

static uint8_t *at_pa(uint64_t pa)
{
	return mem + (pa - MEM_BASE);
}

static void sdt(uint64_t pa, const char *sig, uint32_t len)
{
	memcpy(at_pa(pa), sig, 4);
	put32(at_pa(pa) + 4, len);
	fix_sum(at_pa(pa), len, 9);
}

/* RSDP revision rev, XSDT -> FACP, DMAR; RSDT -> FACP, DMAR. */
static int acpi_setup(void **state)
{
	(void)state;
	memset(mem, 0, sizeof(mem));
	uint8_t *r = at_pa(RSDP);

	memcpy(r, "RSD PTR ", 8);
	r[15] = 2;
	put32(r + 16, RSDT);
	put32(r + 20, 36);
	put64(r + 24, XSDT);
	fix_sum(r, 20, 8);
	fix_sum(r, 36, 32);
	put64(at_pa(XSDT) + 36, FACP);
	put64(at_pa(XSDT) + 44, DMAR);
	sdt(XSDT, "XSDT", 52);
	put32(at_pa(RSDT) + 36, FACP);
	put32(at_pa(RSDT) + 40, DMAR);
	sdt(RSDT, "RSDT", 44);
	sdt(FACP, "FACP", 64);
	memcpy(at_pa(DMAR), dmar_qemu_q35, sizeof(dmar_qemu_q35));
	return 0;
}

static void test_acpi_finds_dmar(void **state)
{
	(void)state;
	uint64_t pa = 0;
	uint32_t len = 0;

	assert_int_equal(
	    acpi_find_table(&fake, RSDP, "DMAR", &pa, &len, err, sizeof(err)),
	    ACPI_FOUND);
	assert_int_equal(pa, DMAR);
	assert_int_equal(len, sizeof(dmar_qemu_q35));
	assert_int_equal(
	    acpi_find_table(&fake, RSDP, "HPET", &pa, &len, err, sizeof(err)),
	    ACPI_NOT_FOUND);
	/* revision 0: the RSDT */
	at_pa(RSDP)[15] = 0;
	fix_sum(at_pa(RSDP), 20, 8);
	put32(at_pa(XSDT), 0); /* the XSDT is no longer looked at */
	assert_int_equal(
	    acpi_find_table(&fake, RSDP, "DMAR", &pa, &len, err, sizeof(err)),
	    ACPI_FOUND);
	assert_int_equal(pa, DMAR);
}

static void test_acpi_hidden_dmar(void **state)
{
	(void)state;
	uint64_t pa = 0;
	uint32_t len = 0;

	dmar_hide(at_pa(DMAR));
	assert_int_equal(
	    acpi_find_table(&fake, RSDP, "DMAR", &pa, &len, err, sizeof(err)),
	    ACPI_NOT_FOUND);
	assert_int_equal(
	    acpi_find_table(&fake, RSDP, "XMAR", &pa, &len, err, sizeof(err)),
	    ACPI_FOUND);
}

static void test_acpi_refusals(void **state)
{
	(void)state;
	uint64_t pa;
	uint32_t len;

	at_pa(RSDP)[8]++;
	assert_int_equal(
	    acpi_find_table(&fake, RSDP, "DMAR", &pa, &len, err, sizeof(err)),
	    ACPI_BAD);
	assert_string_equal(err, "ACPI RSDP at 0x10000: bad checksum");
	acpi_setup(state);
	assert_int_equal(acpi_find_table(&fake, 0x20000, "DMAR", &pa, &len, err,
					 sizeof(err)),
			 ACPI_BAD);
	assert_string_equal(err, "ACPI RSDP at 0x20000: not readable");
	at_pa(XSDT)[40] ^= 0xff;
	assert_int_equal(
	    acpi_find_table(&fake, RSDP, "DMAR", &pa, &len, err, sizeof(err)),
	    ACPI_BAD);
	assert_string_equal(err, "ACPI XSDT at 0x10100: bad checksum");
	acpi_setup(state);
	put32(at_pa(XSDT) + 4, 51); /* not whole entries */
	fix_sum(at_pa(XSDT), 51, 9);
	assert_int_equal(
	    acpi_find_table(&fake, RSDP, "DMAR", &pa, &len, err, sizeof(err)),
	    ACPI_BAD);
	assert_non_null(
	    strstr(err, "length 51 is not a whole number of entries"));
	acpi_setup(state);
	put32(at_pa(XSDT) + 4, 0x100000 + 1);
	assert_int_equal(
	    acpi_find_table(&fake, RSDP, "DMAR", &pa, &len, err, sizeof(err)),
	    ACPI_BAD);
	assert_string_equal(err, "ACPI XSDT at 0x10100: bad length 1048577");
	acpi_setup(state);
	at_pa(DMAR)[60] ^= 1; /* the DMAR's own checksum */
	assert_int_equal(
	    acpi_find_table(&fake, RSDP, "DMAR", &pa, &len, err, sizeof(err)),
	    ACPI_BAD);
	assert_string_equal(err, "ACPI DMAR at 0x10800: bad checksum");
	acpi_setup(state);
	put32(at_pa(DMAR) + 4, 0x3900); /* runs past readable memory */
	assert_int_equal(
	    acpi_find_table(&fake, RSDP, "DMAR", &pa, &len, err, sizeof(err)),
	    ACPI_BAD);
	assert_string_equal(err,
			    "ACPI DMAR at 0x10800: 14592 bytes not readable");
}

/* ---- vtd_plan ---- */

static void test_plan_qemu(void **state)
{
	(void)state;
	uint64_t cap = QEMU_Q35_CAP, ecap = QEMU_Q35_ECAP;
	struct vtd_plan p;

	assert_true(vtd_plan(&cap, &ecap, 1, 4ull << 30, &p, err, sizeof(err)));
	assert_int_equal(p.levels, 3);
	assert_true(p.large_1g);
	assert_true(p.flush_cache); /* QEMU's ECAP.C is 0 */
	assert_int_equal(p.did, 1);
	assert_int_equal(p.top, 4ull << 30);
	assert_true(vtd_plan(&cap, &ecap, 1, 1ull << 40, &p, err, sizeof(err)));
	assert_int_equal(p.top, 1ull << 39); /* MGAW 39 */
}

static void test_plan_mixed(void **state)
{
	(void)state;
	/* SAGAW 3+4 level, 2M only, coherent; MGAW 48 */
	uint64_t a = (0x6ull << 8) | (47ull << 16) | (1ull << 34);
	uint64_t cap[2] = {a, a | (2ull << 34)}, ecap[2] = {1, 1};
	struct vtd_plan p;

	assert_true(vtd_plan(cap, ecap, 2, 1ull << 40, &p, err, sizeof(err)));
	assert_int_equal(p.levels, 4);
	assert_false(p.large_1g); /* unit 0 has no 1 GiB pages */
	assert_false(p.flush_cache);
	assert_int_equal(p.top, 1ull << 40);
	cap[1] =
	    (0x2ull << 8) | (38ull << 16) | (3ull << 34); /* 3-level only */
	assert_true(vtd_plan(cap, ecap, 2, 1ull << 40, &p, err, sizeof(err)));
	assert_int_equal(p.levels, 3);
	cap[1] =
	    (0x8ull << 8) | (56ull << 16) | (3ull << 34); /* 5-level only */
	assert_false(vtd_plan(cap, ecap, 2, 1ull << 40, &p, err, sizeof(err)));
	assert_non_null(strstr(err, "share no 3- or 4-level"));
	cap[1] = (0x6ull << 8) | (47ull << 16); /* no super-pages */
	assert_false(vtd_plan(cap, ecap, 2, 1ull << 40, &p, err, sizeof(err)));
	assert_non_null(strstr(err, "lacks 2 MiB super-pages"));
	assert_false(vtd_plan(cap, ecap, 0, 1ull << 40, &p, err, sizeof(err)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_qemu_q35),
	    cmocka_unit_test(test_built_units_and_rmrr),
	    cmocka_unit_test(test_unknown_structures_skipped),
	    cmocka_unit_test(test_bad_signature),
	    cmocka_unit_test(test_bad_length),
	    cmocka_unit_test(test_bad_checksum),
	    cmocka_unit_test(test_truncated_structure),
	    cmocka_unit_test(test_bad_scope),
	    cmocka_unit_test(test_overlapping_units),
	    cmocka_unit_test(test_misaligned_unit),
	    cmocka_unit_test(test_zero_units),
	    cmocka_unit_test(test_bad_rmrr),
	    cmocka_unit_test(test_too_many_units),
	    cmocka_unit_test(test_hide),
	    cmocka_unit_test_setup(test_acpi_finds_dmar, acpi_setup),
	    cmocka_unit_test_setup(test_acpi_hidden_dmar, acpi_setup),
	    cmocka_unit_test_setup(test_acpi_refusals, acpi_setup),
	    cmocka_unit_test(test_plan_qemu),
	    cmocka_unit_test(test_plan_mixed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
