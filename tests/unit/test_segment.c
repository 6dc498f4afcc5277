/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vmx/segment.c: live selectors + GDT -> VMCS guest segment fields, checked
 * on a GDT laid out like OVMF's and on every refusal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vmx/segment.h"

/* Builds an 8-byte descriptor (SDM Vol. 3A 3.4.5). */
static uint64_t desc(uint32_t base, uint32_t limit, unsigned type, unsigned s,
		     unsigned dpl, unsigned p, unsigned l, unsigned db,
		     unsigned g)
{
	return (limit & 0xffffull) | ((uint64_t)(base & 0xffffff) << 16) |
	       ((uint64_t)type << 40) | ((uint64_t)s << 44) |
	       ((uint64_t)dpl << 45) | ((uint64_t)p << 47) |
	       ((uint64_t)((limit >> 16) & 0xf) << 48) | ((uint64_t)l << 53) |
	       ((uint64_t)db << 54) | ((uint64_t)g << 55) |
	       ((uint64_t)(base >> 24) << 56);
}

static uint64_t gdt[16];
static const char *why;

static void setup_gdt(void)
{
	memset(gdt, 0, sizeof(gdt));
	gdt[1] = desc(0, 0xfffff, 0x3, 1, 0, 1, 0, 1, 1);  /* 0x08 flat data, not accessed */
	gdt[2] = desc(0, 0xfffff, 0xb, 1, 0, 1, 0, 1, 1);  /* 0x10 32-bit code */
	gdt[7] = desc(0, 0xfffff, 0xb, 1, 0, 1, 1, 0, 1);  /* 0x38 64-bit code (OVMF) */
	/* 0x40: 64-bit TSS at 0x12345678_9abcd000, limit 0x67, available */
	gdt[8] = desc(0x9abcd000, 0x67, 0x9, 0, 0, 1, 0, 0, 0);
	gdt[9] = 0x12345678;
	/* 0x50: LDT at 0x1000, limit 0xfff */
	gdt[10] = desc(0x1000, 0xfff, 0x2, 0, 0, 1, 0, 0, 0);
	gdt[11] = 0;
	gdt[12] = desc(0x5000, 0x10, 0x3, 1, 0, 0, 0, 0, 0); /* 0x60 not present */
}

static bool take(uint16_t sel, enum seg_kind kind, struct seg_state *s)
{
	why = "";
	return seg_from_gdt(gdt, sizeof(gdt) - 1, sel, kind, s, &why);
}

static void code64(void **state)
{
	struct seg_state s;

	(void)state;
	setup_gdt();
	assert_true(take(0x38, SEG_CODE_DATA, &s));
	assert_int_equal(s.sel, 0x38);
	assert_int_equal(s.base, 0);
	assert_int_equal(s.limit, 0xffffffff);
	/* type 0xb, S, P, L, G; DPL 0 */
	assert_int_equal(s.ar, 0xb | AR_S | AR_P | AR_L | AR_G);
}

static void data_gets_accessed_bit(void **state)
{
	struct seg_state s;

	(void)state;
	setup_gdt();
	assert_true(take(0x08, SEG_CODE_DATA, &s));
	assert_int_equal(s.ar, 0x3 | AR_S | AR_P | AR_DB | AR_G);
	assert_int_equal(s.limit, 0xffffffff);
}

static void null_selectors(void **state)
{
	struct seg_state s;

	(void)state;
	setup_gdt();
	assert_true(take(0, SEG_CODE_DATA, &s));
	assert_int_equal(s.ar, AR_UNUSABLE);
	assert_true(take(3, SEG_LDTR, &s)); /* RPL does not matter for null */
	assert_int_equal(s.ar, AR_UNUSABLE);
	/* a null TR becomes a minimal busy 64-bit TSS: entry needs one */
	assert_true(take(0, SEG_TR, &s));
	assert_int_equal(s.ar, AR_P | AR_TYPE_TSS64_BUSY);
	assert_int_equal(s.limit, 0x67);
	assert_int_equal(s.base, 0);
}

static void tss_is_16_bytes_and_busy(void **state)
{
	struct seg_state s;

	(void)state;
	setup_gdt();
	assert_true(take(0x40, SEG_TR, &s));
	assert_int_equal(s.base, 0x123456789abcd000ull);
	assert_int_equal(s.limit, 0x67);
	assert_int_equal(s.ar, AR_P | AR_TYPE_TSS64_BUSY);
}

static void ldt(void **state)
{
	struct seg_state s;

	(void)state;
	setup_gdt();
	assert_true(take(0x50, SEG_LDTR, &s));
	assert_int_equal(s.base, 0x1000);
	assert_int_equal(s.limit, 0xfff);
	assert_int_equal(s.ar, AR_P | 0x2);
}

static void refusals(void **state)
{
	struct seg_state s;

	(void)state;
	setup_gdt();
	assert_false(take(0x0c, SEG_CODE_DATA, &s));
	assert_string_equal(why, "selector points into an LDT");
	assert_false(take(0x80, SEG_CODE_DATA, &s));
	assert_string_equal(why, "selector beyond the GDT limit");
	/* a 16-byte TSS whose second half would lie past the limit */
	assert_false(seg_from_gdt(gdt, 0x47, 0x40, SEG_TR, &s, &why));
	assert_string_equal(why, "selector beyond the GDT limit");
	assert_false(take(0x60, SEG_CODE_DATA, &s));
	assert_string_equal(why, "descriptor not present");
	assert_false(take(0x40, SEG_CODE_DATA, &s));
	assert_string_equal(why, "system descriptor in a code/data register");
	assert_false(take(0x38, SEG_TR, &s));
	assert_string_equal(why, "code/data descriptor in TR or LDTR");
	assert_false(take(0x50, SEG_TR, &s));
	assert_string_equal(why, "TR does not hold a 64-bit TSS");
	assert_false(take(0x40, SEG_LDTR, &s));
	assert_string_equal(why, "LDTR does not hold an LDT descriptor");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(code64),
		cmocka_unit_test(data_gets_accessed_bit),
		cmocka_unit_test(null_selectors),
		cmocka_unit_test(tss_is_16_bytes_and_busy),
		cmocka_unit_test(ldt),
		cmocka_unit_test(refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
