/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Split-lock detection (IA32_CORE_CAPABILITIES[5], MSR_TEST_CTRL[29]): with
 * SLD on, a LOCKed read-modify-write (LOCK prefix, or XCHG with memory)
 * whose operand spans two 64-byte cache lines raises #AC with error code 0,
 * as a fault before anything is written; a locked access inside one line,
 * an unlocked one, or a plain store does not. With SLD off nothing changes.
 */
#include "tests/guests/bmodels.h"

#include "lib/string.h"

enum op {
	LOCK_ADD32,
	ADD32,
	MOV32,
	XCHG32,
	LOCK_XADD32,
	LOCK_BTS32,
	LOCK_CMPXCHG8B,
	LOCK_INC64,
	LOCK_ADD16,
};

static uint8_t buf[256] __attribute__((aligned(64)));
static uint8_t before[sizeof(buf)];

static bool unchanged(void)
{
	for (unsigned k = 0; k < sizeof(buf); k++)
		if (buf[k] != before[k])
			return false;
	return true;
}

/* One guarded instruction on buf + off; reg is its register operand. */
static int run(enum op op, unsigned off, uint32_t *reg, uint64_t *err)
{
	void *p = buf + off;
	uint32_t lo = 0, hi = 0;

	trap_arm();
	switch (op) {
	case LOCK_ADD32:
		__asm__ volatile(GUARD("lock addl $1, %[m]")
				 : GUARD_OUT, [m] "+m"(*(uint32_t *)p)::"memory");
		break;
	case ADD32:
		__asm__ volatile(GUARD("addl $1, %[m]")
				 : GUARD_OUT, [m] "+m"(*(uint32_t *)p)::"memory");
		break;
	case MOV32:
		__asm__ volatile(GUARD("movl %[r], %[m]")
				 : GUARD_OUT, [m] "=m"(*(uint32_t *)p)
				 : [r] "r"(*reg)
				 : "memory");
		break;
	case XCHG32:
		__asm__ volatile(GUARD("xchgl %[r], %[m]")
				 : GUARD_OUT, [m] "+m"(*(uint32_t *)p),
				   [r] "+r"(*reg)::"memory");
		break;
	case LOCK_XADD32:
		__asm__ volatile(GUARD("lock xaddl %[r], %[m]")
				 : GUARD_OUT, [m] "+m"(*(uint32_t *)p),
				   [r] "+r"(*reg)::"memory");
		break;
	case LOCK_BTS32:
		__asm__ volatile(GUARD("lock btsl $0, %[m]")
				 : GUARD_OUT, [m] "+m"(*(uint32_t *)p)::"memory");
		break;
	case LOCK_CMPXCHG8B:
		__asm__ volatile(GUARD("lock cmpxchg8b %[m]")
				 : GUARD_OUT, [m] "+m"(*(uint64_t *)p), "+a"(lo),
				   "+d"(hi)
				 : "b"(*reg), "c"(0)
				 : "memory");
		break;
	case LOCK_INC64:
		__asm__ volatile(GUARD("lock incq %[m]")
				 : GUARD_OUT, [m] "+m"(*(uint64_t *)p)::"memory");
		break;
	case LOCK_ADD16:
		__asm__ volatile(GUARD("lock addw $1, %[m]")
				 : GUARD_OUT, [m] "+m"(*(uint16_t *)p)::"memory");
		break;
	}
	trap_disarm();
	return trap_take(err);
}

static const struct {
	const char *name;
	enum op op;
	unsigned off; /* buf is 64-byte aligned: 60..63 start a split */
	bool ac;      /* with SLD on */
} cases[] = {
    {"sld-lock-add-split", LOCK_ADD32, 62, true},
    {"sld-lock-add-aligned", LOCK_ADD32, 64, false},
    {"sld-lock-add-misaligned-in-line", LOCK_ADD32, 65, false},
    {"sld-add-split-no-lock", ADD32, 62, false},
    {"sld-mov-split", MOV32, 62, false},
    {"sld-xchg-split", XCHG32, 62, true},
    {"sld-xchg-aligned", XCHG32, 64, false},
    {"sld-lock-xadd-split", LOCK_XADD32, 61, true},
    {"sld-lock-bts-split", LOCK_BTS32, 63, true},
    {"sld-lock-cmpxchg8b-split", LOCK_CMPXCHG8B, 60, true},
    {"sld-lock-inc64-split", LOCK_INC64, 57, true},
    {"sld-lock-add16-split", LOCK_ADD16, 63, true},
};

/* Runs case i; true if the outcome is the one expected. */
static bool one(unsigned i, bool ac, const char *name)
{
	uint32_t reg = 0x5a5a5a5a, reg0 = reg;
	uint64_t err = ~0ull;

	for (unsigned k = 0; k < sizeof(buf); k++)
		buf[k] = (uint8_t)(0x11 * (k & 7) + 1);
	memcpy(before, buf, sizeof(buf));
	int v = run(cases[i].op, cases[i].off, &reg, &err);
	bool same = unchanged();

	if (ac)
		return check(name, v == VEC_AC && err == 0 && same && reg == reg0,
			     "offset %u: %s, error %lu, memory %s, register %s",
			     cases[i].off, vector_name(v), v == NO_FAULT ? 0 : err,
			     same ? "unchanged" : "written",
			     reg == reg0 ? "unchanged" : "written");
	/* Completed: the instruction wrote (every case changes a byte). */
	return check(name, v == NO_FAULT && !same,
		     "offset %u: %s, memory %s", cases[i].off, vector_name(v),
		     same ? "unchanged" : "written");
}

static bool set_sld(bool on)
{
	return try_wrmsr(MSR_TEST_CTRL, on ? TEST_CTRL_SLD : 0) == NO_FAULT;
}

void check_split_lock(bool sld)
{
	unsigned n = sizeof(cases) / sizeof(cases[0]);
	uint64_t flags;

	if (!sld) {
		/* Without the feature a split lock completes, even after a
		 * write of bit 29 (#GP, or ignored by Bochs' ignore_bad_msrs). */
		int w = try_wrmsr(MSR_TEST_CTRL, TEST_CTRL_SLD);

		guest_printf("bmodels: info no-sld WRMSR 0x33 bit 29: %s\n",
			     vector_name(w));
		one(0, false, "no-sld-lock-add-split-completes");
		one(5, false, "no-sld-xchg-split-completes");
		try_wrmsr(MSR_TEST_CTRL, 0);
		for (unsigned i = 0; i < n; i++)
			bm_skip(cases[i].name, "no split-lock detection");
		bm_skip("sld-off-lock-add-split", "no split-lock detection");
		bm_skip("sld-off-xchg-split", "no split-lock detection");
		return;
	}
	/* No firmware interrupt handler runs while SLD is on. */
	__asm__ volatile("pushfq; pop %0; cli" : "=r"(flags)::"memory");
	if (check("sld-enable", set_sld(true), "WRMSR 0x33 bit 29"))
		for (unsigned i = 0; i < n; i++)
			one(i, cases[i].ac, cases[i].name);
	check("sld-disable", set_sld(false), "WRMSR 0x33 0");
	one(0, false, "sld-off-lock-add-split");
	one(5, false, "sld-off-xchg-split");
	__asm__ volatile("push %0; popfq" : : "r"(flags) : "memory", "cc");
}
