/* SPDX-License-Identifier: Apache-2.0 */
/* Instructions that always exit: XSETBV, INVD, GETSEC (VMX ones: nested/). */
#include "arch/x86/cpu.h"
#include "vmx/exit.h"
#include "vmx/vmx.h"

#define XCR0_X87 (1ull << 0)
#define XCR0_SSE (1ull << 1)
#define XCR0_AVX (1ull << 2)
#define XCR0_BNDREGS (1ull << 3)
#define XCR0_BNDCSR (1ull << 4)
#define XCR0_AVX512 (7ull << 5)
#define XCR0_XTILE (3ull << 17) /* TILECFG, TILEDATA */

/* The #GP(0) rules of XSETBV (SDM Vol. 1 13.3, Vol. 2D XSETBV). */
static bool xcr0_valid(uint64_t v)
{
	struct cpuid_regs d = cpuid(0xd, 0);
	uint64_t supported = ((uint64_t)d.edx << 32) | d.eax;

	return (v & XCR0_X87) && !(v & ~supported) &&
	       (!(v & XCR0_AVX) || (v & XCR0_SSE)) &&
	       !(v & XCR0_BNDREGS) == !(v & XCR0_BNDCSR) &&
	       ((v & XCR0_AVX512) == 0 ||
		((v & XCR0_AVX512) == XCR0_AVX512 && (v & XCR0_AVX))) &&
	       ((v & XCR0_XTILE) == 0 || (v & XCR0_XTILE) == XCR0_XTILE);
}

enum exit_action exit_xsetbv(struct vcpu *v)
{
	uint64_t value = (v->regs.rdx << 32) | (uint32_t)v->regs.rax;

	/*
	 * L0 uses no extended state, so L1's XCR0 can stay loaded in root
	 * mode. A value the CPU refuses for a rule xcr0_valid() lacks is
	 * L1's #GP too (the fault leaves XCR0 as it was).
	 */
	if ((uint32_t)v->regs.rcx != 0 || !xcr0_valid(value) ||
	    xsetbv_safe(0, value) != 0) {
		vcpu_inject_exception(v, VEC_GP, true, 0);
		return EXIT_RESUME;
	}
	vcpu_skip_instruction(v);
	return EXIT_RESUME;
}

/* INVD would drop L0's dirty cache lines too: write them back instead. */
enum exit_action exit_invd(struct vcpu *v)
{
	wbinvd();
	vcpu_skip_instruction(v);
	return EXIT_RESUME;
}

/* L0 offers no SMX to L1 (CPUID.1:ECX.SMX is the CPU's, CR4.SMXE stays 0). */
enum exit_action exit_getsec(struct vcpu *v)
{
	vcpu_inject_exception(v, VEC_UD, false, 0);
	return EXIT_RESUME;
}
