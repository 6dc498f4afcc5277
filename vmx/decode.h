/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Decoding the one kind of instruction an MMIO write exit needs emulated:
 * a MOV that stores a register or an immediate to memory (SDM Vol. 2A 2.1
 * for the format, Vol. 2B "MOV" for the opcodes). The exit already gives
 * the guest-physical address, so only the size, the source and the length
 * matter; the memory operand is parsed for its length and not evaluated.
 * Pure logic, unit-tested.
 */
#ifndef VMX_DECODE_H
#define VMX_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#define DECODE_MAX_LEN 15 /* longer is #GP (SDM Vol. 2A 2.3.11) */

/* The code segment's default operand and address size (CS.D, CS.L). */
enum decode_mode { DECODE_16, DECODE_32, DECODE_64 };

struct decoded_store {
	unsigned length; /* bytes to add to RIP */
	unsigned size;	 /* bytes stored: 1, 2, 4 or 8 */
	bool src_is_reg;
	/*
	 * 0..15 in SDM encoding order: RAX RCX RDX RBX RSP RBP RSI RDI
	 * R8..R15. For a 1-byte store without a REX prefix, 4..7 mean AH CH
	 * DH BH: src_high_byte says so (with any REX they are SPL BPL SIL DIL).
	 */
	unsigned src_reg;
	bool src_high_byte;
	/*
	 * The immediate when !src_is_reg, truncated to size bytes except for
	 * C7 with REX.W, whose imm32 is sign-extended to 64 bits as the CPU
	 * does. 0 for register sources.
	 */
	uint64_t imm;
};

/*
 * Decodes one instruction from bytes[0..n) in mode: MOV r/m, r (88, 89),
 * MOV r/m, imm (C6 /0, C7 /0) and MOV moffs, AL/eAX (A2, A3), with legacy
 * prefixes 66, 67 and segment overrides, and a REX prefix in 64-bit mode.
 * Returns false, with *why set to a static string, for anything else: other
 * instructions, LOCK or REP prefixes, a register (mod = 3) destination, a
 * truncated buffer (n too small), or a length over 15 bytes.
 */
bool decode_store(const uint8_t *bytes, unsigned n, enum decode_mode mode,
		  struct decoded_store *out, const char **why);

#endif
