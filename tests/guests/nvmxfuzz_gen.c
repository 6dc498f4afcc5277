/* SPDX-License-Identifier: Apache-2.0 */
/*
 * nvmxfuzz's generator: the table of what a case may change, a seeded
 * generator biased to the edges the VM-entry checks look at (SDM Vol. 3C
 * 27.2 controls and host state, 27.3 guest state, 27.4 MSR loading), and
 * the text form of a case (printed, and parsed back for corpus replays).
 *
 * Everything here is a pure function of (seed, case index): nothing reads
 * the CPU, so bare Bochs and Matryoshka generate the same cases. The control
 * bits come from static masks (below) instead of the capability MSRs, which
 * differ between the two: bits both offer, bits neither offers (reserved),
 * and the difference set (offered by bare Bochs only), which is never set.
 * fz_caps_hold() tells whether the running CPU agrees with the masks.
 */
#include "tests/guests/nvmxfuzz.h"

#include "lib/fmt.h"

uint64_t fz_page_addr[PG_COUNT];
unsigned fz_maxphy = 36;

static const char *const page_name[PG_COUNT] = {
    [PG_NONE] = "",	    [PG_VMCS] = "vmcs",	  [PG_VMCS2] = "vmcs2",
    [PG_SHADOW] = "shadow", [PG_MSRBM] = "msrbm", [PG_IOA] = "ioa",
    [PG_IOB] = "iob",	    [PG_VMRBM] = "vmrbm", [PG_VMWBM] = "vmwbm",
    [PG_MSR] = "msr",	    [PG_EPT] = "ept",	  [PG_ZERO] = "zero",
};

/* ---- the PRNG: splitmix64 seeds xorshift64* (Vigna) ---- */

struct rng {
	uint64_t s;
};

static uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static uint64_t next(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dull;
}

/* 0 .. n-1 (n > 0); the slight modulo bias does not matter here. */
static unsigned rnd(struct rng *r, unsigned n)
{
	return (unsigned)((next(r) >> 32) % n);
}

#define PICK(r, a) ((a)[rnd((r), sizeof(a) / sizeof((a)[0]))])

/* A random set bit of mask (mask != 0). */
static uint64_t pick_bit(struct rng *r, uint64_t mask)
{
	unsigned n = 0, k;

	for (uint64_t x = mask; x; x &= x - 1)
		n++;
	k = rnd(r, n);

	for (unsigned b = 0; b < 64; b++)
		if ((mask >> b) & 1 && k-- == 0)
			return 1ull << b;
	return 0;
}

/* ---- control masks (SDM Vol. 3D A.3-A.5; values: the TRUE MSRs) ---- */

/*
 * must1: allowed-0 settings of bare Bochs corei7_skylake_x, which
 * Matryoshka passes on unchanged. bochs: its allowed-1 settings. diff: what
 * bare Bochs allows and Matryoshka does not offer (docs/nested.md "Virtual
 * capabilities"): TPR shadow; APIC virtualization, x2APIC mode, PAUSE-loop
 * exiting, VM functions, PML, EPT-violation #VE, XSAVES, TSC scaling; load
 * IA32_PERF_GLOBAL_CTRL (exit 12, entry 13); entry to SMM and deactivate
 * dual-monitor treatment (entry 10, 11). protect: never cleared (the timer
 * that ends every L2 at once; the host EFER that L1 depends on).
 */
struct ctlmask {
	uint32_t must1, bochs, diff, protect;
};

enum { CTL_PIN, CTL_PROC, CTL_PROC2, CTL_EXIT, CTL_ENTRY };

#define PROC2_DIFF                                                             \
	((1u << 0) | (1u << 4) | (1u << 8) | (1u << 9) | (1u << 10) |          \
	 (1u << 13) | (1u << 17) | (1u << 18) | (1u << 20) | (1u << 25))

static const struct ctlmask ctl[] = {
    [CTL_PIN] = {0x00000016u, 0x0000007fu, 0, PIN_PREEMPT},
    [CTL_PROC] = {0x04006172u, 0xf7f9fffeu, PROC_TPR_SHADOW, 0},
    [CTL_PROC2] = {0, 0x02177fffu, PROC2_DIFF, 0},
    [CTL_EXIT] = {0x00036dfbu, 0x007fffffu, 1u << 12, EXIT_LOAD_EFER},
    [CTL_ENTRY] = {0x000011fbu, 0x0000ffffu,
		   (1u << 10) | (1u << 11) | (1u << 13), 0},
};

static bool ctl_holds(const char *name, uint64_t cap, const struct ctlmask *m,
		      char **p, size_t *left)
{
	uint32_t must1 = (uint32_t)cap, may1 = (uint32_t)(cap >> 32);
	uint32_t common = m->bochs & ~m->diff;
	bool ok = must1 == m->must1 && (may1 & common) == common &&
		  !(may1 & ~m->bochs);

	if (!ok && *left > 1) {
		int n = fmt_snprintf(*p, *left, " %s", name);

		if (n > 0 && (size_t)n < *left) {
			*p += n;
			*left -= (size_t)n;
		}
	}
	return ok;
}

bool fz_caps_hold(const struct vmx_caps *c, char *buf, size_t n)
{
	char *p = buf;
	size_t left = n;
	bool ok = true;

	buf[0] = 0;
	ok &= ctl_holds("pin", c->pin, &ctl[CTL_PIN], &p, &left);
	ok &= ctl_holds("proc", c->proc, &ctl[CTL_PROC], &p, &left);
	ok &= ctl_holds("proc2", c->proc2, &ctl[CTL_PROC2], &p, &left);
	ok &= ctl_holds("exit", c->exit, &ctl[CTL_EXIT], &p, &left);
	ok &= ctl_holds("entry", c->entry, &ctl[CTL_ENTRY], &p, &left);
	/* HLT and shutdown activity states (MISC bits 6, 7); 4 CR3 targets */
	if (!(c->misc & (1ull << 6)) || !(c->misc & (1ull << 7)) ||
	    ((c->misc >> 16) & 0x1ff) != 4) {
		fmt_snprintf(p, left, " misc");
		ok = false;
	}
	return ok;
}

/* ---- targets ---- */

enum kind {
	K_CTL, /* arg: CTL_* */
	K_SEL,
	K_SBASE,
	K_LIMIT,
	K_AR,
	K_DTBASE,
	K_DTLIM,
	K_GCR0,
	K_GCR3,
	K_GCR4,
	K_GEFER,
	K_PAT,
	K_DR7,
	K_DEBUGCTL,
	K_CANON,
	K_ANY32,
	K_RIP,
	K_RSP,
	K_RFLAGS,
	K_ACT,
	K_INTR,
	K_PDBG,
	K_EVINFO,
	K_EVERR,
	K_EVLEN,
	K_BITS32,
	K_NAT,
	K_CR3CNT,
	K_VPID,
	K_EPTP,
	K_BITMAP, /* arg: its page */
	K_MSRCNT_ENTRY,
	K_MSRCNT_EXIT,
	K_MSRADDR_ENTRY,
	K_MSRADDR_STORE,
	K_MSRADDR_LOAD,
	K_MSRE, /* arg: entry number */
	K_LINK,
	K_LINKREV,
	K_HCR0,
	K_HCR3,
	K_HCR4,
	K_HSEL,
	K_HFSGS,
	K_HBAD, /* only non-canonical values: host TR/GDTR/IDTR bases, RIP */
	K_HEFER,
	K_BADFIELD,
	K_HI32, /* the high half of a 64-bit field */
	K_MODE,
	K_PDPTE,
};

/* Groups: a case's later mutations often come from its first one's group. */
enum group {
	GR_ES,
	GR_CS,
	GR_SS,
	GR_DS,
	GR_FS,
	GR_GS,
	GR_LDTR,
	GR_TR,
	GR_DT,
	GR_CR,
	GR_EVENT,
	GR_CTL,
	GR_MSR,
	GR_LINK,
	GR_HOST,
	GR_MISC,
};

#define PSEUDO_ENC 0xffffffffu
/* What the entry MSR-load list may leave in L1 after the VM exit. */
#define MSRE_DIRTY (DIRTY_KGS | DIRTY_PAT | DIRTY_SYSENTER)

struct target {
	const char *name;
	uint32_t enc;
	uint8_t kind, arg, group, dirty;
};

#define SEGT(S)                                                                  \
	{"GUEST_" #S "_SEL", 0x0800u + 2 * SEG_##S, K_SEL, 0, GR_##S, 0},        \
	    {"GUEST_" #S "_BASE", 0x6806u + 2 * SEG_##S, K_SBASE, 0, GR_##S, 0}, \
	    {"GUEST_" #S "_LIMIT",                                               \
	     0x4800u + 2 * SEG_##S,                                              \
	     K_LIMIT,                                                            \
	     0,                                                                  \
	     GR_##S,                                                             \
	     0},                                                                 \
	{                                                                        \
		"GUEST_" #S "_AR", 0x4814u + 2 * SEG_##S, K_AR, 0, GR_##S, 0     \
	}

/*
 * The order is part of nothing external (cases are replayed from their
 * text), but changing it changes what a (seed, index) pair generates.
 */
static const struct target targets[] = {
    SEGT(ES),
    SEGT(CS),
    SEGT(SS),
    SEGT(DS),
    SEGT(FS),
    SEGT(GS),
    SEGT(LDTR),
    SEGT(TR),
    {"GUEST_GDTR_BASE", F_GUEST_GDTR_BASE, K_DTBASE, 0, GR_DT, 0},
    {"GUEST_GDTR_LIMIT", F_GUEST_GDTR_LIM, K_DTLIM, 0, GR_DT, 0},
    {"GUEST_IDTR_BASE", F_GUEST_IDTR_BASE, K_DTBASE, 0, GR_DT, 0},
    {"GUEST_IDTR_LIMIT", F_GUEST_IDTR_LIM, K_DTLIM, 0, GR_DT, 0},
    {"GUEST_CR0", F_GUEST_CR0, K_GCR0, 0, GR_CR, 0},
    {"GUEST_CR3", F_GUEST_CR3, K_GCR3, 0, GR_CR, 0},
    {"GUEST_CR4", F_GUEST_CR4, K_GCR4, 0, GR_CR, 0},
    {"GUEST_EFER", F_GUEST_EFER, K_GEFER, 0, GR_CR, 0},
    {"GUEST_EFER_HI", F_GUEST_EFER + 1, K_HI32, 0, GR_CR, 0},
    {"GUEST_PAT", F_GUEST_PAT, K_PAT, 0, GR_CR, 0},
    {"GUEST_DR7", F_GUEST_DR7, K_DR7, 0, GR_CR, 0},
    {"GUEST_DEBUGCTL", F_GUEST_DEBUGCTL, K_DEBUGCTL, 0, GR_CR, 0},
    {"GUEST_SYSENTER_CS", F_GUEST_SYSENTER_CS, K_ANY32, 0, GR_MISC, 0},
    {"GUEST_SYSENTER_ESP", F_GUEST_SYSENTER_ESP, K_CANON, 0, GR_MISC, 0},
    {"GUEST_SYSENTER_EIP", F_GUEST_SYSENTER_EIP, K_CANON, 0, GR_MISC, 0},
    {"GUEST_RIP", F_GUEST_RIP, K_RIP, 0, GR_EVENT, 0},
    {"GUEST_RSP", F_GUEST_RSP, K_RSP, 0, GR_EVENT, 0},
    {"GUEST_RFLAGS", F_GUEST_RFLAGS, K_RFLAGS, 0, GR_EVENT, 0},
    {"GUEST_ACTIVITY", F_GUEST_ACTIVITY, K_ACT, 0, GR_EVENT, 0},
    {"GUEST_INTR_STATE", F_GUEST_INTR_STATE, K_INTR, 0, GR_EVENT, 0},
    {"GUEST_PENDING_DBG", F_GUEST_PENDING_DBG, K_PDBG, 0, GR_EVENT, 0},
    {"ENTRY_INTR", F_ENTRY_INTR, K_EVINFO, 0, GR_EVENT, 0},
    {"ENTRY_INTR", F_ENTRY_INTR, K_EVINFO, 0, GR_EVENT, 0}, /* weight 2 */
    {"ENTRY_ERRCODE", F_ENTRY_ERRCODE, K_EVERR, 0, GR_EVENT, 0},
    {"ENTRY_INSN_LEN", F_ENTRY_INSN_LEN, K_EVLEN, 0, GR_EVENT, 0},
    {"PIN", F_PIN, K_CTL, CTL_PIN, GR_CTL, 0},
    {"PROC", F_PROC, K_CTL, CTL_PROC, GR_CTL, 0},
    {"PROC", F_PROC, K_CTL, CTL_PROC, GR_CTL, 0},
    {"PROC2", F_PROC2, K_CTL, CTL_PROC2, GR_CTL, 0},
    {"PROC2", F_PROC2, K_CTL, CTL_PROC2, GR_CTL, 0},
    {"EXIT_CTLS", F_EXIT_CTLS, K_CTL, CTL_EXIT, GR_CTL, DIRTY_PAT},
    {"EXIT_CTLS", F_EXIT_CTLS, K_CTL, CTL_EXIT, GR_CTL, DIRTY_PAT},
    {"ENTRY_CTLS", F_ENTRY_CTLS, K_CTL, CTL_ENTRY, GR_CTL, 0},
    {"ENTRY_CTLS", F_ENTRY_CTLS, K_CTL, CTL_ENTRY, GR_CTL, 0},
    {"EXC_BITMAP", F_EXC_BITMAP, K_BITS32, 0, GR_MISC, 0},
    {"PFEC_MASK", F_PFEC_MASK, K_BITS32, 0, GR_MISC, 0},
    {"PFEC_MATCH", F_PFEC_MATCH, K_BITS32, 0, GR_MISC, 0},
    {"CR0_MASK", F_CR0_MASK, K_NAT, 0, GR_MISC, 0},
    {"CR4_SHADOW", F_CR4_SHADOW, K_NAT, 0, GR_MISC, 0},
    {"TSC_OFFSET", F_TSC_OFFSET, K_NAT, 0, GR_MISC, 0},
    {"CR3_TARGET_CNT", F_CR3_TARGET_CNT, K_CR3CNT, 0, GR_CTL, 0},
    {"VPID", F_VPID, K_VPID, 0, GR_CTL, 0},
    {"EPTP", F_EPTP, K_EPTP, 0, GR_CTL, 0},
    {"EPTP", F_EPTP, K_EPTP, 0, GR_CTL, 0},
    {"EPTP_HI", F_EPTP + 1, K_HI32, 0, GR_CTL, 0},
    {"MSR_BITMAP", F_MSR_BITMAP, K_BITMAP, PG_MSRBM, GR_CTL, 0},
    {"IO_BITMAP_A", F_IO_BITMAP_A, K_BITMAP, PG_IOA, GR_CTL, 0},
    {"IO_BITMAP_B", F_IO_BITMAP_B, K_BITMAP, PG_IOB, GR_CTL, 0},
    {"VMREAD_BITMAP", F_VMREAD_BITMAP, K_BITMAP, PG_VMRBM, GR_CTL, 0},
    {"VMWRITE_BITMAP", F_VMWRITE_BITMAP, K_BITMAP, PG_VMWBM, GR_CTL, 0},
    {"ENTRY_MSR_CNT", F_ENTRY_LOAD_CNT, K_MSRCNT_ENTRY, 0, GR_MSR, DIRTY_KGS},
    {"ENTRY_MSR_ADDR", F_ENTRY_MSR_LOAD, K_MSRADDR_ENTRY, 0, GR_MSR, DIRTY_KGS},
    {"EXIT_STORE_CNT", F_EXIT_STORE_CNT, K_MSRCNT_EXIT, 0, GR_MSR, 0},
    {"EXIT_STORE_ADDR", F_EXIT_MSR_STORE, K_MSRADDR_STORE, 0, GR_MSR, 0},
    {"EXIT_LOAD_CNT", F_EXIT_LOAD_CNT, K_MSRCNT_EXIT, 0, GR_MSR, DIRTY_KGS},
    {"EXIT_LOAD_ADDR", F_EXIT_MSR_LOAD, K_MSRADDR_LOAD, 0, GR_MSR, DIRTY_KGS},
    {"MSRE0", PSEUDO_ENC, K_MSRE, 0, GR_MSR, MSRE_DIRTY},
    {"MSRE1", PSEUDO_ENC, K_MSRE, 1, GR_MSR, MSRE_DIRTY},
    {"MSRE2", PSEUDO_ENC, K_MSRE, 2, GR_MSR, MSRE_DIRTY},
    {"MSRE3", PSEUDO_ENC, K_MSRE, 3, GR_MSR, MSRE_DIRTY},
    {"LINK_PTR", F_LINK_PTR, K_LINK, 0, GR_LINK, 0},
    {"LINK_PTR", F_LINK_PTR, K_LINK, 0, GR_LINK, 0},
    {"LINK_PTR_HI", F_LINK_PTR + 1, K_HI32, 0, GR_LINK, 0},
    {"LINKREV", PSEUDO_ENC, K_LINKREV, 0, GR_LINK, 0},
    {"HOST_CR0", F_HOST_CR0, K_HCR0, 0, GR_HOST, DIRTY_CRS},
    {"HOST_CR3", F_HOST_CR3, K_HCR3, 0, GR_HOST, DIRTY_CRS},
    {"HOST_CR4", F_HOST_CR4, K_HCR4, 0, GR_HOST, DIRTY_CRS},
    {"HOST_ES_SEL", F_HOST_ES_SEL, K_HSEL, 0, GR_HOST, DIRTY_SEGS},
    {"HOST_CS_SEL", F_HOST_CS_SEL, K_HSEL, 0, GR_HOST, DIRTY_SEGS},
    {"HOST_SS_SEL", F_HOST_SS_SEL, K_HSEL, 0, GR_HOST, DIRTY_SEGS},
    {"HOST_DS_SEL", F_HOST_DS_SEL, K_HSEL, 0, GR_HOST, DIRTY_SEGS},
    {"HOST_FS_SEL", F_HOST_FS_SEL, K_HSEL, 0, GR_HOST, DIRTY_SEGS},
    {"HOST_GS_SEL", F_HOST_GS_SEL, K_HSEL, 0, GR_HOST, DIRTY_SEGS},
    {"HOST_TR_SEL", F_HOST_TR_SEL, K_HSEL, 0, GR_HOST, DIRTY_SEGS},
    {"HOST_FS_BASE", F_HOST_FS_BASE, K_HFSGS, 0, GR_HOST, DIRTY_FSGS},
    {"HOST_GS_BASE", F_HOST_GS_BASE, K_HFSGS, 0, GR_HOST, DIRTY_FSGS},
    {"HOST_TR_BASE", F_HOST_TR_BASE, K_HBAD, 0, GR_HOST, 0},
    {"HOST_GDTR_BASE", F_HOST_GDTR_BASE, K_HBAD, 0, GR_HOST, DIRTY_DT},
    {"HOST_IDTR_BASE", F_HOST_IDTR_BASE, K_HBAD, 0, GR_HOST, DIRTY_DT},
    {"HOST_SYSENTER_CS", F_HOST_SYSENTER_CS, K_ANY32, 0, GR_HOST,
     DIRTY_SYSENTER},
    {"HOST_SYSENTER_ESP", F_HOST_SYSENTER_ESP, K_CANON, 0, GR_HOST,
     DIRTY_SYSENTER},
    {"HOST_SYSENTER_EIP", F_HOST_SYSENTER_EIP, K_CANON, 0, GR_HOST,
     DIRTY_SYSENTER},
    {"HOST_RIP", F_HOST_RIP, K_HBAD, 0, GR_HOST, 0},
    {"HOST_EFER", F_HOST_EFER, K_HEFER, 0, GR_HOST, 0},
    {"HOST_PAT", F_HOST_PAT, K_PAT, 0, GR_HOST, DIRTY_PAT},
    {"GUEST_PDPTE0", 0x280au, K_PDPTE, 0, GR_CR, 0},
    {"GUEST_PDPTE2", 0x280eu, K_PDPTE, 0, GR_CR, 0},
    {"BADFIELD", PSEUDO_ENC, K_BADFIELD, 0, GR_MISC, 0},
    {"EXIT_QUAL", F_EXIT_QUAL, K_NAT, 0, GR_MISC, 0},
};

#define NTARGETS (sizeof(targets) / sizeof(targets[0]))

/* Not drawn from the table: fz_generate() puts it first in some cases. */
static const struct target mode_target = {"MODE", PSEUDO_ENC, K_MODE,
					  0,	  GR_CR,      0};
#define MODE_T NTARGETS

static const struct target *tgt(unsigned t)
{
	return t == MODE_T ? &mode_target : &targets[t];
}

const char *fz_target_name(unsigned t)
{
	return t <= MODE_T ? tgt(t)->name : "?";
}

bool fz_target_field(unsigned t, uint32_t *enc)
{
	if (t > MODE_T || tgt(t)->enc == PSEUDO_ENC)
		return false;
	*enc = tgt(t)->enc;
	return true;
}

unsigned fz_target_pseudo(unsigned t, unsigned *arg)
{
	*arg = tgt(t)->arg;
	switch (tgt(t)->kind) {
	case K_MSRE:
		return PSEUDO_MSRE;
	case K_LINKREV:
		return PSEUDO_LINKREV;
	case K_BADFIELD:
		return PSEUDO_BADFIELD;
	case K_MODE:
		return PSEUDO_MODE;
	default:
		return PSEUDO_NONE;
	}
}

unsigned fz_target_dirty(unsigned t)
{
	return tgt(t)->dirty;
}

uint64_t fz_value(const struct mut *m)
{
	return (m->page != PG_NONE ? fz_page_addr[m->page] : 0) + m->v;
}

/* libefi has no str* functions the compiler could call. */
static size_t str_len(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* The target of that name, or NTARGETS + 1. */
static unsigned target_named(const char *name)
{
	for (unsigned t = 0; t <= MODE_T; t++)
		if (str_eq(tgt(t)->name, name))
			return t;
	return NTARGETS + 1;
}

/* ---- values ---- */

/* Canonical edges of 48-bit linear addresses, and their neighbours. */
static const uint64_t canon[] = {
    0,
    0x00007fffffffffffull,
    0x0000800000000000ull,
    0xffff800000000000ull,
    0xffff7fffffffffffull,
    0xffffffffffffffffull,
    0x00000000ffffffffull,
    0x0000000100000000ull,
    0x8000000000000000ull,
    0x00007ffffffff000ull,
};

static const uint64_t noncanon[] = {
    0x0000800000000000ull,
    0xffff7fffffffffffull,
    0x8000000000000000ull,
    0x00ff000000000000ull,
};

static void set(struct mut *m, uint64_t v)
{
	m->op = OP_SET;
	m->page = PG_NONE;
	m->v = v;
}

static void rel(struct mut *m, unsigned page, uint64_t off)
{
	m->op = OP_SET;
	m->page = (uint8_t)page;
	m->v = off;
}

static void op(struct mut *m, unsigned o, uint64_t v)
{
	m->op = (uint8_t)o;
	m->page = PG_NONE;
	m->v = v;
}

static uint64_t phys_edge(struct rng *r)
{
	static const int d[] = {0, 0, 1, -1};
	int k = PICK(r, d);
	uint64_t top = 1ull << fz_maxphy;

	if (k == 1)
		return 1ull << 63;
	return k < 0 ? top - 0x1000 : top;
}

static void gen_ctl(struct rng *r, struct mut *m, unsigned which)
{
	const struct ctlmask *c = &ctl[which];
	uint32_t reserved = ~c->bochs;
	uint32_t optional = c->bochs & ~c->diff & ~c->must1 & ~c->protect;
	unsigned x = rnd(r, 100);

	if (x < 25 && reserved)
		op(m, OP_OR, pick_bit(r, reserved));
	else if (x < 40 && c->must1)
		op(m, OP_CLEAR, pick_bit(r, c->must1));
	else if (x < 90)
		op(m, OP_XOR, pick_bit(r, optional));
	else
		op(m, OP_XOR, pick_bit(r, optional) | pick_bit(r, optional));
}

static uint32_t gen_ar(struct rng *r)
{
	uint32_t ar = rnd(r, 16) | rnd(r, 2) << 4 | rnd(r, 4) << 5;

	ar |= (rnd(r, 10) ? 1u : 0u) << 7; /* P */
	ar |=
	    rnd(r, 2) << 12 | rnd(r, 2) << 13 | rnd(r, 2) << 14; /* AVL L D/B */
	ar |= rnd(r, 2) << 15;					 /* G */
	if (!rnd(r, 10))
		ar |= 1u << 16; /* unusable */
	if (!rnd(r, 12))
		ar |=
		    rnd(r, 2) ? 1u << (8 + rnd(r, 4)) : 1u << (17 + rnd(r, 15));
	return ar;
}

static void gen_event(struct rng *r, struct mut *m)
{
	static const unsigned types[] = {0, 2, 3, 3, 3, 4, 5, 6, 6, 1};
	static const unsigned vectors[] = {0,  1,  2,  3,  4,  6,  8,  10, 13,
					   14, 17, 18, 20, 21, 31, 32, 64, 255};
	unsigned type = PICK(r, types);
	unsigned vec = rnd(r, 8) ? PICK(r, vectors) : rnd(r, 256);
	bool code_vec = vec == 8 || (vec >= 10 && vec <= 14) || vec == 17;
	uint32_t info = (rnd(r, 10) ? INTR_VALID : 0) | type << 8 | vec;

	if (rnd(r, 10) < ((type == 3 && code_vec) ? 8u : 2u))
		info |= INTR_ERRCODE;
	if (!rnd(r, 12))
		info |= 1u << (12 + rnd(r, 19));
	set(m, info);
}

static void gen_msre(struct rng *r, struct mut *m)
{
	static const struct {
		uint64_t index, data;
	} e[] = {
	    {MSR_KERNEL_GS_BASE, 0x1234000},
	    {MSR_KERNEL_GS_BASE, 0x00007ffffffff000ull},
	    {MSR_KERNEL_GS_BASE,
	     0x0000800000000000ull}, /* #GP: not canonical */
	    {MSR_FS_BASE, 0},	     /* 27.4: never */
	    {MSR_GS_BASE, 0},
	    {0x800, 0}, /* x2APIC range: bits 31:8 = 8 */
	    {0x808, 0},
	    {0x8ff, 0},
	    {1ull << 32 | MSR_KERNEL_GS_BASE, 0}, /* reserved bits 63:32 */
	    {1ull << 63 | MSR_KERNEL_GS_BASE, 0},
	    {0x9b, 0},	/* IA32_SMM_MONITOR_CTL: SMM only */
	    {0x480, 0}, /* IA32_VMX_BASIC: read-only, WRMSR #GPs */
	    {MSR_FEATURE_CONTROL, 5}, /* locked: WRMSR #GPs */
	    {MSR_SYSENTER_CS, 0x10},
	    {MSR_SYSENTER_EIP, 0x0000800000000000ull},
	    {MSR_SYSENTER_ESP, 0xffff800000000000ull},
	    {MSR_PAT, 0x0007040600070406ull},
	    {MSR_PAT, 0x0007040600070402ull}, /* type 2: #GP */
	    {0x1d9, 0},			      /* IA32_DEBUGCTL */
	    {0x1d9, 0xffff0000ull},	      /* reserved bits: #GP */
	    {MSR_EFER, 0xd01},
	    {MSR_EFER, 0xd03}, /* EFER bit 1 reserved: #GP */
	};
	unsigned k = rnd(r, sizeof(e) / sizeof(e[0]));

	m->op = OP_SET;
	m->page = PG_NONE;
	m->v = e[k].index;
	m->v2 = e[k].data;
}

static void gen_value(struct rng *r, unsigned t, struct mut *m)
{
	const struct target *tg = tgt(t);

	m->target = (uint16_t)t;
	m->v2 = 0;
	switch (tg->kind) {
	case K_CTL:
		gen_ctl(r, m, tg->arg);
		break;
	case K_SEL: {
		static const uint64_t x[] = {1, 2, 3, 4, 7, 8, 0x10};
		unsigned k = rnd(r, 10);

		if (k < 6)
			op(m, OP_XOR, PICK(r, x));
		else if (k < 8)
			set(m, 0);
		else
			set(m, k == 8 ? 0xffff : rnd(r, 0x10000));
		break;
	}
	case K_SBASE:
	case K_DTBASE:
		if (rnd(r, 3))
			set(m, PICK(r, canon));
		else
			op(m, OP_XOR, 1ull << rnd(r, 64));
		break;
	case K_LIMIT: {
		static const uint64_t v[] = {
		    0,		0x66,	    0x67,	0xfff,	    0x1000,
		    0xffff,	0x10000,    0xfffff,	0x100000,   0xfff00000,
		    0xffefffff, 0x7fffffff, 0xfffffffe, 0xffffffff, 0xfffff000};

		if (rnd(r, 4))
			set(m, PICK(r, v));
		else
			op(m, OP_XOR, 1ull << rnd(r, 32));
		break;
	}
	case K_AR: {
		static const uint64_t v[] = {
		    0x10000, 0xa09b, 0xc09b, 0xc093, 0x008b,  0x0083, 0x0089,
		    0x0082,  0x0093, 0xc0f3, 0xa0fb, 0x1c093, 0,      0x4093,
		    0x809b,  0xe09b, 0x209b, 0x2093, 0xc097,  0x00f3};
		unsigned k = rnd(r, 10);

		if (k < 4)
			op(m, OP_XOR,
			   1ull << (rnd(r, 4) ? rnd(r, 17) : rnd(r, 32)));
		else if (k < 8)
			set(m, gen_ar(r));
		else
			set(m, PICK(r, v));
		break;
	}
	case K_DTLIM: {
		static const uint64_t v[] = {0, 0xfff, 0xffff, 0x10000,
					     0xffffffff};

		set(m, PICK(r, v));
		break;
	}
	case K_GCR0: {
		static const unsigned b[] = {0,	 1,  2,	 3,  4, 5,
					     16, 18, 29, 30, 31};

		op(m, OP_XOR, 1ull << (rnd(r, 5) ? PICK(r, b) : rnd(r, 64)));
		break;
	}
	case K_GCR4: {
		static const unsigned b[] = {5,	 7,  9,	 10, 11, 12, 13, 14,
					     17, 18, 20, 21, 22, 23, 24, 25};

		op(m, OP_XOR,
		   1ull << (rnd(r, 4)	? PICK(r, b)
			    : rnd(r, 3) ? rnd(r, 32)
					: 32 + rnd(r, 32)));
		break;
	}
	case K_GCR3: {
		uint64_t v[] = {1ull << fz_maxphy,
				1ull << 63,
				1ull << (fz_maxphy - 1),
				0x8,
				0x10,
				0x18,
				0x1,
				0x800};

		if (rnd(r, 8))
			op(m, OP_XOR, PICK(r, v));
		else
			rel(m, PG_ZERO, 0);
		break;
	}
	case K_GEFER: {
		static const unsigned b[] = {0,	 8,  10, 11, 1,	 9,  12,
					     13, 14, 15, 16, 20, 32, 63};

		op(m, OP_XOR, 1ull << PICK(r, b));
		break;
	}
	case K_HEFER: {
		static const unsigned b[] = {8,	 10, 1,	 9,  12, 13,
					     14, 15, 16, 20, 32, 63};

		op(m, OP_XOR, 1ull << PICK(r, b));
		break;
	}
	case K_PAT: {
		static const uint64_t bad[] = {2, 3, 8, 0xff, 0x10};
		static const uint64_t good[] = {0x0007040600070406ull,
						0x0606060606060606ull, 0,
						0x0000000001070406ull};
		uint64_t v = PICK(r, good);

		if (rnd(r, 2)) {
			unsigned i = rnd(r, 8);

			v = (v & ~(0xffull << (8 * i))) | PICK(r, bad)
							      << (8 * i);
		}
		set(m, v);
		break;
	}
	case K_DR7: {
		static const uint64_t v[] = {
		    0x400,  0x401, 0x100000400ull, 0xffffffff,		 ~0ull,
		    0x2400, 0,	   0x80000400,	   0x8000000000000400ull};

		set(m, PICK(r, v));
		break;
	}
	case K_DEBUGCTL: {
		static const uint64_t v[] = {
		    0,	    1,	     2,		 3,	    0x4,
		    0x3c,   0x40,    0x80,	 0x1000,    0x4000,
		    0x8000, 0x10000, 0xffffffff, 1ull << 32};

		set(m, PICK(r, v));
		break;
	}
	case K_CANON:
		set(m, PICK(r, canon));
		break;
	case K_ANY32: {
		static const uint64_t v[] = {0, 0x10, 0x8, 0xffff, 0xffffffff};

		set(m, rnd(r, 2) ? PICK(r, v) : (uint32_t)next(r));
		break;
	}
	case K_RIP:
		if (rnd(r, 3))
			set(m, PICK(r, canon));
		else
			op(m, OP_XOR, rnd(r, 2) ? 1ull << 32 : 1);
		break;
	case K_RSP: {
		static const uint64_t v[] = {0, 0x00007fffffffffffull,
					     0xffff800000000000ull,
					     0x0000800000000000ull, 0x8};
		static const uint64_t x[] = {0x8, 0x1, 0xf, 0x800};

		if (rnd(r, 2))
			set(m, PICK(r, v));
		else
			op(m, OP_XOR, PICK(r, x));
		break;
	}
	case K_RFLAGS: {
		static const unsigned b[] = {1,	 3,  5,	 15, 8,	 9,  12,
					     13, 14, 16, 17, 18, 19, 20,
					     21, 22, 23, 31, 32, 63, 9};

		op(m, OP_XOR, 1ull << PICK(r, b));
		break;
	}
	case K_ACT: {
		/* never 3 (wait-for-SIPI): bare Bochs offers it, L0 does not */
		static const uint64_t v[] = {0, 1, 1, 1,	 2,
					     2, 4, 5, 0xffffffff};

		set(m, PICK(r, v));
		break;
	}
	case K_INTR:
		if (rnd(r, 10))
			set(m, rnd(r, 32));
		else
			set(m, 1ull << (5 + rnd(r, 27)));
		break;
	case K_PDBG: {
		static const uint64_t v[] = {
		    0,	     0x4000,  0x1,    0xf,     0x1000,
		    0x10000, 0x2000,  0x8000, 0x20000, 1ull << 32,
		    0x4001,  0x14000, 0x5000};

		set(m, PICK(r, v));
		break;
	}
	case K_EVINFO:
		gen_event(r, m);
		break;
	case K_EVERR: {
		static const uint64_t v[] = {
		    0, 1, 0x18, 0x7fff, 0x8000, 0xffff, 0x10000, 0xffffffff};

		set(m, PICK(r, v));
		break;
	}
	case K_EVLEN: {
		static const uint64_t v[] = {0,	 1,  2,	   3,
					     15, 16, 0x10, 0xffffffff};

		set(m, PICK(r, v));
		break;
	}
	case K_BITS32:
		if (rnd(r, 2))
			op(m, OP_XOR, 1ull << rnd(r, 32));
		else
			set(m, rnd(r, 2) ? 0xffffffff : (uint32_t)next(r));
		break;
	case K_NAT:
		if (rnd(r, 2))
			op(m, OP_XOR, 1ull << rnd(r, 64));
		else
			set(m, next(r));
		break;
	case K_CR3CNT: {
		static const uint64_t v[] = {0, 1,     3,     4,	 5,
					     8, 0x100, 0x200, 0xffffffff};

		set(m, PICK(r, v));
		break;
	}
	case K_VPID: {
		static const uint64_t v[] = {0,	     0,	     1,	    2,
					     0xffff, 0x8000, 0x8001};

		set(m, PICK(r, v));
		break;
	}
	case K_EPTP: {
		/* start: memory type 6 (WB), walk length 4 (3 in bits 5:3) */
		unsigned k = rnd(r, 10);

		if (k < 3) { /* memory type 0..7 except 6 */
			unsigned mt = rnd(r, 7);

			op(m, OP_XOR, 6u ^ (mt >= 6 ? mt + 1 : mt));
		} else if (k < 5) { /* walk length 1..8 except 4 */
			unsigned w = rnd(r, 7);

			op(m, OP_XOR,
			   (uint64_t)(3u ^ (w >= 3 ? w + 1 : w)) << 3);
		} else if (k < 7) /* bits 11:7 reserved (bit 6, A/D: never) */
			op(m, OP_OR, 1ull << (7 + rnd(r, 5)));
		else if (k < 9)
			op(m, OP_XOR,
			   rnd(r, 2) ? 1ull << fz_maxphy : 1ull << 63);
		else
			rel(m, PG_ZERO, 0x1e);
		break;
	}
	case K_BITMAP: {
		static const uint64_t off[] = {1, 8, 0x10, 0x800, 0xfff};
		unsigned k = rnd(r, 10);

		if (k < 5)
			rel(m, tg->arg, PICK(r, off));
		else if (k < 6)
			rel(m, PG_ZERO, 0);
		else if (k < 9)
			set(m, phys_edge(r));
		else
			set(m, 0);
		break;
	}
	case K_MSRCNT_ENTRY:
		set(m, rnd(r, 5));
		break;
	case K_MSRCNT_EXIT: {
		static const uint64_t v[] = {0, 1, 2, 4};

		set(m, PICK(r, v));
		break;
	}
	case K_MSRADDR_ENTRY: {
		static const uint64_t off[] = {0x1, 0x4, 0x8, 0x10, 0x20};

		if (rnd(r, 3))
			rel(m, PG_MSR, PICK(r, off));
		else
			set(m, rnd(r, 3) ? phys_edge(r)
					 : (1ull << fz_maxphy) - 0x10);
		break;
	}
	case K_MSRADDR_STORE: {
		/* a list of valid entries, or addresses the checks refuse: a
		 * list read from elsewhere (beyond RAM: all ones) fails at VM
		 * exit, which is a VMX abort (SDM 28.4, 28.7) */
		static const uint64_t off[] = {0x801, 0x804, 0x808, 0x810};

		if (rnd(r, 3))
			rel(m, PG_MSR, PICK(r, off));
		else
			set(m, rnd(r, 2) ? 1ull << fz_maxphy : 1ull << 63);
		break;
	}
	case K_MSRADDR_LOAD: {
		/* only addresses the checks refuse: a list loaded at VM exit
		 * from elsewhere could end in a VMX abort */
		static const uint64_t off[] = {0xc01, 0xc04, 0xc08};

		if (rnd(r, 2))
			rel(m, PG_MSR, PICK(r, off));
		else
			set(m, rnd(r, 2) ? 1ull << fz_maxphy : 1ull << 63);
		break;
	}
	case K_MSRE:
		gen_msre(r, m);
		break;
	case K_LINK: {
		unsigned k = rnd(r, 12);

		if (k < 3)
			rel(m, PG_VMCS2, 0);
		else if (k < 4)
			rel(m, PG_VMCS2, rnd(r, 2) ? 0x8 : 0x800);
		else if (k < 5)
			rel(m, PG_VMCS, 0);
		else if (k < 6)
			rel(m, PG_SHADOW, 0);
		else if (k < 7)
			rel(m, PG_ZERO, 0);
		else if (k < 9)
			set(m, phys_edge(r));
		else if (k < 10)
			set(m, ~0ull);
		else
			set(m, 0xffffffff);
		break;
	}
	case K_LINKREV: {
		static const uint64_t x[] = {1, 0x80000000, 0x80000000,
					     0x7fffffff};

		op(m, OP_XOR, PICK(r, x));
		break;
	}
	case K_HCR0: {
		unsigned k = rnd(r, 10);

		if (k < 4)
			op(m, OP_CLEAR, 1ull << (k == 0 ? 0 : k == 1 ? 31 : 5));
		else if (k < 7)
			op(m, OP_OR, 1ull << (32 + rnd(r, 32)));
		else
			op(m, OP_XOR, 1ull << (rnd(r, 2) ? 30 : 29));
		break;
	}
	case K_HCR3: {
		static const unsigned extra[] = {0, 1, 5, 12};

		op(m, OP_XOR,
		   rnd(r, 4) ? 1ull << (fz_maxphy + PICK(r, extra))
			     : 1ull << 63);
		break;
	}
	case K_HCR4: {
		/* VMXE and PAE; bits CR4_FIXED1 of bare Bochs forbids */
		static const unsigned b[] = {11, 12, 14, 15, 19, 22, 23, 24,
					     25, 26, 27, 28, 29, 30, 31};
		unsigned k = rnd(r, 10);

		if (k < 4)
			op(m, OP_CLEAR, 1ull << (k < 2 ? 13 : 5));
		else if (k < 8)
			op(m, OP_OR, 1ull << PICK(r, b));
		else
			op(m, OP_OR, 1ull << (32 + rnd(r, 32)));
		break;
	}
	case K_HSEL: {
		static const uint64_t x[] = {1, 2, 3, 4, 7};

		if (rnd(r, 4))
			op(m, OP_XOR, PICK(r, x));
		else
			set(m, 0);
		break;
	}
	case K_HFSGS:
		set(m, PICK(r, canon));
		break;
	case K_HBAD:
		if (rnd(r, 2))
			set(m, PICK(r, noncanon));
		else
			op(m, OP_XOR, rnd(r, 2) ? 1ull << 47 : 1ull << 63);
		break;
	case K_BADFIELD: {
		/* encodings no CPU has: high access of a 16/32-bit/natural
		 * field, reserved bits 12, 15 and 63:32 */
		static const uint64_t v[] = {0x0001, 0x4001, 0x6001,
					     0x1000, 0x8000, 0x100004002ull,
					     0x6c01};

		set(m, PICK(r, v));
		break;
	}
	case K_HI32: {
		static const uint64_t v[] = {1, 0x80000000, 0xffffffff, 0x100};

		set(m, PICK(r, v));
		break;
	}
	case K_MODE: /* 1: 32-bit protected, 2: real, 3: PAE paging */
		set(m, 1 + rnd(r, 3));
		break;
	case K_PDPTE: {
		/* present; reserved bits 2:1, 8:5, MAXPHYADDR and up, 63 (XD)
		 */
		uint64_t v[] = {0x1,
				0x3,
				0x5,
				0x21,
				0x101,
				0x19,
				0x1 | 1ull << fz_maxphy,
				0x1 | 1ull << 63,
				0x1000};

		set(m, PICK(r, v));
		break;
	}
	default:
		set(m, 0);
		break;
	}
}

/* Mutations that mean nothing alone bring what makes them count. */
static bool companion(struct rng *r, const struct mut *m, struct mut *c)
{
	const struct target *tg = tgt(m->target);
	unsigned t;

	switch (tg->kind) {
	case K_MSRE:
		t = target_named("ENTRY_MSR_CNT");
		c->target = (uint16_t)t;
		set(c, tg->arg + 1 + rnd(r, 4 - tg->arg));
		return true;
	case K_EVERR:
	case K_EVLEN:
		t = target_named("ENTRY_INTR");
		c->target = (uint16_t)t;
		gen_event(r, c);
		c->v |= INTR_VALID;
		return true;
	case K_LINKREV:
		t = target_named("LINK_PTR");
		c->target = (uint16_t)t;
		rel(c, PG_VMCS2, 0);
		return true;
	case K_MSRADDR_STORE:
	case K_MSRADDR_LOAD:
		t = target_named(tg->kind == K_MSRADDR_STORE ? "EXIT_STORE_CNT"
							     : "EXIT_LOAD_CNT");
		c->target = (uint16_t)t;
		set(c, 1 + rnd(r, 2));
		return true;
	case K_MSRADDR_ENTRY:
		t = target_named("ENTRY_MSR_CNT");
		c->target = (uint16_t)t;
		set(c, 1 + rnd(r, 3));
		return true;
	case K_BITMAP:
		if (tg->arg == PG_IOA || tg->arg == PG_IOB) {
			c->target = (uint16_t)target_named("PROC");
			op(c, OP_OR, PROC_IO_BITMAPS);
		} else if (tg->arg == PG_MSRBM) {
			return false;
		} else {
			c->target = (uint16_t)target_named("PROC2");
			op(c, OP_OR, PROC2_SHADOW_VMCS);
		}
		return true;
	case K_PDPTE:
		c->target = MODE_T;
		set(c, 3);
		return true;
	case K_PAT:
	case K_DR7:
	case K_DEBUGCTL:
		if (tg->group == GR_HOST) {
			c->target = (uint16_t)target_named("EXIT_CTLS");
			op(c, OP_OR, 1u << 19); /* load IA32_PAT */
		} else {
			c->target = (uint16_t)target_named("ENTRY_CTLS");
			op(c, OP_OR, tg->kind == K_PAT ? 1u << 14 : 1u << 2);
		}
		return true;
	default:
		return false;
	}
}

static unsigned random_target(struct rng *r, int group)
{
	if (group >= 0) {
		unsigned n = 0, k;

		for (unsigned t = 0; t < NTARGETS; t++)
			n += targets[t].group == group;
		k = rnd(r, n);
		for (unsigned t = 0; t < NTARGETS; t++)
			if (targets[t].group == group && k-- == 0)
				return t;
	}
	return rnd(r, NTARGETS);
}

/*
 * One mutation per field: a second one could undo what makes the first
 * harmless (a non-canonical host RIP XORed back to a valid one would send
 * the VM exit into the weeds).
 */
static bool used(const struct fz_case *c, unsigned t)
{
	for (unsigned i = 0; i < c->n; i++)
		if (str_eq(tgt(c->m[i].target)->name, tgt(t)->name))
			return true;
	return false;
}

void fz_generate(uint64_t seed, uint64_t index, struct fz_case *c)
{
	struct rng r = {splitmix64(splitmix64(seed) ^ index)};
	unsigned n, x = rnd(&r, 100);

	if (!r.s)
		r.s = 1;
	n = x < 40 ? 1 : x < 75 ? 2 : 3;
	c->seed = seed;
	c->index = index;
	c->n = 0;
	/* one case in six starts from a 32-bit, real-mode or PAE L2 */
	if (!rnd(&r, 6)) {
		gen_value(&r, MODE_T, &c->m[c->n++]);
		n += n < MAX_MUTS;
	}
	gen_value(&r, random_target(&r, -1), &c->m[c->n]);
	c->n++;
	if (c->n < n && rnd(&r, 10) < 7 &&
	    companion(&r, &c->m[c->n - 1], &c->m[c->n]) &&
	    !used(c, c->m[c->n].target))
		c->n++;
	while (c->n < n) {
		int g = rnd(&r, 2) ? tgt(c->m[0].target)->group : -1;
		unsigned t = random_target(&r, g), tries = 0;

		while (used(c, t) && ++tries < 8)
			t = random_target(&r, g);
		if (used(c, t))
			break;
		gen_value(&r, t, &c->m[c->n]);
		c->n++;
	}
}

/* ---- text ---- */

static const char *const op_text[] = {"=", "^", "|", "&~"};

size_t fz_format(const struct fz_case *c, char *buf, size_t n)
{
	size_t used = 0;

	buf[0] = 0;
	for (unsigned i = 0; i < c->n && used < n; i++) {
		const struct mut *m = &c->m[i];
		int k;

		const char *name = tgt(m->target)->name;

		if (tgt(m->target)->kind == K_MSRE)
			k = fmt_snprintf(buf + used, n - used,
					 "%s%s=0x%lx/0x%lx", i ? " " : "", name,
					 m->v, m->v2);
		else if (m->page != PG_NONE)
			k = fmt_snprintf(buf + used, n - used, "%s%s=@%s+0x%lx",
					 i ? " " : "", name, page_name[m->page],
					 m->v);
		else
			k = fmt_snprintf(buf + used, n - used, "%s%s%s0x%lx",
					 i ? " " : "", name, op_text[m->op],
					 m->v);
		if (k > 0)
			used += (size_t)k;
	}
	return used < n ? used : n - 1;
}

static bool is_name_char(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_';
}

/* A hex number "0x..." at *s; advances *s. */
static bool hex(const char **s, uint64_t *v)
{
	const char *p = *s;
	uint64_t x = 0;
	unsigned digits = 0;

	if (p[0] != '0' || (p[1] != 'x' && p[1] != 'X'))
		return false;
	for (p += 2;; p++, digits++) {
		unsigned d;

		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (*p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (*p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else
			break;
		x = x << 4 | d;
	}
	if (!digits || digits > 16)
		return false;
	*s = p;
	*v = x;
	return true;
}

static bool parse_word(const char **sp, struct mut *m)
{
	const char *s = *sp;
	char name[32];
	size_t len = 0;
	unsigned t;

	while (is_name_char(*s) && len + 1 < sizeof(name))
		name[len++] = *s++;
	name[len] = 0;
	t = target_named(name);
	if (t > MODE_T)
		return false;
	m->target = (uint16_t)t;
	m->page = PG_NONE;
	m->v2 = 0;
	if (*s == '=')
		m->op = OP_SET;
	else if (*s == '^')
		m->op = OP_XOR;
	else if (*s == '|')
		m->op = OP_OR;
	else if (s[0] == '&' && s[1] == '~') {
		m->op = OP_CLEAR;
		s++;
	} else
		return false;
	s++;
	if (m->op == OP_SET && *s == '@') {
		unsigned p;

		s++;
		for (p = 1; p < PG_COUNT; p++) {
			size_t l = str_len(page_name[p]);
			bool same = true;

			for (size_t i = 0; i < l && same; i++)
				same = s[i] == page_name[p][i];
			if (same && s[l] == '+') {
				s += l + 1;
				break;
			}
		}
		if (p >= PG_COUNT)
			return false;
		m->page = (uint8_t)p;
	}
	if (!hex(&s, &m->v))
		return false;
	if (tgt(t)->kind == K_MSRE) {
		if (*s != '/')
			return false;
		s++;
		if (!hex(&s, &m->v2))
			return false;
	}
	*sp = s;
	return true;
}

bool fz_parse(const char *s, struct fz_case *c, char *err, size_t errn)
{
	c->n = 0;
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '\n' || *s == '\r' || *s == '#')
			break;
		if (c->n >= MAX_MUTS) {
			fmt_snprintf(err, errn, "more than %d mutations",
				     MAX_MUTS);
			return false;
		}
		const char *start = s;

		if (!parse_word(&s, &c->m[c->n]) ||
		    (*s && *s != ' ' && *s != '\t' && *s != '\n' &&
		     *s != '\r')) {
			size_t l = 0;

			while (start[l] && start[l] != ' ' &&
			       start[l] != '\n' && l < 40)
				l++;
			fmt_snprintf(err, errn, "bad mutation '%.*s'", (int)l,
				     start);
			return false;
		}
		c->n++;
	}
	if (!c->n) {
		fmt_snprintf(err, errn, "no mutation");
		return false;
	}
	return true;
}
