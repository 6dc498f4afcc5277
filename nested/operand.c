/* SPDX-License-Identifier: Apache-2.0 */
#include "nested/operand.h"

#include "nested/x86_rules.h"

/* VMCS access rights (SDM Vol. 3C 25.4.1), type bits (Vol. 3A 3.4.5.1) */
#define AR_TYPE_WRITABLE    0x2u /* data segment: W */
#define AR_TYPE_READABLE    0x2u /* code segment: R */
#define AR_TYPE_EXPAND_DOWN 0x4u /* data segment: E */
#define AR_TYPE_CODE	    0x8u
#define AR_S		    (1u << 4)
#define AR_P		    (1u << 7)
#define AR_DB		    (1u << 14)
#define AR_UNUSABLE	    (1u << 16)

/*
 * Whether bytes off..last of segment s may be accessed outside 64-bit
 * mode: the type checks of SDM Vol. 3A 5.4.1 (usability is the VMCS's
 * view of a null selector, 3.4.2) and the limit checks of 5.3.
 */
static bool segment_allows(const struct seg *s, uint64_t off, uint64_t last,
			   bool write, bool real_or_v86)
{
	uint32_t type = s->ar & 0xf;
	uint64_t lowest = 0, highest = s->limit;

	if (!real_or_v86) {
		/*
		 * A loaded selector always points at a present code or data
		 * descriptor, so S = 0 or P = 0 means no usable segment.
		 */
		if ((s->ar & AR_UNUSABLE) || !(s->ar & AR_S) || !(s->ar & AR_P))
			return false;
		if (type & AR_TYPE_CODE) {
			/* code segments are never writable */
			if (write || !(type & AR_TYPE_READABLE))
				return false;
		} else {
			if (write && !(type & AR_TYPE_WRITABLE))
				return false;
			/*
			 * Expand-down: the limit is the highest offset that
			 * is out of bounds; B sets the top (SDM 3.4.5.1).
			 */
			if (type & AR_TYPE_EXPAND_DOWN) {
				lowest = (uint64_t)s->limit + 1;
				highest =
				    (s->ar & AR_DB) ? 0xffffffffu : 0xffffu;
			}
		}
	}
	return off >= lowest && last <= highest;
}

enum operand_fault operand_decode(const struct operand_ctx *c,
				  uint32_t insn_info, uint64_t qualification,
				  unsigned access_size, bool write,
				  struct vmx_operand *out)
{
	unsigned asize = OPERAND_INFO_ASIZE(insn_info);
	unsigned sreg = OPERAND_INFO_SEG(insn_info);
	uint64_t size = access_size ? access_size : 1;
	uint64_t ea, la;
	/* a reference through SS faults with #SS, any other with #GP */
	enum operand_fault fault =
	    sreg == OPERAND_SEG_SS ? OPERAND_SS : OPERAND_GP;

	if (insn_info & OPERAND_INFO_REG) {
		*out = (struct vmx_operand){.is_reg = true,
					    .reg = operand_reg1(insn_info)};
		return OPERAND_OK;
	}
	/* 64-bit mode has 32- and 64-bit addresses, the others 16 and 32 */
	if (asize > 2 || sreg > OPERAND_SEG_GS ||
	    (c->long_mode ? asize == 0 : asize == 2))
		return OPERAND_UD;

	/*
	 * The qualification is the displacement sign-extended to 64 bits,
	 * or for RIP-relative addressing (no base, no index) the displacement
	 * plus the next RIP already (SDM Vol. 3C 28.2.1). Sums wrap, then
	 * truncation to the address size gives the effective address.
	 */
	ea = qualification;
	if (!(insn_info & OPERAND_INFO_NO_BASE))
		ea += c->gpr[OPERAND_INFO_BASE(insn_info)];
	if (!(insn_info & OPERAND_INFO_NO_INDEX))
		ea += c->gpr[OPERAND_INFO_INDEX(insn_info)]
		      << OPERAND_INFO_SCALE(insn_info);
	if (asize == 0)
		ea &= 0xffffu;
	else if (asize == 1)
		ea &= 0xffffffffu;

	if (c->long_mode) {
		/* SDM Vol. 3A 3.4.4: only FS and GS keep a base in 64-bit mode
		 */
		la = ea;
		if (sreg == OPERAND_SEG_FS || sreg == OPERAND_SEG_GS)
			la += c->seg[sreg].base;
		unsigned bits = x86_linear_bits(c->la57);

		if (!x86_canonical_to(la, bits) ||
		    !x86_canonical_to(la + size - 1, bits) ||
		    la + size - 1 < la)
			return fault;
	} else {
		if (!segment_allows(&c->seg[sreg], ea, ea + size - 1, write,
				    c->real_or_v86))
			return fault;
		la = (uint32_t)(c->seg[sreg].base + ea);
	}

	*out = (struct vmx_operand){
	    .gla = la, .seg = sreg, .addr_size = 2u << asize};
	return OPERAND_OK;
}
