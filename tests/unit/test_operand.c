/* SPDX-License-Identifier: Apache-2.0 */
/*
 * nested/operand.c. The instruction information and exit qualification a
 * CPU reports are derived here from real instruction bytes (GNU as output,
 * the source quoted next to each) by a small ModRM/SIB decoder that follows
 * SDM Vol. 2A 2.1.5 and 2.2.1 and lays its result out as Vol. 3C 28.2.5
 * describes; each case then checks the decoded address against the sum
 * the instruction names, computed from the register values. Every case
 * runs again with the bits the SDM leaves undefined set to ones. Then the
 * faults: canonical form, #SS against #GP, limits, expand-down, unusable
 * segments, segment types, real mode, and exits no CPU reports.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nested/operand.h"

enum {
	RAX,
	RCX,
	RDX,
	RBX,
	RSP,
	RBP,
	RSI,
	RDI,
	R8,
	R9,
	R10,
	R11,
	R12,
	R13,
	R14,
	R15
};
enum { ES, CS, SS, DS, FS, GS, NO_SEG };

/* ---- the CPU's side: bytes to instruction information ---- */

struct exit_info {
	uint32_t info;
	uint64_t qual;
};

static int64_t sdisp(const uint8_t *p, unsigned n)
{
	if (n == 1)
		return (int8_t)p[0];
	if (n == 2)
		return (int16_t)(p[0] | p[1] << 8);
	return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 |
			 (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}

/*
 * The exit of the instruction in bytes[0..len), run in code of `bits`
 * (16, 32, 64) with the next instruction at rip_next. junk sets the bits
 * the SDM calls undefined for this instruction and operand kind.
 */
static struct exit_info cpu_exit(const uint8_t *b, unsigned len, unsigned bits,
				 uint64_t rip_next, bool junk)
{
	static const int base16[8] = {RBX, RBX, RBP, RBP, -1, -1, RBP, RBX};
	static const int index16[8] = {RSI, RDI, RSI, RDI, RSI, RDI, -1, -1};
	unsigned i = 0, asize = bits, seg = NO_SEG, rex = 0;
	unsigned modrm, mod, reg, rm, scale = 0, code;
	int base = -1, index = -1;
	int64_t disp = 0;
	bool two_regs, rip_rel = false;
	struct exit_info e = {0, 0};

	for (;; i++) {
		static const uint8_t seg_prefix[6] = {0x26, 0x2e, 0x36,
						      0x3e, 0x64, 0x65};
		const uint8_t *s = memchr(seg_prefix, b[i], 6);

		if (s) {
			seg = (unsigned)(s - seg_prefix);
			continue;
		}
		if (b[i] == 0x67) {
			asize = bits == 32 ? 16 : 32;
			continue;
		}
		if (b[i] == 0x66 || b[i] == 0xf3)
			continue;
		if (bits == 64 && (b[i] & 0xf0) == 0x40) {
			rex = b[i];
			continue;
		}
		break;
	}
	assert_int_equal(b[i++], 0x0f);
	if (b[i] == 0x38)
		i++;
	/* VMREAD 0F 78, VMWRITE 0F 79, INVEPT 0F 38 80, INVVPID 0F 38 81 */
	two_regs = b[i] == 0x78 || b[i] == 0x79 || b[i] == 0x80 || b[i] == 0x81;
	i++;
	modrm = b[i++];
	mod = modrm >> 6;
	reg = ((modrm >> 3) & 7) | (rex & 4) << 1;
	rm = modrm & 7;
	if (two_regs)
		e.info |= reg << 28;

	if (mod == 3) {
		e.info |= 1u << 10 | (rm | (rex & 1) << 3) << 3;
		/* scale, address size, segment, index, base: undefined */
		if (junk)
			e.info |= 0x3u | 0x7u << 7 | 0xfu << 11 | 0x7u << 15 |
				  0x1fu << 18 | 0x1fu << 23 | 0x4u;
		assert_int_equal(i, len);
		return e;
	}

	if (asize == 16) {
		base = base16[rm];
		index = index16[rm];
		if (mod == 0 && rm == 6) {
			base = -1;
			disp = sdisp(b + i, 2);
			i += 2;
		}
	} else if (rm == 4) {
		unsigned sib = b[i++];
		unsigned idx = ((sib >> 3) & 7) | (rex & 2) << 2;

		scale = sib >> 6;
		index = idx == 4 ? -1 : (int)idx; /* 100 without REX.X: none */
		base = (int)((sib & 7) | (rex & 1) << 3);
		if ((sib & 7) == 5 && mod == 0) {
			base = -1;
			disp = sdisp(b + i, 4);
			i += 4;
		}
	} else if (rm == 5 && mod == 0) {
		rip_rel = bits == 64;
		disp = sdisp(b + i, 4);
		i += 4;
	} else {
		base = (int)(rm | (rex & 1) << 3);
	}
	if (mod == 1) {
		disp = sdisp(b + i, 1);
		i += 1;
	} else if (mod == 2) {
		unsigned n = asize == 16 ? 2 : 4;

		disp = sdisp(b + i, n);
		i += n;
	}
	assert_int_equal(i, len);

	/* BP, SP (and EBP, ESP, RBP, RSP) bases default to SS */
	if (seg == NO_SEG)
		seg = base == RSP || base == RBP ? SS : DS;
	code = asize == 16 ? 0 : asize == 32 ? 1 : 2;
	e.info |= scale | code << 7 | seg << 15;
	e.info |= index < 0 ? 1u << 22 : (unsigned)index << 18;
	e.info |= base < 0 ? 1u << 27 : (unsigned)base << 23;
	if (junk) {
		e.info |= 0x1fu << 2 | 0xfu << 11;
		if (!two_regs)
			e.info |= 0xfu << 28;
		if (index < 0)
			e.info |= 0xfu << 18 | 3u; /* index and scale */
		if (base < 0)
			e.info |= 0xfu << 23;
	}
	/* SDM 28.2.1: RIP-relative reports displacement + next RIP */
	e.qual = rip_rel ? rip_next + (uint64_t)disp : (uint64_t)disp;
	return e;
}

/* ---- contexts ---- */

/* ar values: type | S | P (| D/B | G) */
#define AR_S	       0x10u
#define AR_P	       0x80u
#define AR_L	       (1u << 13)
#define AR_DB	       (1u << 14)
#define AR_G	       (1u << 15)
#define AR_UNUSABLE    (1u << 16)
#define T_DATA_RO      0x1u /* read-only, accessed */
#define T_DATA_RW      0x3u /* read/write, accessed */
#define T_DATA_RO_DOWN 0x5u /* read-only, expand-down */
#define T_DATA_RW_DOWN 0x7u /* read/write, expand-down */
#define T_CODE_X       0x9u /* execute-only, accessed */
#define T_CODE_XR      0xbu /* execute/read, accessed */

static struct seg flat(uint64_t base, uint32_t limit, uint32_t type,
		       uint32_t extra)
{
	return (struct seg){base, limit, type | AR_S | AR_P | extra};
}

static void set_gprs(struct operand_ctx *c)
{
	static const uint64_t v[16] = {
	    0x00000abc12345678ull, /* RAX: bits above 31 for truncation */
	    0x0000000000000030ull, /* RCX */
	    0x0000000000000002ull, /* RDX */
	    0x0000000000402000ull, /* RBX */
	    0x00007ffffffee000ull, /* RSP */
	    0x00007ffffffef000ull, /* RBP */
	    0x00000000fffffff0ull, /* RSI: ESI*4 overflows 32 bits */
	    0x0000000000801000ull, /* RDI */
	    0xffff888000010000ull, /* R8 */
	    0xffff888000020000ull, /* R9 */
	    0x0000000000000001ull, /* R10 */
	    0x0000000000004402ull, /* R11 */
	    0x0000000000003000ull, /* R12 */
	    0x0000000000006000ull, /* R13 */
	    0x0000000000000100ull, /* R14 */
	    0x0000000000000000ull, /* R15 */
	};

	memcpy(c->gpr, v, sizeof(v));
}

/* 64-bit mode: bases other than FS/GS and all limits and types ignored. */
static struct operand_ctx ctx64(void)
{
	struct operand_ctx c = {.long_mode = true};

	set_gprs(&c);
	c.seg[ES] = flat(0x11110000, 0, T_DATA_RO, AR_UNUSABLE);
	c.seg[CS] = flat(0x22220000, 0, T_CODE_X, AR_L);
	c.seg[SS] = flat(0x33330000, 0, T_DATA_RO, 0);
	c.seg[DS] = flat(0x44440000, 0, T_CODE_X, AR_UNUSABLE);
	c.seg[FS] = flat(0x00007f0000000000ull, 0, T_DATA_RW, 0);
	c.seg[GS] = flat(0xffff880000000000ull, 0, T_DATA_RW, AR_UNUSABLE);
	return c;
}

/* 32-bit protected mode: 4 GiB segments with distinct bases. */
static struct operand_ctx ctx32(void)
{
	struct operand_ctx c = {.cs_db = true};

	set_gprs(&c);
	c.seg[ES] = flat(0x10000, 0xffffffff, T_DATA_RW, AR_DB | AR_G);
	c.seg[CS] = flat(0x20000, 0xffffffff, T_CODE_XR, AR_DB | AR_G);
	c.seg[SS] = flat(0x30000, 0xffffffff, T_DATA_RW, AR_DB | AR_G);
	c.seg[DS] = flat(0x40000, 0xffffffff, T_DATA_RW, AR_DB | AR_G);
	c.seg[FS] = flat(0x50000, 0xffffffff, T_DATA_RW, AR_DB | AR_G);
	c.seg[GS] = flat(0x60000, 0xffffffff, T_DATA_RW, AR_DB | AR_G);
	return c;
}

/* 16-bit protected mode: 64 KiB segments. */
static struct operand_ctx ctx16(void)
{
	struct operand_ctx c = ctx32();

	c.cs_db = false;
	for (unsigned s = 0; s < 6; s++) {
		c.seg[s].limit = 0xffff;
		c.seg[s].ar &= ~(AR_DB | AR_G);
	}
	c.gpr[RBX] = 0xf000;
	c.gpr[RSI] = 0x2000;
	c.gpr[RBP] = 0x0802;
	c.gpr[RDI] = 0x8000;
	return c;
}

/* ---- the decoder's side ---- */

static struct vmx_operand op;

#define NO_GLA 0xdeadbeefcafe0000ull

static enum operand_fault decode(const struct operand_ctx *c,
				 struct exit_info e, unsigned size, bool write)
{
	memset(&op, 0xa5, sizeof(op));
	op.gla = NO_GLA;
	return operand_decode(c, e.info, e.qual, size, write, &op);
}

struct mem_case {
	const char *src;
	uint8_t bytes[12];
	unsigned len;
	uint64_t gla;
	unsigned seg, addr_size;
	int reg2; /* NONE for instructions without one */
};

#define NONE (-1)

/* Each case in both versions: clean and with undefined bits set. */
static void check_mem(const struct operand_ctx *c, unsigned bits,
		      const struct mem_case *k, uint64_t rip_next)
{
	for (int junk = 0; junk < 2; junk++) {
		struct exit_info e =
		    cpu_exit(k->bytes, k->len, bits, rip_next, junk);
		enum operand_fault f = decode(c, e, 8, false);

		if (f != OPERAND_OK || op.is_reg || op.gla != k->gla ||
		    op.seg != k->seg || op.addr_size != k->addr_size)
			fail_msg("%s%s: fault %d, gla 0x%llx seg %u asize %u, "
				 "want 0x%llx seg %u asize %u",
				 k->src, junk ? " (junk)" : "", f,
				 (unsigned long long)op.gla, op.seg,
				 op.addr_size, (unsigned long long)k->gla,
				 k->seg, k->addr_size);
		if (k->reg2 != NONE)
			assert_int_equal(operand_reg2(e.info), k->reg2);
	}
}

#define B(...) {__VA_ARGS__}, sizeof((uint8_t[]){__VA_ARGS__})

static void mode64_memory(void **state)
{
	struct operand_ctx c = ctx64();
	const uint64_t *g = c.gpr;
	const uint64_t fs = c.seg[FS].base, gs = c.seg[GS].base;
	const struct mem_case cases[] = {
	    {"vmptrld (%rax)", B(0x0f, 0xc7, 0x30), g[RAX], DS, 8, NONE},
	    {"vmptrld 0x10(%rbx,%rcx,8)", B(0x0f, 0xc7, 0x74, 0xcb, 0x10),
	     g[RBX] + g[RCX] * 8 + 0x10, DS, 8, NONE},
	    {"vmread %rax,0x8(%rsp)", B(0x0f, 0x78, 0x44, 0x24, 0x08),
	     g[RSP] + 8, SS, 8, RAX},
	    {"vmptrst %fs:0x20(%r12)",
	     B(0x64, 0x41, 0x0f, 0xc7, 0x7c, 0x24, 0x20), fs + g[R12] + 0x20,
	     FS, 8, NONE},
	    {"vmclear %gs:0x0(%r13,%r14,2)",
	     B(0x65, 0x66, 0x43, 0x0f, 0xc7, 0x74, 0x75, 0x00),
	     gs + g[R13] + g[R14] * 2, GS, 8, NONE},
	    {"vmxon -0x8(%rbp)", B(0xf3, 0x0f, 0xc7, 0x75, 0xf8), g[RBP] - 8,
	     SS, 8, NONE},
	    {"invept (%rdi),%rdx", B(0x66, 0x0f, 0x38, 0x80, 0x17), g[RDI], DS,
	     8, RDX},
	    {"invvpid 0x40(%r9),%r10",
	     B(0x66, 0x45, 0x0f, 0x38, 0x81, 0x51, 0x40), g[R9] + 0x40, DS, 8,
	     R10},
	    {"vmptrld (%eax)", B(0x67, 0x0f, 0xc7, 0x30), (uint32_t)g[RAX], DS,
	     4, NONE},
	    {"vmptrld 0x80(%ebx,%esi,4)",
	     B(0x67, 0x0f, 0xc7, 0xb4, 0xb3, 0x80, 0x00, 0x00, 0x00),
	     (uint32_t)(g[RBX] + g[RSI] * 4 + 0x80), DS, 4, NONE},
	    {"vmptrld -0x80(%rsp)", B(0x0f, 0xc7, 0x74, 0x24, 0x80),
	     g[RSP] - 0x80, SS, 8, NONE},
	    {"vmptrld 0x11223344",
	     B(0x0f, 0xc7, 0x34, 0x25, 0x44, 0x33, 0x22, 0x11), 0x11223344, DS,
	     8, NONE},
	    /* R12 and R13 share RSP's and RBP's encodings, not SS */
	    {"vmptrld (%r12)", B(0x41, 0x0f, 0xc7, 0x34, 0x24), g[R12], DS, 8,
	     NONE},
	    {"vmptrld 0x0(%r13)", B(0x41, 0x0f, 0xc7, 0x75, 0x00), g[R13], DS,
	     8, NONE},
	    {"vmptrld (%rax,%r12,4)", B(0x42, 0x0f, 0xc7, 0x34, 0xa0),
	     g[RAX] + g[R12] * 4, DS, 8, NONE},
	    /* only FS and GS bases count: an ES or SS override adds 0 */
	    {"es vmptrld (%rax)", B(0x26, 0x0f, 0xc7, 0x30), g[RAX], ES, 8,
	     NONE},
	    {"ss vmptrld (%rax)", B(0x36, 0x0f, 0xc7, 0x30), g[RAX], SS, 8,
	     NONE},
	    /* a 32-bit address, then the 64-bit FS base */
	    {"vmptrld %fs:(%eax)", B(0x64, 0x67, 0x0f, 0xc7, 0x30),
	     fs + (uint32_t)g[RAX], FS, 4, NONE},
	};

	(void)state;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_mem(&c, 64, &cases[i], 0);
}

static void mode64_rip_relative(void **state)
{
	struct operand_ctx c = ctx64();
	/* vmptrld 0x1234(%rip), 7 bytes */
	const uint8_t b[] = {0x0f, 0xc7, 0x35, 0x34, 0x12, 0x00, 0x00};
	const uint64_t next = 0xffffffff81000007ull;
	const struct mem_case k = {"vmptrld 0x1234(%rip)",
				   B(0x0f, 0xc7, 0x35, 0x34, 0x12, 0x00, 0x00),
				   next + 0x1234,
				   DS,
				   8,
				   NONE};
	struct exit_info e = cpu_exit(b, sizeof(b), 64, next, false);

	(void)state;
	/* no base and no index: the address is the qualification */
	assert_true(e.info & OPERAND_INFO_NO_BASE);
	assert_true(e.info & OPERAND_INFO_NO_INDEX);
	check_mem(&c, 64, &k, next);
}

static void register_operands(void **state)
{
	struct operand_ctx c = ctx64();
	static const struct {
		const char *src;
		uint8_t bytes[4];
		unsigned len, bits, reg1, reg2;
	} cases[] = {
	    {"vmwrite %rbx,%rcx", B(0x0f, 0x79, 0xcb), 64, RBX, RCX},
	    {"vmread %r11,%r8", B(0x45, 0x0f, 0x78, 0xd8), 64, R8, R11},
	    {"vmwrite %ebx,%ecx", B(0x0f, 0x79, 0xcb), 32, RBX, RCX},
	};

	(void)state;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (int junk = 0; junk < 2; junk++) {
			struct exit_info e =
			    cpu_exit(cases[i].bytes, cases[i].len,
				     cases[i].bits, 0, junk);
			struct operand_ctx cc =
			    cases[i].bits == 64 ? c : ctx32();

			/* no segment or address checks for a register */
			cc.seg[DS].ar |= AR_UNUSABLE;
			assert_int_equal(decode(&cc, e, 8, true), OPERAND_OK);
			assert_true(op.is_reg);
			assert_int_equal(op.reg, cases[i].reg1);
			assert_int_equal(operand_reg1(e.info), cases[i].reg1);
			assert_int_equal(operand_reg2(e.info), cases[i].reg2);
		}
	}
}

static void mode32_memory(void **state)
{
	struct operand_ctx c = ctx32();
	const uint64_t *g = c.gpr;
	const struct seg *s = c.seg;
	const struct mem_case cases[] = {
	    {"vmptrld (%eax)", B(0x0f, 0xc7, 0x30),
	     s[DS].base + (uint32_t)g[RAX], DS, 4, NONE},
	    {"vmptrld 0x10(%ebx,%ecx,8)", B(0x0f, 0xc7, 0x74, 0xcb, 0x10),
	     s[DS].base + g[RBX] + g[RCX] * 8 + 0x10, DS, 4, NONE},
	    /* the linear address wraps at 4 GiB */
	    {"vmread %eax,0x8(%esp)", B(0x0f, 0x78, 0x44, 0x24, 0x08),
	     (uint32_t)(s[SS].base + g[RSP] + 8), SS, 4, RAX},
	    {"es vmclear -0x4(%ebp)", B(0x26, 0x66, 0x0f, 0xc7, 0x75, 0xfc),
	     s[ES].base + (uint32_t)(g[RBP] - 4), ES, 4, NONE},
	    {"cs vmptrld (%eax)", B(0x2e, 0x0f, 0xc7, 0x30),
	     s[CS].base + (uint32_t)g[RAX], CS, 4, NONE},
	    /* the 32-bit sum wraps before the base is added */
	    {"vmptrld 0x80(%ebx,%esi,4)",
	     B(0x0f, 0xc7, 0xb4, 0xb3, 0x80, 0x00, 0x00, 0x00),
	     s[DS].base + (uint32_t)(g[RBX] + g[RSI] * 4 + 0x80), DS, 4, NONE},
	    /* 0x67: 16-bit addressing in 32-bit code */
	    {"vmptrld (%bx,%si)", B(0x67, 0x0f, 0xc7, 0x30),
	     s[DS].base + (uint16_t)(g[RBX] + g[RSI]), DS, 2, NONE},
	    {"vmptrld 0x12(%bp,%di)", B(0x67, 0x0f, 0xc7, 0x73, 0x12),
	     s[SS].base + (uint16_t)(g[RBP] + g[RDI] + 0x12), SS, 2, NONE},
	};

	(void)state;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_mem(&c, 32, &cases[i], 0);
}

static void mode16_memory(void **state)
{
	struct operand_ctx c = ctx16();
	const uint64_t *g = c.gpr;
	const struct seg *s = c.seg;
	const struct mem_case cases[] = {
	    /* BX + SI = 0x11000 wraps to 0x1000 */
	    {"vmptrld (%bx,%si)", B(0x0f, 0xc7, 0x30),
	     s[DS].base + (uint16_t)(g[RBX] + g[RSI]), DS, 2, NONE},
	    {"vmptrld -0x2(%bp)", B(0x0f, 0xc7, 0x76, 0xfe),
	     s[SS].base + g[RBP] - 2, SS, 2, NONE},
	    {"vmptrld 0x1234", B(0x0f, 0xc7, 0x36, 0x34, 0x12),
	     s[DS].base + 0x1234, DS, 2, NONE},
	    {"vmptrld 0x10(%di)", B(0x0f, 0xc7, 0x75, 0x10),
	     s[DS].base + g[RDI] + 0x10, DS, 2, NONE},
	    {"vmptrld -0x1000(%bx)", B(0x0f, 0xc7, 0xb7, 0x00, 0xf0),
	     s[DS].base + g[RBX] - 0x1000, DS, 2, NONE},
	};

	(void)state;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_mem(&c, 16, &cases[i], 0);
	/* BP - 2 wraps to offset 0xffff: one byte fits, two do not */
	{
		const uint8_t b[] = {0x0f, 0xc7, 0x76, 0xfe};
		struct exit_info e = cpu_exit(b, sizeof(b), 16, 0, false);

		c.gpr[RBP] = 1;
		assert_int_equal(decode(&c, e, 1, false), OPERAND_OK);
		assert_int_equal(op.gla, s[SS].base + 0xffff);
		assert_int_equal(decode(&c, e, 2, false), OPERAND_SS);
	}
	/* 0x67: 32-bit addressing in 16-bit code */
	c.gpr[RBX] = 0x0100;
	c.gpr[RCX] = 0x0200;
	{
		const struct mem_case k = {
		    "vmptrld 0x10(%ebx,%ecx,2)",
		    B(0x67, 0x0f, 0xc7, 0x74, 0x4b, 0x10),
		    s[DS].base + 0x0100 + 0x0200 * 2 + 0x10,
		    DS,
		    4,
		    NONE};

		check_mem(&c, 16, &k, 0);
	}
}

/* ---- faults ---- */

static const uint8_t VMPTRLD_RAX[] = {0x0f, 0xc7, 0x30};       /* (%rax) */
static const uint8_t VMPTRLD_RSP[] = {0x0f, 0xc7, 0x34, 0x24}; /* (%rsp) */
static const uint8_t VMPTRLD_FS_RAX[] = {0x64, 0x0f, 0xc7, 0x30};
static const uint8_t VMPTRLD_SS_RAX[] = {0x36, 0x0f, 0xc7, 0x30};
static const uint8_t VMPTRLD_CS_RAX[] = {0x2e, 0x0f, 0xc7, 0x30};
static const uint8_t VMPTRST_CS_RAX[] = {0x2e, 0x0f, 0xc7, 0x38};

#define EXIT(bytes, bits) cpu_exit(bytes, sizeof(bytes), bits, 0, false)

/* A fault leaves *out as it was. */
static void expect_fault(const struct operand_ctx *c, struct exit_info e,
			 unsigned size, bool write, enum operand_fault want)
{
	assert_int_equal(decode(c, e, size, write), want);
	assert_int_equal(op.gla, NO_GLA);
}

static void expect_gla(const struct operand_ctx *c, struct exit_info e,
		       unsigned size, bool write, uint64_t gla)
{
	enum operand_fault f = decode(c, e, size, write);

	if (f != OPERAND_OK)
		fail_msg("fault %d, want gla 0x%llx", f,
			 (unsigned long long)gla);
	assert_int_equal(op.gla, gla);
}

static void canonical_faults(void **state)
{
	struct operand_ctx c = ctx64();

	(void)state;
	/* the edges of both canonical halves, first byte */
	c.gpr[RAX] = 0x00007ffffffffff8ull;
	expect_gla(&c, EXIT(VMPTRLD_RAX, 64), 8, false, c.gpr[RAX]);
	c.gpr[RAX] = 0x0000800000000000ull;
	expect_fault(&c, EXIT(VMPTRLD_RAX, 64), 8, false, OPERAND_GP);
	c.gpr[RAX] = 0xffff800000000000ull;
	expect_gla(&c, EXIT(VMPTRLD_RAX, 64), 8, false, c.gpr[RAX]);
	c.gpr[RAX] = 0xffff7ffffffffff8ull;
	expect_fault(&c, EXIT(VMPTRLD_RAX, 64), 8, false, OPERAND_GP);
	/* the last byte counts too */
	c.gpr[RAX] = 0x00007ffffffffffcull;
	expect_gla(&c, EXIT(VMPTRLD_RAX, 64), 4, false, c.gpr[RAX]);
	expect_fault(&c, EXIT(VMPTRLD_RAX, 64), 8, false, OPERAND_GP);
	/* wrapping past 2^64 */
	c.gpr[RAX] = 0xfffffffffffffffcull;
	expect_gla(&c, EXIT(VMPTRLD_RAX, 64), 4, true, c.gpr[RAX]);
	expect_fault(&c, EXIT(VMPTRLD_RAX, 64), 8, true, OPERAND_GP);
	/* SS references give #SS: by default (RSP) and by override */
	c.gpr[RSP] = 0x0000800000000000ull;
	expect_fault(&c, EXIT(VMPTRLD_RSP, 64), 8, false, OPERAND_SS);
	c.gpr[RSP] = 0x00007fffffff0000ull;
	expect_gla(&c, EXIT(VMPTRLD_RSP, 64), 8, false, c.gpr[RSP]);
	c.gpr[RAX] = 0x1234567812345678ull;
	expect_fault(&c, EXIT(VMPTRLD_SS_RAX, 64), 8, false, OPERAND_SS);
	expect_fault(&c, EXIT(VMPTRLD_RAX, 64), 8, false, OPERAND_GP);
	/* the FS base can make a canonical offset non-canonical */
	c.gpr[RAX] = 0x1000;
	expect_gla(&c, EXIT(VMPTRLD_FS_RAX, 64), 8, false,
		   c.seg[FS].base + 0x1000);
	c.seg[FS].base = 0x00007ffffffff000ull;
	expect_fault(&c, EXIT(VMPTRLD_FS_RAX, 64), 8, false, OPERAND_GP);
}

/* With CR4.LA57 (5-level paging) the canonical width is 57 bits. */
static void canonical_faults_la57(void **state)
{
	struct operand_ctx c = ctx64();

	(void)state;
	c.la57 = true;
	/* what 48 bits refuse, 57 bits take */
	c.gpr[RAX] = 0x0000800000000000ull;
	expect_gla(&c, EXIT(VMPTRLD_RAX, 64), 8, false, c.gpr[RAX]);
	c.gpr[RAX] = 0xff11000000001000ull; /* Linux's 5-level direct map */
	expect_gla(&c, EXIT(VMPTRLD_RAX, 64), 8, true, c.gpr[RAX]);
	/* the edges of both 57-bit halves */
	c.gpr[RAX] = 0x00fffffffffffff8ull;
	expect_gla(&c, EXIT(VMPTRLD_RAX, 64), 8, false, c.gpr[RAX]);
	expect_fault(&c, EXIT(VMPTRLD_RAX, 64), 16, false, OPERAND_GP);
	c.gpr[RAX] = 0x0100000000000000ull;
	expect_fault(&c, EXIT(VMPTRLD_RAX, 64), 8, false, OPERAND_GP);
	c.gpr[RAX] = 0xff00000000000000ull;
	expect_gla(&c, EXIT(VMPTRLD_RAX, 64), 8, false, c.gpr[RAX]);
	c.gpr[RAX] = 0xfeff000000000000ull;
	expect_fault(&c, EXIT(VMPTRLD_RAX, 64), 8, false, OPERAND_GP);
	/* #SS for SS references, as with 48 bits */
	c.gpr[RSP] = 0x0100000000000000ull;
	expect_fault(&c, EXIT(VMPTRLD_RSP, 64), 8, false, OPERAND_SS);
	/* a 57-bit FS base plus an offset */
	c.seg[FS].base = 0xff11000000000000ull;
	c.gpr[RAX] = 0x1000;
	expect_gla(&c, EXIT(VMPTRLD_FS_RAX, 64), 8, false,
		   0xff11000000001000ull);
	/* LA57 does not matter outside 64-bit mode */
	c = ctx32();
	c.la57 = true;
	c.gpr[RAX] = 0x1000;
	expect_gla(&c, EXIT(VMPTRLD_RAX, 32), 8, false,
		   (uint32_t)(c.seg[DS].base + 0x1000));
	/* and the same address without LA57 faults */
	c = ctx64();
	c.gpr[RAX] = 0xff11000000001000ull;
	expect_fault(&c, EXIT(VMPTRLD_RAX, 64), 8, false, OPERAND_GP);
}

/* In 64-bit mode nothing of a segment but the FS/GS base matters. */
static void mode64_ignores_segments(void **state)
{
	struct operand_ctx c = ctx64();

	(void)state;
	c.gpr[RAX] = 0x5000;
	/* DS: unusable execute-only code of limit 0; SS: read-only */
	expect_gla(&c, EXIT(VMPTRLD_RAX, 64), 8, true, 0x5000);
	expect_gla(&c, EXIT(VMPTRLD_SS_RAX, 64), 8, true, 0x5000);
	expect_gla(&c, EXIT(VMPTRST_CS_RAX, 64), 8, true, 0x5000);
}

static void limit_faults(void **state)
{
	struct operand_ctx c = ctx32();

	(void)state;
	c.seg[DS].limit = 0xfff;
	c.seg[SS].limit = 0xfff;
	c.gpr[RAX] = 0xff8;
	expect_gla(&c, EXIT(VMPTRLD_RAX, 32), 8, false, c.seg[DS].base + 0xff8);
	c.gpr[RAX] = 0xff9;
	expect_fault(&c, EXIT(VMPTRLD_RAX, 32), 8, false, OPERAND_GP);
	expect_gla(&c, EXIT(VMPTRLD_RAX, 32), 7, false, c.seg[DS].base + 0xff9);
	/* through SS: #SS, by default and by override */
	c.gpr[RSP] = 0xff9;
	expect_fault(&c, EXIT(VMPTRLD_RSP, 32), 8, false, OPERAND_SS);
	expect_fault(&c, EXIT(VMPTRLD_SS_RAX, 32), 8, false, OPERAND_SS);
	c.gpr[RSP] = 0xff8;
	expect_gla(&c, EXIT(VMPTRLD_RSP, 32), 8, false, c.seg[SS].base + 0xff8);
	/* access size 0 counts as one byte */
	c.gpr[RAX] = 0xfff;
	expect_gla(&c, EXIT(VMPTRLD_RAX, 32), 0, false, c.seg[DS].base + 0xfff);
	c.gpr[RAX] = 0x1000;
	expect_fault(&c, EXIT(VMPTRLD_RAX, 32), 0, false, OPERAND_GP);
	/*
	 * A 4 GiB segment: an access running past 0xffffffff faults, and a
	 * base plus offset past 4 GiB wraps to a 32-bit linear address.
	 */
	c.seg[DS].limit = 0xffffffff;
	c.gpr[RAX] = 0xfffffffc;
	expect_fault(&c, EXIT(VMPTRLD_RAX, 32), 8, false, OPERAND_GP);
	c.gpr[RAX] = 0xfffffff8;
	expect_gla(&c, EXIT(VMPTRLD_RAX, 32), 8, false,
		   (uint32_t)(c.seg[DS].base + 0xfffffff8));
}

static void expand_down(void **state)
{
	struct operand_ctx c = ctx32();

	(void)state;
	/* valid offsets limit+1 .. 0xffffffff with B = 1 */
	c.seg[DS] = flat(0x40000, 0xfff, T_DATA_RW_DOWN, AR_DB);
	c.gpr[RAX] = 0x1000;
	expect_gla(&c, EXIT(VMPTRLD_RAX, 32), 8, true, 0x41000);
	c.gpr[RAX] = 0xfff;
	expect_fault(&c, EXIT(VMPTRLD_RAX, 32), 8, true, OPERAND_GP);
	c.gpr[RAX] = 0x10;
	expect_fault(&c, EXIT(VMPTRLD_RAX, 32), 8, false, OPERAND_GP);
	c.gpr[RAX] = 0xfffffff8;
	expect_gla(&c, EXIT(VMPTRLD_RAX, 32), 8, false,
		   (uint32_t)(0x40000 + 0xfffffff8ull));
	c.gpr[RAX] = 0xfffffff9;
	expect_fault(&c, EXIT(VMPTRLD_RAX, 32), 8, false, OPERAND_GP);
	/* B = 0: the top is 0xffff */
	c.seg[DS].ar &= ~AR_DB;
	c.gpr[RAX] = 0xfff8;
	expect_gla(&c, EXIT(VMPTRLD_RAX, 32), 8, false, 0x4fff8);
	c.gpr[RAX] = 0xfff9;
	expect_fault(&c, EXIT(VMPTRLD_RAX, 32), 8, false, OPERAND_GP);
	c.gpr[RAX] = 0x10000;
	expect_fault(&c, EXIT(VMPTRLD_RAX, 32), 8, false, OPERAND_GP);
	/* an expand-down stack segment: #SS below its limit */
	c.seg[SS] = flat(0x30000, 0x7fff, T_DATA_RW_DOWN, AR_DB);
	c.gpr[RSP] = 0x7ffc;
	expect_fault(&c, EXIT(VMPTRLD_RSP, 32), 8, false, OPERAND_SS);
	c.gpr[RSP] = 0x8000;
	expect_gla(&c, EXIT(VMPTRLD_RSP, 32), 8, true, 0x38000);
	/* read-only expand-down: reads yes, writes no */
	c.seg[DS] = flat(0x40000, 0xfff, T_DATA_RO_DOWN, AR_DB);
	c.gpr[RAX] = 0x2000;
	expect_gla(&c, EXIT(VMPTRLD_RAX, 32), 8, false, 0x42000);
	expect_fault(&c, EXIT(VMPTRLD_RAX, 32), 8, true, OPERAND_GP);
}

static void unusable_segments(void **state)
{
	struct operand_ctx c = ctx32();

	(void)state;
	c.gpr[RAX] = 0x100;
	c.gpr[RSP] = 0x100;
	expect_gla(&c, EXIT(VMPTRLD_RAX, 32), 8, false, 0x40100);
	c.seg[DS].ar |= AR_UNUSABLE;
	expect_fault(&c, EXIT(VMPTRLD_RAX, 32), 8, false, OPERAND_GP);
	c.seg[SS].ar |= AR_UNUSABLE;
	expect_fault(&c, EXIT(VMPTRLD_RSP, 32), 8, false, OPERAND_SS);
	/* S = 0 (a system descriptor) or P = 0 is no data segment either */
	c = ctx32();
	c.gpr[RAX] = 0x100;
	c.seg[DS].ar &= ~AR_S;
	expect_fault(&c, EXIT(VMPTRLD_RAX, 32), 8, false, OPERAND_GP);
	c.seg[DS].ar |= AR_S;
	c.seg[DS].ar &= ~AR_P;
	expect_fault(&c, EXIT(VMPTRLD_RAX, 32), 8, false, OPERAND_GP);
}

static void segment_types(void **state)
{
	struct operand_ctx c = ctx32();

	(void)state;
	c.gpr[RAX] = 0x100;
	c.gpr[RSP] = 0x100;
	/* read-only data: reads, no writes (VMPTRST, VMREAD to memory) */
	c.seg[DS].ar = (c.seg[DS].ar & ~0xfu) | T_DATA_RO;
	expect_gla(&c, EXIT(VMPTRLD_RAX, 32), 8, false, 0x40100);
	expect_fault(&c, EXIT(VMPTRLD_RAX, 32), 8, true, OPERAND_GP);
	c.seg[DS].ar = (c.seg[DS].ar & ~0xfu) | T_DATA_RW;
	expect_gla(&c, EXIT(VMPTRLD_RAX, 32), 8, true, 0x40100);
	/* a read-only stack: #SS for the write */
	c.seg[SS].ar = (c.seg[SS].ar & ~0xfu) | T_DATA_RO;
	expect_fault(&c, EXIT(VMPTRLD_RSP, 32), 8, true, OPERAND_SS);
	expect_gla(&c, EXIT(VMPTRLD_RSP, 32), 8, false, 0x30100);
	/* code: readable or not, never writable */
	expect_gla(&c, EXIT(VMPTRLD_CS_RAX, 32), 8, false, 0x20100);
	expect_fault(&c, EXIT(VMPTRST_CS_RAX, 32), 8, true, OPERAND_GP);
	c.seg[CS].ar = (c.seg[CS].ar & ~0xfu) | T_CODE_X;
	expect_fault(&c, EXIT(VMPTRLD_CS_RAX, 32), 8, false, OPERAND_GP);
	/* a readable code segment loaded in DS reads too */
	c.seg[DS].ar = (c.seg[DS].ar & ~0xfu) | T_CODE_XR;
	expect_gla(&c, EXIT(VMPTRLD_RAX, 32), 8, false, 0x40100);
	expect_fault(&c, EXIT(VMPTRLD_RAX, 32), 8, true, OPERAND_GP);
}

/* Real and virtual-8086 mode: the limit alone. */
static void real_mode(void **state)
{
	static const uint8_t vmptrld_si[] = {0x0f, 0xc7, 0x34}; /* (%si) */
	static const uint8_t vmptrld_bp[] = {0x0f, 0xc7, 0x76,
					     0x00}; /* 0(%bp) */
	struct operand_ctx c = ctx16();

	(void)state;
	c.real_or_v86 = true;
	c.seg[DS] = (struct seg){0x12340, 0xffff, T_CODE_X | AR_UNUSABLE};
	c.seg[SS] = flat(0x5000, 0xffff, T_DATA_RO, 0);
	c.gpr[RSI] = 0xfff8;
	c.gpr[RBP] = 0xfff8;
	expect_gla(&c, EXIT(vmptrld_si, 16), 8, true, 0x12340 + 0xfff8);
	expect_gla(&c, EXIT(vmptrld_bp, 16), 8, true, 0x5000 + 0xfff8);
	c.gpr[RSI] = 0xfff9;
	c.gpr[RBP] = 0xfff9;
	expect_fault(&c, EXIT(vmptrld_si, 16), 8, false, OPERAND_GP);
	expect_fault(&c, EXIT(vmptrld_bp, 16), 8, false, OPERAND_SS);
	/* the same segments in protected mode: the types count */
	c.real_or_v86 = false;
	c.gpr[RSI] = 0x10;
	c.gpr[RBP] = 0x10;
	expect_fault(&c, EXIT(vmptrld_si, 16), 8, false, OPERAND_GP);
	expect_fault(&c, EXIT(vmptrld_bp, 16), 8, true, OPERAND_SS);
	expect_gla(&c, EXIT(vmptrld_bp, 16), 8, false, 0x5010);
}

/* Exits no CPU reports: #UD rather than a guess. */
static void impossible_info(void **state)
{
	struct operand_ctx c64 = ctx64(), c32 = ctx32();
	struct exit_info e = EXIT(VMPTRLD_RAX, 64);
	struct exit_info bad;

	(void)state;
	expect_gla(&c64, e, 8, false, c64.gpr[RAX]);
	bad = e;
	bad.info = (bad.info & ~(7u << 7)) | 3u << 7; /* address size 3 */
	expect_fault(&c64, bad, 8, false, OPERAND_UD);
	bad = e;
	bad.info = (bad.info & ~(7u << 15)) | 6u << 15; /* segment 6 */
	expect_fault(&c64, bad, 8, false, OPERAND_UD);
	bad.info = (bad.info & ~(7u << 15)) | 7u << 15;
	expect_fault(&c64, bad, 8, false, OPERAND_UD);
	/* 16-bit addresses do not exist in 64-bit mode */
	bad = e;
	bad.info &= ~(7u << 7);
	expect_fault(&c64, bad, 8, false, OPERAND_UD);
	/* nor 64-bit ones outside it */
	expect_fault(&c32, e, 8, false, OPERAND_UD);
}

static void reg_fields(void **state)
{
	(void)state;
	for (unsigned r = 0; r < 16; r++) {
		uint32_t info = r << 3 | (15 - r) << 28;

		assert_int_equal(operand_reg1(info), r);
		assert_int_equal(operand_reg2(info), 15 - r);
		assert_int_equal(operand_reg1(~(15u << 3) | r << 3), r);
		assert_int_equal(operand_reg2(~(15u << 28) | r << 28), r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(mode64_memory),
	    cmocka_unit_test(mode64_rip_relative),
	    cmocka_unit_test(register_operands),
	    cmocka_unit_test(mode32_memory),
	    cmocka_unit_test(mode16_memory),
	    cmocka_unit_test(canonical_faults),
	    cmocka_unit_test(canonical_faults_la57),
	    cmocka_unit_test(mode64_ignores_segments),
	    cmocka_unit_test(limit_faults),
	    cmocka_unit_test(expand_down),
	    cmocka_unit_test(unusable_segments),
	    cmocka_unit_test(segment_types),
	    cmocka_unit_test(real_mode),
	    cmocka_unit_test(impossible_info),
	    cmocka_unit_test(reg_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
