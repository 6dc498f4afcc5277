/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The fault-log reader (drivers/vtd_faults.c) on a fake register file with
 * QEMU's layout (CAP recorded from q35 + intel-iommu: records at 0x220) and
 * a hardware-like one with 8 records: every pending record reported once,
 * decoded, cleared, in round-robin order from FSTS.FRI; overflow reported
 * and cleared; nothing read when nothing is pending.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/vtd.h"
#include "drivers/vtd_faults.h"
#include "tests/unit/dmar_tables.h"

static uint8_t regs[0x1000];
static unsigned record_reads;

static uint32_t rd32(void *arg, unsigned off)
{
	(void)arg;
	uint32_t v;

	memcpy(&v, regs + off, 4);
	return v;
}

static uint64_t rd64(void *arg, unsigned off)
{
	(void)arg;
	uint64_t v;

	memcpy(&v, regs + off, 8);
	if (off != VTD_FSTS)
		record_reads++;
	return v;
}

/* FSTS.PFO and FRCD.F are write-1-to-clear; PPF follows the F bits. */
static void wr32(void *arg, unsigned off, uint32_t v)
{
	(void)arg;
	uint32_t cur = rd32(NULL, off);

	if (off == VTD_FSTS)
		cur &= ~(v & VTD_FSTS_PFO);
	else
		cur &= ~(v & 0x80000000u);
	memcpy(regs + off, &cur, 4);
}

static const struct vtd_regs fake = {rd32, rd64, wr32, NULL};

static struct vtd_fault seen[16];
static unsigned nseen;

static void report(void *arg, const struct vtd_fault *f)
{
	assert_ptr_equal(arg, &nseen);
	seen[nseen++] = *f;
}

static void put_record(uint64_t cap, unsigned i, uint64_t lo, uint64_t hi)
{
	unsigned at = VTD_CAP_FRO(cap) + 16 * i;

	memcpy(regs + at, &lo, 8);
	memcpy(regs + at + 8, &hi, 8);
}

static void set_fsts(uint32_t v)
{
	memcpy(regs + VTD_FSTS, &v, 4);
}

static uint64_t record_hi(uint64_t cap, unsigned i)
{
	uint64_t v;

	memcpy(&v, regs + VTD_CAP_FRO(cap) + 16 * i + 8, 8);
	return v;
}

static int reset(void **state)
{
	(void)state;
	memset(regs, 0, sizeof(regs));
	nseen = 0;
	record_reads = 0;
	return 0;
}

static void test_qemu_one_record(void **state)
{
	(void)state;
	uint64_t cap = QEMU_Q35_CAP;
	bool overflow = true;

	assert_int_equal(VTD_CAP_FRO(cap), 0x220);
	assert_int_equal(VTD_CAP_NFR(cap), 1);
	/* what dmaattack saw: a write of L0's canary page by 00:1f.2, reason 5
	 */
	put_record(cap, 0, 0x1dbd4123,
		   VTD_FRCD_F | (5ull << 32) | (0x1f << 3 | 2));
	set_fsts(VTD_FSTS_PPF);
	assert_int_equal(vtd_take_faults(&fake, cap, report, &nseen, &overflow),
			 1);
	assert_false(overflow);
	assert_int_equal(seen[0].addr, 0x1dbd4000);
	assert_int_equal(seen[0].sid, 0xfa);
	assert_int_equal(seen[0].reason, 5);
	assert_false(seen[0].read);
	assert_int_equal(seen[0].record, 0);
	assert_false(record_hi(cap, 0) & VTD_FRCD_F); /* cleared */
	/* taken once only */
	nseen = 0;
	assert_int_equal(vtd_take_faults(&fake, cap, report, &nseen, &overflow),
			 0);
}

static void test_round_robin_from_fri(void **state)
{
	(void)state;
	/* 8 records at 0x100 (FRO 0x10, NFR 7) */
	uint64_t cap = (0x10ull << 24) | (7ull << 40);
	bool overflow;

	put_record(cap, 1, 0x1000,
		   VTD_FRCD_F | VTD_FRCD_T | (6ull << 32) | 0x10);
	put_record(cap, 6, 0x6000, VTD_FRCD_F | (5ull << 32) | 0x60);
	put_record(cap, 7, 0x7000,
		   VTD_FRCD_F | VTD_FRCD_T | (6ull << 32) | 0x70);
	put_record(cap, 3, 0x3000, 0);	  /* not pending */
	set_fsts(VTD_FSTS_PPF | 6u << 8); /* FRI = 6 */
	assert_int_equal(vtd_take_faults(&fake, cap, report, &nseen, &overflow),
			 3);
	assert_int_equal(nseen, 3);
	assert_int_equal(seen[0].record, 6);
	assert_int_equal(seen[1].record, 7);
	assert_int_equal(seen[2].record, 1);
	assert_true(seen[2].read);
	assert_int_equal(seen[2].sid, 0x10);
	assert_int_equal(seen[2].reason, 6);
	assert_int_equal(seen[1].addr, 0x7000);
	for (unsigned i = 0; i < 8; i++)
		assert_false(record_hi(cap, i) & VTD_FRCD_F);
}

static void test_overflow(void **state)
{
	(void)state;
	uint64_t cap = QEMU_Q35_CAP;
	bool overflow = false;

	set_fsts(VTD_FSTS_PFO);
	assert_int_equal(vtd_take_faults(&fake, cap, report, &nseen, &overflow),
			 0);
	assert_true(overflow);
	assert_int_equal(rd32(NULL, VTD_FSTS) & VTD_FSTS_PFO, 0);
}

static void test_nothing_pending_reads_no_record(void **state)
{
	(void)state;
	uint64_t cap = QEMU_Q35_CAP;
	bool overflow = true;

	/* a stale F bit without PPF: FSTS says nothing is pending */
	put_record(cap, 0, 0x5000, VTD_FRCD_F);
	assert_int_equal(vtd_take_faults(&fake, cap, report, &nseen, &overflow),
			 0);
	assert_false(overflow);
	assert_int_equal(record_reads, 0);
	assert_int_equal(nseen, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_qemu_one_record, reset),
	    cmocka_unit_test_setup(test_round_robin_from_fri, reset),
	    cmocka_unit_test_setup(test_overflow, reset),
	    cmocka_unit_test_setup(test_nothing_pending_reads_no_record, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
