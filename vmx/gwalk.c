/* SPDX-License-Identifier: Apache-2.0 */
#include "mm/pagetable.h"
#include "vmx/gwalk.h"

#define CR0_WP (1ull << 16)
#define CR0_PG (1ull << 31)
#define CR4_PSE (1ull << 4)
#define CR4_PAE (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)

/*
 * Physical-address bits above MAXPHYADDR are reserved in every entry, but
 * this module does not know MAXPHYADDR: it takes bits 51:12 (PTE_ADDR) as
 * the address and leaves such bits unchecked. A walk that follows one
 * reaches an address the read callback refuses (GWALK_NO_MEMORY), or yields
 * a guest-physical address the caller cannot read either.
 */

/* PAE entries reserve bits 62:52 (SDM Vol. 3A 4.4.2); 4-level ignores them. */
#define PAE_RSVD_HIGH 0x7ff0000000000000ull
/* A PAE PDPTE reserves bits 2:1, 8:5 and 63 too (SDM 4.4.1). */
#define PAE_PDPTE_RSVD (0x1e6ull | PTE_NX | PAE_RSVD_HIGH)
/* Large pages: bit 12 is PAT, bits 13 up to the page alignment reserved. */
#define RSVD_2M 0x1fe000ull   /* bits 20:13 */
#define RSVD_1G 0x3fffe000ull /* bits 29:13 */
#define PSE_4M_RSVD (1ull << 21)

const char *gwalk_strerror(enum gwalk_result r)
{
	switch (r) {
	case GWALK_OK:
		return "ok";
	case GWALK_NOT_PRESENT:
		return "paging-structure entry not present";
	case GWALK_RESERVED:
		return "reserved bit set in a paging-structure entry";
	case GWALK_NO_MEMORY:
		return "paging structure outside readable guest memory";
	case GWALK_NON_CANONICAL:
		return "linear address not canonical for the paging mode";
	case GWALK_PROTECTION:
		return "access not allowed by the page's access rights";
	}
	return "unknown guest-walk error";
}

/*
 * What a successful walk found: the address, and the access rights of the
 * entries that control it, combined as SDM Vol. 3A 4.6 combines them. A
 * PAE PDPTE has no R/W, U/S or XD bits (4.4.1) and so does not count.
 */
struct walk_info {
	uint64_t gpa;
	bool user;     /* U/S = 1 in every entry: a user-mode address */
	bool writable; /* R/W = 1 in every entry */
	bool nx;       /* XD = 1 in some entry (only possible with EFER.NXE) */
};

static void rights_init(struct walk_info *w)
{
	w->user = true;
	w->writable = true;
	w->nx = false;
}

static void rights_add(struct walk_info *w, uint64_t e)
{
	w->user = w->user && (e & PTE_US);
	w->writable = w->writable && (e & PTE_W);
	w->nx = w->nx || (e & PTE_NX);
}

/*
 * Reads the 8-byte entry at gpa; 32-bit paging has 4-byte entries, so
 * fetch the aligned quadword around them and take the right half.
 */
static bool read_entry(gwalk_read64 read, void *ctx, uint64_t gpa,
		       unsigned width, uint64_t *e)
{
	uint64_t q;

	if (!read(ctx, gpa & ~7ull, &q))
		return false;
	if (width == 4)
		q = (gpa & 4) ? q >> 32 : q & 0xffffffffull;
	*e = q;
	return true;
}

/*
 * 32-bit paging (SDM Vol. 3A 4.3): 10 + 10 + 12 bits, 4-byte entries, and
 * reserved bits only in a PDE that maps a 4 MiB page.
 */
static enum gwalk_result walk32(const struct gwalk_regs *r, uint32_t la,
				gwalk_read64 read, void *ctx,
				struct walk_info *w)
{
	uint64_t pde, pte;

	if (!read_entry(read, ctx, (r->cr3 & 0xfffff000u) + (la >> 22) * 4, 4,
			&pde))
		return GWALK_NO_MEMORY;
	if (!(pde & PTE_P))
		return GWALK_NOT_PRESENT;
	/* PS means a 4 MiB page only with CR4.PSE; without it PS is ignored. */
	if ((r->cr4 & CR4_PSE) && (pde & PTE_PS)) {
		/*
		 * Bit 21 is reserved whatever MAXPHYADDR is. PSE-36: PDE bits
		 * 20:13 are physical-address bits 39:32, taken whole here
		 * (those above MAXPHYADDR are reserved, unchecked as above).
		 */
		if (pde & PSE_4M_RSVD)
			return GWALK_RESERVED;
		w->gpa = (pde & 0xffc00000u) | (((pde >> 13) & 0xff) << 32) |
			 (la & 0x3fffffu);
		/* 32-bit entries have no XD bit: bit 63 read here is 0 */
		rights_add(w, pde);
		return GWALK_OK;
	}
	if (!read_entry(read, ctx,
			(pde & 0xfffff000u) + ((la >> 12) & 0x3ff) * 4, 4,
			&pte))
		return GWALK_NO_MEMORY;
	if (!(pte & PTE_P))
		return GWALK_NOT_PRESENT;
	w->gpa = (pte & 0xfffff000u) | (la & 0xfffu);
	rights_add(w, pde);
	rights_add(w, pte);
	return GWALK_OK;
}

/*
 * SDM Vol. 3A 4.4 (PAE) and 4.5 (4-level and 5-level): 9 bits per level,
 * 8-byte entries. levels is 3 for PAE (PDPT, PD, PT: the top level takes 2
 * bits), 4 for 4-level paging (PML4 first) and 5 for 5-level paging (PML5
 * first, indexed by linear-address bits 56:48).
 */
static enum gwalk_result walk64(const struct gwalk_regs *r, uint64_t la,
				int levels, gwalk_read64 read, void *ctx,
				struct walk_info *w)
{
	bool pae = levels == 3;
	/* XD (bit 63) is reserved unless EFER.NXE (SDM 4.4.2, 4.5) */
	uint64_t rsvd_all = (r->efer & EFER_NXE) ? 0 : PTE_NX;
	uint64_t table;

	if (pae) {
		/*
		 * The CPU walks from its four PDPTE registers, loaded from the
		 * 32-byte aligned table at CR3 on MOV to CR3 (SDM 4.4.1) and,
		 * with EPT, from the VMCS on VM entry (Vol. 3C 27.3.2.4). A
		 * guest that rewrote its PDPT without reloading CR3 walks
		 * with the old values; the memory copy is right otherwise.
		 */
		table = r->cr3 & 0xffffffe0u;
		rsvd_all |= PAE_RSVD_HIGH;
	} else {
		/* 11:0 are PCID or PWT/PCD, 63:52 no address (LAM, ...) */
		table = r->cr3 & PTE_ADDR;
	}

	for (int l = levels - 1; l >= 0; l--) {
		unsigned shift = 12 + 9 * l;
		uint64_t e, rsvd = rsvd_all;

		if (!read_entry(read, ctx, table + ((la >> shift) & 511) * 8, 8,
				&e))
			return GWALK_NO_MEMORY;
		if (!(e & PTE_P))
			return GWALK_NOT_PRESENT;
		if (pae && l == 2)
			rsvd = PAE_PDPTE_RSVD;
		else if (l >= 3)
			rsvd |= PTE_PS; /* no 512 GiB or 256 TiB pages (SDM 4.5) */
		/*
		 * A PS in a 4-level PDPTE maps 1 GiB, taken as supported
		 * (CPUID.80000001H:EDX.Page1GB): the CPU just fetched through
		 * this entry, which it could not have done were PS reserved.
		 */
		bool leaf = l == 0 || ((l == 1 || (l == 2 && !pae)) &&
				       (e & PTE_PS));

		if (leaf && l == 1)
			rsvd |= RSVD_2M;
		else if (leaf && l == 2)
			rsvd |= RSVD_1G;
		if (e & rsvd)
			return GWALK_RESERVED;
		/* XD is reserved without NXE, so a set one is an NX here */
		if (!(pae && l == 2))
			rights_add(w, e);
		if (leaf) {
			uint64_t mask = (1ull << shift) - 1;

			w->gpa = (e & PTE_ADDR & ~mask) | (la & mask);
			return GWALK_OK;
		}
		table = e & PTE_ADDR;
	}
	return GWALK_NOT_PRESENT; /* not reached: level 0 is always a leaf */
}

/*
 * In IA-32e mode, bits 63:N-1 of a linear address all equal, N being 57
 * with CR4.LA57 and 48 without (SDM Vol. 3A 4.5.1 and 3.3.7.1). Outside
 * IA-32e mode addresses are 32 bits and always canonical.
 */
bool gwalk_canonical(const struct gwalk_regs *r, uint64_t gla)
{
	unsigned keep = (r->cr4 & CR4_LA57) ? 7 : 16; /* 64 - N */

	if (!(r->cr0 & CR0_PG) || !(r->efer & EFER_LMA))
		return true;
	return (uint64_t)((int64_t)(gla << keep) >> keep) == gla;
}

/*
 * Walks with paging on; fills *w on GWALK_OK. SDM Vol. 3A 4.1.1, Table 4-1:
 * CR4.PAE, EFER.LMA (which is LME && PG) and CR4.LA57 select the mode.
 * CR4.LA57 counts only in IA-32e mode: software sets it before paging is
 * enabled (SDM 4.1.2), and PAE paging ignores it.
 */
static enum gwalk_result walk(const struct gwalk_regs *r, uint64_t gla,
			      gwalk_read64 read, void *ctx,
			      struct walk_info *w)
{
	rights_init(w);
	if (!(r->cr4 & CR4_PAE))
		return walk32(r, (uint32_t)gla, read, ctx, w);
	if (!(r->efer & EFER_LMA))
		return walk64(r, gla & 0xffffffffu, 3, read, ctx, w);
	if (!gwalk_canonical(r, gla))
		return GWALK_NON_CANONICAL;
	return walk64(r, gla, (r->cr4 & CR4_LA57) ? 5 : 4, read, ctx, w);
}

enum gwalk_result gwalk_translate(const struct gwalk_regs *r, uint64_t gla,
				  gwalk_read64 read, void *ctx, uint64_t *gpa)
{
	struct walk_info w;
	enum gwalk_result res;

	/*
	 * Paging off implies LMA = 0, so the linear address is 32 bits and
	 * is the physical address.
	 */
	if (!(r->cr0 & CR0_PG)) {
		*gpa = gla & 0xffffffffu;
		return GWALK_OK;
	}
	/*
	 * In IA-32e mode the CPU fetched from gla, so it is canonical (and
	 * an instruction fetch is never subject to LAM); walk() checks it
	 * all the same.
	 */
	res = walk(r, gla, read, ctx, &w);
	if (res == GWALK_OK)
		*gpa = w.gpa;
	return res;
}

/*
 * The access-rights rules of SDM Vol. 3A 4.6.1 for one access to a page
 * whose combined rights are *w.
 */
static bool access_allowed(const struct gwalk_regs *r,
			   const struct walk_info *w, bool user, bool write,
			   bool fetch, bool ac)
{
	if (user) {
		/* CPL 3 reaches only user-mode addresses, whatever CR0.WP */
		if (!w->user)
			return false;
		if (fetch)
			return !w->nx;
		return !write || w->writable;
	}
	if (fetch) {
		if (w->user && (r->cr4 & CR4_SMEP))
			return false;
		return !w->nx;
	}
	/* SMAP: explicit supervisor data accesses need RFLAGS.AC = 1 */
	if (w->user && (r->cr4 & CR4_SMAP) && !ac)
		return false;
	/* CR0.WP = 0 lets supervisor writes ignore R/W, user pages too */
	return !write || !(r->cr0 & CR0_WP) || w->writable;
}

enum gwalk_result gwalk_translate_access(const struct gwalk_regs *r,
					 uint64_t gla, unsigned access,
					 gwalk_read64 read, void *ctx,
					 uint64_t *gpa, uint32_t *pf_error)
{
	bool fetch = access & GWALK_FETCH;
	bool write = !fetch && (access & GWALK_WRITE);
	bool user = access & GWALK_USER;
	uint32_t err = (write ? GWALK_PFEC_W : 0) | (user ? GWALK_PFEC_U : 0);
	struct walk_info w;
	enum gwalk_result res;

	if (!(r->cr0 & CR0_PG)) {
		*gpa = gla & 0xffffffffu;
		return GWALK_OK;
	}
	/*
	 * SDM 4.7: I/D says "instruction fetch" only where fetches can be
	 * refused, with SMEP or with XD bits (PAE or 4-level paging and
	 * EFER.NXE); 32-bit paging has no XD bit whatever NXE says.
	 */
	if (fetch && ((r->cr4 & CR4_SMEP) ||
		      ((r->cr4 & CR4_PAE) && (r->efer & EFER_NXE))))
		err |= GWALK_PFEC_I;

	res = walk(r, gla, read, ctx, &w);
	switch (res) {
	case GWALK_OK:
		if (access_allowed(r, &w, user, write, fetch,
				   access & GWALK_AC)) {
			*gpa = w.gpa;
			return GWALK_OK;
		}
		res = GWALK_PROTECTION;
		err |= GWALK_PFEC_P;
		break;
	case GWALK_NOT_PRESENT:
		break;
	case GWALK_RESERVED:
		/* the entry was present, so P is 1 as well */
		err |= GWALK_PFEC_P | GWALK_PFEC_RSVD;
		break;
	default:
		return res;
	}
	if (pf_error)
		*pf_error = err;
	return res;
}
