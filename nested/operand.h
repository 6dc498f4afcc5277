/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The operand of a VMX instruction that caused a VM exit (VMCLEAR, VMPTRLD,
 * VMPTRST, VMXON, VMREAD, VMWRITE, INVEPT, INVVPID), rebuilt from what the
 * exit reports: the VM-exit instruction-information field (SDM Vol. 3C
 * 28.2.5, the tables for VMCLEAR/VMPTRLD/VMPTRST/VMXON, for VMREAD/VMWRITE
 * and for INVEPT/INVPCID/INVVPID) and the exit qualification, which holds
 * the displacement (28.2.1). A memory operand becomes a linear address,
 * checked as the CPU checks it before any paging (SDM Vol. 3A 3.3.7.1,
 * 3.4.5.1, 5.3, 5.4; the "Protected Mode Exceptions" and "64-Bit Mode
 * Exceptions" of the instructions in Vol. 3C 31.3). Paging comes after:
 * vmx/gwalk.h. Pure logic, unit-tested.
 */
#ifndef NESTED_OPERAND_H
#define NESTED_OPERAND_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Instruction-information bits that every layout above shares: scale
 * (index << scale), address size (0: 16, 1: 32, 2: 64 bits), register
 * operand rather than memory, segment (enum operand_sreg), index and base
 * registers with their "invalid" flags.
 */
#define OPERAND_INFO_SCALE(i) ((i)&3u)
#define OPERAND_INFO_ASIZE(i) (((i) >> 7) & 7u)
#define OPERAND_INFO_REG      (1u << 10)
#define OPERAND_INFO_SEG(i)   (((i) >> 15) & 7u)
#define OPERAND_INFO_INDEX(i) (((i) >> 18) & 15u)
#define OPERAND_INFO_NO_INDEX (1u << 22)
#define OPERAND_INFO_BASE(i)  (((i) >> 23) & 15u)
#define OPERAND_INFO_NO_BASE  (1u << 27)

/* Segment registers, in the order the instruction information numbers them. */
enum operand_sreg {
	OPERAND_SEG_ES,
	OPERAND_SEG_CS,
	OPERAND_SEG_SS,
	OPERAND_SEG_DS,
	OPERAND_SEG_FS,
	OPERAND_SEG_GS,
};

/*
 * A segment as the VMCS guest-state area holds it: limit in bytes (G
 * already applied), ar bits 3:0 type, 4 S, 6:5 DPL, 7 P, 13 L, 14 D/B,
 * 15 G, 16 unusable (SDM Vol. 3C 25.4.1).
 */
struct seg {
	uint64_t base;
	uint32_t limit;
	uint32_t ar;
};

struct operand_ctx {
	/* SDM order: RAX RCX RDX RBX RSP RBP RSI RDI R8..R15 */
	uint64_t gpr[16];
	struct seg seg[6]; /* ES CS SS DS FS GS */
	bool long_mode;	   /* EFER.LMA and CS.L: 64-bit mode */
	/*
	 * CR4.LA57: in 64-bit mode, 5-level paging and 57-bit canonical
	 * addresses (SDM Vol. 3A 4.5); 48 bits without it.
	 */
	bool la57;
	/*
	 * CS.D/B outside 64-bit mode. Not consulted: the exit reports the
	 * address size the instruction used, prefixes included.
	 */
	bool cs_db;
	/*
	 * Real-address or virtual-8086 mode: no segment type or usability
	 * checks, only the (expand-up) limit. VMX instructions are #UD in
	 * these modes before any VM exit (SDM Vol. 3C 26.1.1), so this only
	 * matters to other users of the decoder.
	 */
	bool real_or_v86;
};

struct vmx_operand {
	bool is_reg;
	unsigned reg; /* reg1, for a register operand */
	uint64_t gla; /* linear address of a memory operand's first byte */
	unsigned seg; /* enum operand_sreg, for a memory operand */
	unsigned addr_size; /* 2, 4 or 8 bytes, for a memory operand */
};

/* The exception a bad operand raises, by vector; #GP and #SS carry 0. */
enum operand_fault {
	OPERAND_OK = 0,
	OPERAND_GP = 13,
	OPERAND_SS = 12,
	OPERAND_UD = 6,
};

/*
 * Decodes the operand of the instruction whose exit reported insn_info and
 * qualification, for an access of access_size bytes (a write if write),
 * and fills *out on OPERAND_OK; *out is left alone on a fault.
 *
 * A register operand (OPERAND_INFO_REG, VMREAD/VMWRITE only) is returned
 * as is: out->reg is reg1. For memory: base + (index << scale) + the
 * displacement, truncated to the address size, then:
 * - in 64-bit mode, plus the FS or GS base (the others are taken as 0);
 *   the first and the last byte must be canonical (48 bits, or 57 with
 *   la57: the current paging mode's width, SDM Vol. 3A 3.3.7.1) and the
 *   access must not wrap at 2^64, else #SS(0) for SS and #GP(0) otherwise;
 * - elsewhere the segment must be usable, readable for a read (not an
 *   execute-only code segment), writable for a write (a data segment with
 *   W; never a code segment), and every byte of the access within its
 *   limit (expand-down: above the limit, up to 0xffff or 0xffffffff by
 *   its B flag), else #SS(0) for SS and #GP(0) otherwise. An access that
 *   runs past offset 0xffffffff faults too, which the SDM leaves to the
 *   implementation (Vol. 3A 5.3). The linear address is the segment base
 *   plus the offset, truncated to 32 bits; the access itself may still
 *   wrap at 4 GiB, which the caller handles when it splits it into pages.
 * An instruction information the CPU cannot report (address size 3 or
 * more, segment 6 or 7, a 16-bit address in 64-bit mode or a 64-bit one
 * outside it) gives OPERAND_UD. access_size 0 is taken as 1.
 */
enum operand_fault operand_decode(const struct operand_ctx *c,
				  uint32_t insn_info, uint64_t qualification,
				  unsigned access_size, bool write,
				  struct vmx_operand *out);

/* The register operand of VMREAD/VMWRITE (bits 6:3), when OPERAND_INFO_REG. */
static inline unsigned operand_reg1(uint32_t insn_info)
{
	return (insn_info >> 3) & 15;
}

/*
 * The second register (bits 31:28) for VMREAD/VMWRITE (the field
 * encoding) and INVEPT/INVVPID (the type).
 */
static inline unsigned operand_reg2(uint32_t insn_info)
{
	return (insn_info >> 28) & 15;
}

#endif
