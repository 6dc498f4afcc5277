/* SPDX-License-Identifier: Apache-2.0 */
#include "nested/ept12.h"

#define EPT_PERM_MASK	  0x7ull
#define EPT_R		  0x1ull
#define EPT_W		  0x2ull
#define EPT_X		  0x4ull
#define EPT_MEMTYPE_SHIFT 3
#define EPT_MEMTYPE_MASK  0x7ull
#define EPT_IGNORE_PAT	  (1ull << 6)
#define EPT_PS		  (1ull << 7)
/* SDM 29.3.2: a PML4E reserves bits 7:3; a non-leaf PDPTE/PDE bits 6:3
 * (bit 7 is what makes it a leaf). */
#define EPT_PML4E_RSVD	 0xf8ull
#define EPT_NONLEAF_RSVD 0x78ull

#define EPTP_MEMTYPE_MASK 0x7ull
#define EPTP_MEMTYPE_UC	  0
#define EPTP_MEMTYPE_WB	  6
#define EPTP_WALK_SHIFT	  3
#define EPTP_WALK_MASK	  0x7ull
#define EPTP_WALK_4LEVEL  3 /* page-walk length minus one */
/* Bit 6 enables A/D flags, bit 7 supervisor shadow-stack control, 11:8 are
 * reserved: L0 offers neither feature, so all of 11:6 must be 0. */
#define EPTP_RSVD_LOW 0xfc0ull

#define PAGE_SHIFT 12

/*
 * MAXPHYADDR as a shift count: EPT entries carry at most 52 address bits
 * and a table address is at least page-aligned, so a value outside 12..52
 * (only a caller's mistake) is clamped rather than shifting out of range.
 */
static unsigned addr_width(const struct ept12_caps *c)
{
	if (c->phys_bits > 52)
		return 52;
	if (c->phys_bits < PAGE_SHIFT)
		return PAGE_SHIFT;
	return c->phys_bits;
}

/* Bits phys_bits-1:12, the address part of an entry or of the EPTP. */
static uint64_t addr_bits(unsigned width)
{
	return ((1ull << width) - 1) & ~((1ull << PAGE_SHIFT) - 1);
}

/* Bits 51:phys_bits, reserved in every entry (SDM 29.3.3.1). */
static uint64_t high_rsvd(unsigned width)
{
	return ((1ull << 52) - 1) & ~((1ull << width) - 1);
}

bool ept12_eptp_valid(uint64_t eptp, const struct ept12_caps *c)
{
	uint64_t mt = eptp & EPTP_MEMTYPE_MASK;

	if (mt != EPTP_MEMTYPE_UC && mt != EPTP_MEMTYPE_WB)
		return false;
	if (((eptp >> EPTP_WALK_SHIFT) & EPTP_WALK_MASK) != EPTP_WALK_4LEVEL)
		return false;
	if (eptp & EPTP_RSVD_LOW)
		return false;
	/* unlike an entry, the EPTP reserves all of 63:N, not just 51:N */
	return (eptp >> addr_width(c)) == 0;
}

/* Memory types 2, 3 and 7 are reserved in a leaf (SDM 29.3.3.1, 29.3.7). */
static bool memtype_reserved(uint64_t e)
{
	uint64_t mt = (e >> EPT_MEMTYPE_SHIFT) & EPT_MEMTYPE_MASK;

	return mt == 2 || mt == 3 || mt == 7;
}

/*
 * The misconfiguration rules of SDM 29.3.3.1 for a present entry at level
 * (4 = PML4E ... 1 = PTE); *leaf says whether the walk ends here.
 */
static bool misconfigured(uint64_t e, unsigned level,
			  const struct ept12_caps *c, bool *leaf)
{
	uint64_t perm = e & EPT_PERM_MASK;
	uint64_t low_rsvd;

	*leaf = false;
	if ((perm & (EPT_R | EPT_W)) == EPT_W)
		return true;
	if (perm == EPT_X && !c->exec_only)
		return true;
	if (e & high_rsvd(addr_width(c)))
		return true;

	switch (level) {
	case 4:
		return (e & EPT_PML4E_RSVD) != 0;
	case 3:
	case 2:
		if (!(e & EPT_PS))
			return (e & EPT_NONLEAF_RSVD) != 0;
		/* without the page size in the capabilities, PS is a
		 * reserved bit like any other (SDM 29.3.2) */
		if (level == 3 ? !c->large_1g : !c->large_2m)
			return true;
		/* bits 29:12 of a 1 GiB leaf, 20:12 of a 2 MiB leaf */
		low_rsvd = ((1ull << (PAGE_SHIFT + 9 * (level - 1))) - 1) &
			   ~((1ull << PAGE_SHIFT) - 1);
		if (e & low_rsvd)
			return true;
		break;
	default:
		/* a PTE ignores bit 7 */
		break;
	}
	*leaf = true;
	return memtype_reserved(e);
}

void ept12_walk(uint64_t eptp, uint64_t gpa, unsigned access,
		const struct ept12_caps *c, ept12_read64 read, void *ctx,
		struct ept12_result *r)
{
	unsigned width = addr_width(c);
	uint64_t table = eptp & addr_bits(width);
	uint64_t e = 0, size;
	unsigned level, shift = PAGE_SHIFT;
	bool leaf = false;

	/* bits 63:48 of gpa feed no table index and no page offset */
	*r = (struct ept12_result){.perms = EPT_PERM_MASK};

	for (level = 4; level >= 1 && !leaf; level--) {
		shift = PAGE_SHIFT + 9 * (level - 1);
		r->level = level;
		if (!read(ctx, table + ((gpa >> shift) & 511) * 8, &e)) {
			r->status = EPT12_NO_MEMORY;
			r->entry = 0; /* nothing was read at this level */
			return;
		}
		r->entry = e;
		r->perms &= (unsigned)(e & EPT_PERM_MASK);
		/* not present: the CPU ignores every other bit (SDM 29.3.2) */
		if (!(e & EPT_PERM_MASK)) {
			r->status = EPT12_VIOLATION;
			return;
		}
		if (misconfigured(e, level, c, &leaf)) {
			r->status = EPT12_MISCONFIG;
			return;
		}
		table = e & addr_bits(width);
	}

	/*
	 * Permissions are checked only once the whole path is known to be
	 * well formed: a misconfiguration anywhere on it takes precedence
	 * (SDM 29.3.3.2 applies to walks without one).
	 */
	if (access & ~r->perms & EPT_PERM_MASK) {
		r->status = EPT12_VIOLATION;
		return;
	}
	size = 1ull << shift;
	r->status = EPT12_OK;
	r->page_size = size;
	r->l1_gpa = (e & addr_bits(width) & ~(size - 1)) | (gpa & (size - 1));
	r->memtype = (unsigned)((e >> EPT_MEMTYPE_SHIFT) & EPT_MEMTYPE_MASK);
	r->ignore_pat = (e & EPT_IGNORE_PAT) != 0;
}
