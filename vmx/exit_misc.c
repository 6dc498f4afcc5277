/* SPDX-License-Identifier: Apache-2.0 */
/* Instructions that always exit: XSETBV, INVD, GETSEC and the VMX family. */
#include "arch/x86/cpu.h"
#include "vmx/exit.h"
#include "vmx/vmx.h"

#define XCR0_X87 (1ull << 0)
#define XCR0_SSE (1ull << 1)
#define XCR0_AVX (1ull << 2)
#define XCR0_BNDREGS (1ull << 3)
#define XCR0_BNDCSR (1ull << 4)
#define XCR0_AVX512 (7ull << 5)
#define CR0_PE (1ull << 0)
#define CR4_VMXE (1ull << 13)
#define RFLAGS_STATUS 0x8d5ull /* CF PF AF ZF SF OF */
#define RFLAGS_CF 1ull

/* The #GP(0) rules of XSETBV (SDM Vol. 1 13.3, Vol. 2D XSETBV). */
static bool xcr0_valid(uint64_t v)
{
	struct cpuid_regs d = cpuid(0xd, 0);
	uint64_t supported = ((uint64_t)d.edx << 32) | d.eax;

	return (v & XCR0_X87) && !(v & ~supported) &&
	       (!(v & XCR0_AVX) || (v & XCR0_SSE)) &&
	       !(v & XCR0_BNDREGS) == !(v & XCR0_BNDCSR) &&
	       ((v & XCR0_AVX512) == 0 ||
		((v & XCR0_AVX512) == XCR0_AVX512 && (v & XCR0_AVX)));
}

enum exit_action exit_xsetbv(struct vcpu *v)
{
	uint64_t value = (v->regs.rdx << 32) | (uint32_t)v->regs.rax;

	if ((uint32_t)v->regs.rcx != 0 || !xcr0_valid(value)) {
		vcpu_inject_exception(v, VEC_GP, true, 0);
		return EXIT_RESUME;
	}
	/* L0 uses no extended state, so L1's XCR0 can stay loaded in root mode */
	xsetbv(0, value);
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

/*
 * Until nested VMX exists L1 never is in VMX operation, where every VMX
 * instruction but VMXON raises #UD (SDM Vol. 3C 31.3).
 */
enum exit_action exit_vmx_instruction(struct vcpu *v)
{
	vcpu_inject_exception(v, VEC_UD, false, 0);
	return EXIT_RESUME;
}

/*
 * VMXON outside VMX operation: #UD without CR4.VMXE (as L1 set it) or in
 * real mode, #GP at CPL > 0, else it would enter VMX operation: L0 cannot do
 * that for L1 yet and reports VMfailInvalid (SDM Vol. 3C 31.3 VMXON).
 */
enum exit_action exit_vmxon(struct vcpu *v)
{
	if (!(vmcs_read(CR4_READ_SHADOW) & CR4_VMXE) ||
	    !(vmcs_read(CR0_READ_SHADOW) & CR0_PE)) {
		vcpu_inject_exception(v, VEC_UD, false, 0);
		return EXIT_RESUME;
	}
	if (vcpu_cpl() > 0) {
		vcpu_inject_exception(v, VEC_GP, true, 0);
		return EXIT_RESUME;
	}
	vmcs_write(GUEST_RFLAGS,
		   (vmcs_read(GUEST_RFLAGS) & ~RFLAGS_STATUS) | RFLAGS_CF);
	vcpu_skip_instruction(v);
	return EXIT_RESUME;
}
