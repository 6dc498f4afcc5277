/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vmx/decode.c: MOV stores as compilers and assemblers emit them for MMIO.
 * Each byte sequence comes from GNU as (--64, --32, .code16) and was
 * checked against objdump -d; the comment above it is the source line.
 * Every accepted instruction is also fed with each shorter prefix of its
 * bytes (must be "truncated") and with trailing junk (must not change the
 * length), as the exit handler fetches 15 bytes whatever the instruction.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vmx/decode.h"

#define B(...) (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })

static struct decoded_store st;
static const char *why;

static bool dec(enum decode_mode mode, const uint8_t *b, unsigned n)
{
	why = "";
	memset(&st, 0xa5, sizeof(st));
	return decode_store(b, n, mode, &st, &why);
}

/* Decodes b exactly, then padded to 15 bytes, then cut short at every length. */
static void accept(enum decode_mode mode, const uint8_t *b, size_t n)
{
	uint8_t padded[DECODE_MAX_LEN];
	struct decoded_store exact;

	assert_true(n <= DECODE_MAX_LEN);
	if (!dec(mode, b, n))
		fail_msg("refused: %s", why);
	assert_int_equal(st.length, n);
	exact = st;

	memset(padded, 0xcc, sizeof(padded));
	memcpy(padded, b, n);
	assert_true(dec(mode, padded, sizeof(padded)));
	assert_int_equal(st.length, exact.length);
	assert_int_equal(st.size, exact.size);
	assert_int_equal(st.src_is_reg, exact.src_is_reg);
	assert_int_equal(st.src_reg, exact.src_reg);
	assert_int_equal(st.src_high_byte, exact.src_high_byte);
	assert_int_equal(st.imm, exact.imm);

	for (unsigned k = 0; k < n; k++) {
		assert_false(dec(mode, b, k));
		assert_string_equal(why, "instruction bytes truncated");
	}
	st = exact;
}

static void reg_store(enum decode_mode mode, const uint8_t *b, size_t n,
		      unsigned size, unsigned reg, bool high)
{
	accept(mode, b, n);
	assert_int_equal(st.size, size);
	assert_true(st.src_is_reg);
	assert_int_equal(st.src_reg, reg);
	assert_int_equal(st.src_high_byte, high);
	assert_int_equal(st.imm, 0);
}

static void imm_store(enum decode_mode mode, const uint8_t *b, size_t n,
		      unsigned size, uint64_t imm)
{
	accept(mode, b, n);
	assert_int_equal(st.size, size);
	assert_false(st.src_is_reg);
	assert_false(st.src_high_byte);
	assert_int_equal(st.imm, imm);
}

static void refuse(enum decode_mode mode, const uint8_t *b, size_t n,
		   const char *reason)
{
	assert_false(dec(mode, b, n));
	assert_string_equal(why, reason);
}

static void lapic_stores_64(void **state)
{
	(void)state;
	/* mov %edx,(%rcx) */
	reg_store(DECODE_64, B(0x89, 0x11), 4, 2, false);
	/* mov %eax,0x300(%rdx) */
	reg_store(DECODE_64, B(0x89, 0x82, 0x00, 0x03, 0x00, 0x00), 4, 0, false);
	/* movl $0xc4500,0x300(%rax) */
	imm_store(DECODE_64, B(0xc7, 0x80, 0x00, 0x03, 0x00, 0x00, 0x00, 0x45, 0x0c, 0x00), 4, 0xc4500);
	/* mov %r8d,0xb0(%r9) */
	reg_store(DECODE_64, B(0x45, 0x89, 0x81, 0xb0, 0x00, 0x00, 0x00), 4, 8, false);
	/* mov %esi,-0x4(%rbp) */
	reg_store(DECODE_64, B(0x89, 0x75, 0xfc), 4, 6, false);
	/* mov %eax,0x12345678(,%rbx,4) */
	reg_store(DECODE_64, B(0x89, 0x04, 0x9d, 0x78, 0x56, 0x34, 0x12), 4, 0, false);
	/* mov %esp,0x7f(%rsp,%rcx,2) */
	reg_store(DECODE_64, B(0x89, 0x64, 0x4c, 0x7f), 4, 4, false);
	/* mov %eax,(%rsp) */
	reg_store(DECODE_64, B(0x89, 0x04, 0x24), 4, 0, false);
	/* mov %ecx,0x0(%rbp) */
	reg_store(DECODE_64, B(0x89, 0x4d, 0x00), 4, 1, false);
}

/* REX.B makes R12 and R13 bases, which still need the SIB and the disp8. */
static void r12_r13_bases(void **state)
{
	(void)state;
	/* mov %eax,(%r12) */
	reg_store(DECODE_64, B(0x41, 0x89, 0x04, 0x24), 4, 0, false);
	/* mov %eax,0x0(%r13) */
	reg_store(DECODE_64, B(0x41, 0x89, 0x45, 0x00), 4, 0, false);
}

static void rip_relative(void **state)
{
	(void)state;
	/* mov %eax,0x100(%rip) */
	reg_store(DECODE_64, B(0x89, 0x05, 0x00, 0x01, 0x00, 0x00), 4, 0, false);
	/* movl $0x1234,0x10(%rip) */
	imm_store(DECODE_64, B(0xc7, 0x05, 0x10, 0x00, 0x00, 0x00, 0x34, 0x12, 0x00, 0x00), 4, 0x1234);
	/* mov %r8,0x7fee0000 */
	reg_store(DECODE_64, B(0x4c, 0x89, 0x04, 0x25, 0x00, 0x00, 0xee, 0x7f), 8, 8, false);
}

static void rex_w(void **state)
{
	(void)state;
	/* mov %rax,(%rdi) */
	reg_store(DECODE_64, B(0x48, 0x89, 0x07), 8, 0, false);
	/* mov %r11,0x1000(%r12,%r13,8) */
	reg_store(DECODE_64, B(0x4f, 0x89, 0x9c, 0xec, 0x00, 0x10, 0x00, 0x00), 8, 11, false);
	/* mov %r14,0x12345678(,%rax,1) */
	reg_store(DECODE_64, B(0x4c, 0x89, 0x34, 0x05, 0x78, 0x56, 0x34, 0x12), 8, 14, false);
	/* movq $-2,0x8(%rsi) */
	imm_store(DECODE_64, B(0x48, 0xc7, 0x46, 0x08, 0xfe, 0xff, 0xff, 0xff), 8, 0xfffffffffffffffeull);
	/* movq $0x7fffffff,(%rax) */
	imm_store(DECODE_64, B(0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0x7f), 8, 0x7fffffff);
}

static void byte_and_word_stores(void **state)
{
	(void)state;
	/* mov %ah,(%rdi) */
	reg_store(DECODE_64, B(0x88, 0x27), 1, 4, true);
	/* mov %spl,(%rdi) */
	reg_store(DECODE_64, B(0x40, 0x88, 0x27), 1, 4, false);
	/* mov %r15b,(%rax) */
	reg_store(DECODE_64, B(0x44, 0x88, 0x38), 1, 15, false);
	/* movb $0x5a,(%rcx) */
	imm_store(DECODE_64, B(0xc6, 0x01, 0x5a), 1, 0x5a);
	/* mov %ax,(%rdi) */
	reg_store(DECODE_64, B(0x66, 0x89, 0x07), 2, 0, false);
	/* movw $0xbeef,0x20(%rbx) */
	imm_store(DECODE_64, B(0x66, 0xc7, 0x43, 0x20, 0xef, 0xbe), 2, 0xbeef);
	/* mov %bh,(%edi) */
	reg_store(DECODE_32, B(0x88, 0x3f), 1, 7, true);
	/* movw $0x1234,(%eax) */
	imm_store(DECODE_32, B(0x66, 0xc7, 0x00, 0x34, 0x12), 2, 0x1234);
}

static void legacy_prefixes(void **state)
{
	(void)state;
	/* mov %eax,%fs:0x10(%rax) */
	reg_store(DECODE_64, B(0x64, 0x89, 0x40, 0x10), 4, 0, false);
	/* mov %eax,(%ecx) */
	reg_store(DECODE_64, B(0x67, 0x89, 0x01), 4, 0, false);
	/* mov %eax,%es:(%ebx) */
	reg_store(DECODE_32, B(0x26, 0x89, 0x03), 4, 0, false);
	/* objdump: cs ds es ss fs mov %ax,%gs:(%edi) (with 67 66) */
	reg_store(DECODE_64, B(0x2e, 0x3e, 0x26, 0x36, 0x64, 0x65, 0x67, 0x66, 0x89, 0x07), 2, 0, false);
}

/*
 * A REX counts only right before the opcode; objdump agrees, showing
 * "rex.W" apart from "mov %ax,(%rdi)" for 48 66 89 07.
 */
static void misplaced_rex_is_ignored(void **state)
{
	(void)state;
	/* objdump: rex.W; mov %ax,(%rdi): REX.W lost to the 66 after it */
	reg_store(DECODE_64, B(0x48, 0x66, 0x89, 0x07), 2, 0, false);
	/* objdump: data16 mov %rax,(%rdi): REX.W beats 66 */
	reg_store(DECODE_64, B(0x66, 0x48, 0x89, 0x07), 8, 0, false);
	/* objdump: rex; mov %rax,(%rdi): the last REX counts */
	reg_store(DECODE_64, B(0x40, 0x48, 0x89, 0x07), 8, 0, false);
	/* objdump: rex.W; rex mov %eax,(%rdi) */
	reg_store(DECODE_64, B(0x48, 0x40, 0x89, 0x07), 4, 0, false);
	/* objdump: rex; data16 mov %ah,(%rdi): an ignored REX keeps AH */
	reg_store(DECODE_64, B(0x40, 0x66, 0x88, 0x27), 1, 4, true);
	/* objdump: rex.R; mov %ax,(%rdi): not R8W */
	reg_store(DECODE_64, B(0x44, 0x66, 0x89, 0x07), 2, 0, false);
	/* outside 64-bit mode 48 is dec %eax, not a REX */
	refuse(DECODE_32, B(0x48, 0x89, 0x07), "not a MOV store to memory");
}

/* A2/A3: what as emits for a store of AL/eAX to a constant address. */
static void moffs(void **state)
{
	(void)state;
	/* movabs %eax,0xfee000b0 */
	reg_store(DECODE_64, B(0xa3, 0xb0, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00), 4, 0, false);
	/* addr32 mov %eax,0xfee000b0 */
	reg_store(DECODE_64, B(0x67, 0xa3, 0xb0, 0x00, 0xe0, 0xfe), 4, 0, false);
	/* movabs %rax,0xfee000b0 */
	reg_store(DECODE_64, B(0x48, 0xa3, 0xb0, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00), 8, 0, false);
	/* movabs %al,0x1122334455667788 */
	reg_store(DECODE_64, B(0xa2, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11), 1, 0, false);
	/* mov %eax,0xfee000b0 */
	reg_store(DECODE_32, B(0xa3, 0xb0, 0x00, 0xe0, 0xfe), 4, 0, false);
	/* mov %al,0xfee00000 */
	reg_store(DECODE_32, B(0xa2, 0x00, 0x00, 0xe0, 0xfe), 1, 0, false);
	/* mov %ax,0x1234 */
	reg_store(DECODE_16, B(0xa3, 0x34, 0x12), 2, 0, false);
}

static void protected_mode_32(void **state)
{
	(void)state;
	/* mov %ecx,0xfee00300 */
	reg_store(DECODE_32, B(0x89, 0x0d, 0x00, 0x03, 0xe0, 0xfe), 4, 1, false);
	/* movl $0,0xfee000b0 */
	imm_store(DECODE_32, B(0xc7, 0x05, 0xb0, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00), 4, 0);
	/* mov %edx,0x300(%ebx) */
	reg_store(DECODE_32, B(0x89, 0x93, 0x00, 0x03, 0x00, 0x00), 4, 2, false);
	/* mov %ebx,0x10(%esp) */
	reg_store(DECODE_32, B(0x89, 0x5c, 0x24, 0x10), 4, 3, false);
	/* mov %ax,(%bx) */
	reg_store(DECODE_32, B(0x67, 0x66, 0x89, 0x07), 2, 0, false);
}

static void real_mode_16(void **state)
{
	(void)state;
	/* mov %ax,(%bx,%si) */
	reg_store(DECODE_16, B(0x89, 0x00), 2, 0, false);
	/* mov %bx,0x1234 */
	reg_store(DECODE_16, B(0x89, 0x1e, 0x34, 0x12), 2, 3, false);
	/* mov %cx,0x12(%bp,%di) */
	reg_store(DECODE_16, B(0x89, 0x4b, 0x12), 2, 1, false);
	/* mov %dx,0x1234(%bp) */
	reg_store(DECODE_16, B(0x89, 0x96, 0x34, 0x12), 2, 2, false);
	/* mov %eax,(%di) */
	reg_store(DECODE_16, B(0x66, 0x89, 0x05), 4, 0, false);
	/* mov %eax,(%ecx) */
	reg_store(DECODE_16, B(0x67, 0x66, 0x89, 0x01), 4, 0, false);
	/* mov %eax,0x4(%esp,%ebx,4) */
	reg_store(DECODE_16, B(0x67, 0x66, 0x89, 0x44, 0x9c, 0x04), 4, 0, false);
	/* mov %ah,(%bx) */
	reg_store(DECODE_16, B(0x88, 0x27), 1, 4, true);
	/* movw $0xabcd,0x10(%bx) */
	imm_store(DECODE_16, B(0xc7, 0x47, 0x10, 0xcd, 0xab), 2, 0xabcd);
	/* movl $0xfee00000,(%si) */
	imm_store(DECODE_16, B(0x66, 0xc7, 0x04, 0x00, 0x00, 0xe0, 0xfe), 4, 0xfee00000);
	/* movb $0x7,0x0(%bp) */
	imm_store(DECODE_16, B(0xc6, 0x46, 0x00, 0x07), 1, 7);
	/* movb $0x80,0x1234 */
	imm_store(DECODE_16, B(0xc6, 0x06, 0x34, 0x12, 0x80), 1, 0x80);
}

static void refusals(void **state)
{
	uint8_t prefixes[16];

	(void)state;
	/* lock addl $0x1,(%rax) */
	refuse(DECODE_64, B(0xf0, 0x83, 0x00, 0x01), "LOCK prefix");
	/* objdump: lock mov %eax,(%rdi), which is #UD */
	refuse(DECODE_64, B(0xf0, 0x89, 0x07), "LOCK prefix");
	/* xrelease mov %eax,(%rdi) */
	refuse(DECODE_64, B(0xf3, 0x89, 0x07), "REP/REPNE (XACQUIRE/XRELEASE) prefix");
	/* objdump: repnz mov %eax,(%edi) (XACQUIRE) */
	refuse(DECODE_32, B(0xf2, 0x89, 0x07), "REP/REPNE (XACQUIRE/XRELEASE) prefix");
	/* add %eax,(%rcx) */
	refuse(DECODE_64, B(0x01, 0x01), "not a MOV store to memory");
	/* mov (%rcx),%edx */
	refuse(DECODE_64, B(0x8b, 0x11), "not a MOV store to memory");
	/* movups %xmm0,(%rax) */
	refuse(DECODE_64, B(0x0f, 0x11, 0x00), "not a MOV store to memory");
	/* mov %edx,%ecx */
	refuse(DECODE_64, B(0x89, 0xd1), "register destination");
	/* mov $0x1,%eax (C7 /0 with mod = 3) */
	refuse(DECODE_32, B(0xc7, 0xc0, 0x01, 0x00, 0x00, 0x00), "register destination");
	/* xabort $0x1 */
	refuse(DECODE_64, B(0xc6, 0xf8, 0x01), "C6/C7 with ModRM.reg other than 0 is not MOV");
	/* C7 /1: objdump says (bad) */
	refuse(DECODE_64, B(0xc7, 0x48, 0x10, 0x01, 0x02, 0x03, 0x04), "C6/C7 with ModRM.reg other than 0 is not MOV");

	/* nothing at all, and a ModRM cut off after prefixes */
	refuse(DECODE_64, (const uint8_t *)"", 0, "instruction bytes truncated");
	refuse(DECODE_64, B(0x66, 0x89), "instruction bytes truncated");

	/* 16 bytes of prefixes never reach an opcode within 15 */
	memset(prefixes, 0x66, sizeof(prefixes));
	refuse(DECODE_64, prefixes, sizeof(prefixes), "instruction longer than 15 bytes");
	/* 14 prefixes + 89 07: the ModRM would be byte 16 */
	prefixes[14] = 0x89;
	prefixes[15] = 0x07;
	refuse(DECODE_64, prefixes, sizeof(prefixes), "instruction longer than 15 bytes");
	/* 13 prefixes + 89 07 is exactly 15 bytes: fine */
	reg_store(DECODE_64, prefixes + 1, 15, 2, 0, false);
}

/* Hitting 15 in the middle of an immediate is too long, not truncated. */
static void length_limit_in_immediate(void **state)
{
	/* ds x5 movl $0x11223344,0x300(%rax): 15 bytes */
	static const uint8_t ok[] = { 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0xc7, 0x80,
				      0x00, 0x03, 0x00, 0x00, 0x44, 0x33, 0x22,
				      0x11 };
	uint8_t longer[16];

	(void)state;
	imm_store(DECODE_64, ok, sizeof(ok), 4, 0x11223344);
	longer[0] = 0x3e;
	memcpy(longer + 1, ok, sizeof(ok));
	refuse(DECODE_64, longer, sizeof(longer), "instruction longer than 15 bytes");
	/* and given only 15 of those 16 bytes, still too long */
	refuse(DECODE_64, longer, 15, "instruction longer than 15 bytes");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lapic_stores_64),
		cmocka_unit_test(r12_r13_bases),
		cmocka_unit_test(rip_relative),
		cmocka_unit_test(rex_w),
		cmocka_unit_test(byte_and_word_stores),
		cmocka_unit_test(legacy_prefixes),
		cmocka_unit_test(misplaced_rex_is_ignored),
		cmocka_unit_test(moffs),
		cmocka_unit_test(protected_mode_32),
		cmocka_unit_test(real_mode_16),
		cmocka_unit_test(refusals),
		cmocka_unit_test(length_limit_in_immediate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
