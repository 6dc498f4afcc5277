/* SPDX-License-Identifier: Apache-2.0 */
#include "vmx/decode.h"

#define REX_W 0x8
#define REX_R 0x4

struct cursor {
	const uint8_t *bytes;
	unsigned n, pos;
	const char **why;
};

/*
 * Takes count bytes little-endian. The 15-byte limit is checked before the
 * buffer end: 16 bytes of prefixes are too long, not truncated.
 */
static bool take(struct cursor *c, unsigned count, uint64_t *v)
{
	*v = 0;
	for (unsigned i = 0; i < count; i++) {
		if (c->pos >= DECODE_MAX_LEN) {
			*c->why = "instruction longer than 15 bytes";
			return false;
		}
		if (c->pos >= c->n) {
			*c->why = "instruction bytes truncated";
			return false;
		}
		*v |= (uint64_t)c->bytes[c->pos++] << (8 * i);
	}
	return true;
}

/*
 * Steps over the memory operand after a ModRM byte: SIB and displacement
 * (SDM Vol. 2A 2.1.5, Tables 2-1 to 2-3). Only lengths matter here, so
 * REX.X and REX.B play no part: rm = 4 means a SIB follows and mod = 0
 * with rm = 5 a disp32 whatever REX.B says, so a base R12 takes a SIB and
 * a base R13 a disp8 of 0, as RSP and RBP do.
 */
static bool skip_mem_operand(struct cursor *c, unsigned modrm,
			     unsigned addr_size)
{
	unsigned mod = modrm >> 6, rm = modrm & 7, disp;
	uint64_t sib;

	if (mod == 3) {
		*c->why = "register destination";
		return false;
	}
	if (addr_size == 2) {
		/* Table 2-1: mod = 0 with rm = 6 is a disp16 alone */
		disp = mod == 1 ? 1 : mod == 2 || rm == 6 ? 2 : 0;
		return take(c, disp, &sib);
	}
	/*
	 * Table 2-2: mod = 0, rm = 5 is disp32 alone (RIP-relative in 64-bit
	 * mode, SDM 2.2.1.6, still 4 bytes); rm = 4 brings a SIB whose base 5
	 * with mod = 0 is disp32 without a base (Table 2-3).
	 */
	disp = mod == 1 ? 1 : mod == 2 || rm == 5 ? 4 : 0;
	if (rm == 4) {
		if (!take(c, 1, &sib))
			return false;
		if (mod == 0 && (sib & 7) == 5)
			disp = 4;
	}
	return take(c, disp, &sib);
}

/* ES CS SS DS FS GS: the exit gives the address, so which one is moot */
static bool segment_override(uint64_t op)
{
	return op == 0x26 || op == 0x2e || op == 0x36 || op == 0x3e ||
	       op == 0x64 || op == 0x65;
}

bool decode_store(const uint8_t *bytes, unsigned n, enum decode_mode mode,
		  struct decoded_store *out, const char **why)
{
	struct cursor c = { bytes, n, 0, why };
	struct decoded_store d = { 0 };
	bool opsize_prefix = false, addrsize_prefix = false;
	unsigned rex = 0; /* the REX byte in effect, 0 if none */
	uint64_t op, modrm, moffs;

	for (;;) {
		if (!take(&c, 1, &op))
			return false;
		if (mode == DECODE_64 && (op & 0xf0) == 0x40) {
			rex = op;
			continue;
		}
		if (op == 0xf0) {
			/* LOCK on MOV is #UD (SDM Vol. 2A "LOCK"): never ran */
			*why = "LOCK prefix";
			return false;
		}
		if (op == 0xf2 || op == 0xf3) {
			*why = "REP/REPNE (XACQUIRE/XRELEASE) prefix";
			return false;
		}
		if (op == 0x66)
			opsize_prefix = true;
		else if (op == 0x67)
			addrsize_prefix = true;
		else if (!segment_override(op))
			break;
		/*
		 * A REX counts only right before the opcode: one followed by a
		 * legacy prefix is ignored (SDM Vol. 2A 2.2.1), as is the
		 * first of two REX bytes (overwritten above).
		 */
		rex = 0;
	}
	/* SDM Vol. 1 3.6.1, Table 3-4: REX.W beats 66; 66 toggles 16/32 */
	unsigned opsize = mode == DECODE_16 ? 2 : 4;
	unsigned addr_size = mode == DECODE_16 ? 2 : mode == DECODE_32 ? 4 : 8;

	if (opsize_prefix)
		opsize = 6 - opsize;
	if (rex & REX_W)
		opsize = 8;
	/* 67 toggles 16/32 outside 64-bit mode and gives 32 in it */
	if (addrsize_prefix)
		addr_size = mode == DECODE_64 ? 4 : 6 - addr_size;

	switch (op) {
	case 0x88: /* MOV r/m8, r8 */
	case 0x89: /* MOV r/m16/32/64, r16/32/64 */
		if (!take(&c, 1, &modrm) ||
		    !skip_mem_operand(&c, (unsigned)modrm, addr_size))
			return false;
		d.size = op == 0x88 ? 1 : opsize;
		d.src_is_reg = true;
		d.src_reg = ((modrm >> 3) & 7) | ((rex & REX_R) ? 8 : 0);
		/* without REX, byte regs 4..7 are AH CH DH BH (SDM 2.2.1.2) */
		d.src_high_byte = d.size == 1 && !rex && d.src_reg >= 4;
		break;
	case 0xc6: /* MOV r/m8, imm8 */
	case 0xc7: /* MOV r/m16/32/64, imm16/32 */
		if (!take(&c, 1, &modrm))
			return false;
		/* other reg fields: unassigned, or XABORT/XBEGIN (mod = 3) */
		if (modrm & 0x38) {
			*why = "C6/C7 with ModRM.reg other than 0 is not MOV";
			return false;
		}
		if (!skip_mem_operand(&c, (unsigned)modrm, addr_size))
			return false;
		d.size = op == 0xc6 ? 1 : opsize;
		if (!take(&c, d.size == 1 ? 1 : d.size == 2 ? 2 : 4, &d.imm))
			return false;
		/* C7 with REX.W: imm32 sign-extended to 64 bits */
		if (d.size == 8)
			d.imm = (uint64_t)(int64_t)(int32_t)(uint32_t)d.imm;
		break;
	case 0xa2: /* MOV moffs8, AL */
	case 0xa3: /* MOV moffs16/32/64, AX/EAX/RAX */
		/* an address-sized offset: 8 bytes in 64-bit mode sans 67 */
		if (!take(&c, addr_size, &moffs))
			return false;
		d.size = op == 0xa2 ? 1 : opsize;
		d.src_is_reg = true;
		d.src_reg = 0; /* REX.R/B do not apply: always AL/rAX */
		break;
	default:
		*why = "not a MOV store to memory";
		return false;
	}
	d.length = c.pos;
	*out = d;
	return true;
}
