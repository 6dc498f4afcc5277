/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Does L1 want this L2 exit? When L2 exits, L0 holds a VM exit that
 * hardware took with vmcs02's controls (vmcs12's merged with L0's own).
 * L1 gets it only if L1's own controls in vmcs12 would have caused it on
 * real hardware (SDM Vol. 3C 26.1 "Instructions That Cause VM Exits", 26.2
 * "Other Causes of VM Exits"); otherwise it exists only because of L0, and
 * L0 handles it for L2.
 *
 * Verdict by basic exit reason (numbers from SDM Vol. 3C Appendix C):
 *
 * Always L1 (exit unconditionally in VMX non-root operation, or are the
 * outcome of L1's own VM entry):
 *   2 triple fault, 3 INIT, 4 SIPI, 9 task switch, 10 CPUID, 11 GETSEC,
 *   13 INVD, 18 VMCALL, 19..27 VMCLEAR, VMLAUNCH, VMPTRLD, VMPTRST, VMREAD,
 *   VMRESUME, VMWRITE, VMXOFF, VMXON, 33 invalid guest state, 34 MSR
 *   loading, 41 machine check during VM entry, 50 INVEPT, 53 INVVPID,
 *   55 XSETBV, 59 VMFUNC.
 *
 * L1 if its controls ask ("pin", "proc", "proc2" = pin-based, primary and
 * secondary processor-based controls; proc2 counts only when proc bit 31
 * "activate secondary controls" is set, SDM 25.6.2):
 *   0 exception or NMI: NMI -> pin 3 (NMI exiting). Hardware exception,
 *     software exception (#BP, #OF) and privileged software exception
 *     (INT1) -> exception bitmap bit of the vector; for #PF (14) the
 *     bitmap bit and the error code decide together (26.2): with bit 14
 *     set, L1 iff (error & pf_mask) == pf_match; with it clear, L1 iff they
 *     differ. Other interruption types cannot come with exit reason 0 -> L0.
 *   1 external interrupt -> pin 0
 *   7 interrupt window -> proc 2;  8 NMI window -> proc 22
 *   12 HLT -> proc 7;  14 INVLPG -> proc 9;  15 RDPMC -> proc 11
 *   16 RDTSC -> proc 12
 *   51 RDTSCP -> proc 12 and proc2 3 (without "enable RDTSCP" RDTSCP is #UD
 *     in L2, not an exit to L1)
 *   67 UMWAIT, 68 TPAUSE -> proc 12 and proc2 26 (enable user wait/pause)
 *   36 MWAIT -> proc 10;  39 MONITOR -> proc 29
 *   40 PAUSE -> proc 30 (PAUSE exiting) or proc2 10 (PAUSE-loop exiting:
 *     L1's PLE gap and window are in vmcs02, so an exit from it is L1's)
 *   29 MOV DR -> proc 23
 *   30 I/O: with proc 25 (use I/O bitmaps) L1 iff a bit of bitmap A
 *     (ports 0..0x7fff) or B (0x8000..0xffff) is set for any port of
 *     port..port+size-1, or that range wraps past 0xffff, or a bitmap byte
 *     is unreadable; without it, proc 24 (unconditional I/O exiting).
 *   31 RDMSR, 32 WRMSR: without proc 28 (use MSR bitmaps) -> L1; with it,
 *     ECX in 0..0x1fff or 0xc0000000..0xc0001fff -> the bit in the
 *     read-low/read-high/write-low/write-high quarter of the 4 KiB bitmap
 *     (25.6.9), an unreadable bitmap -> L1; any other ECX -> L1.
 *   28 CR access (qualification bits 3:0 CR, 5:4 type, 31:16 LMSW source):
 *     MOV to CR0/CR4 -> a bit set in the guest/host mask differs between
 *       the value written (cr_source_value) and the read shadow;
 *     MOV to CR3 -> proc 15 (CR3-load exiting) and the value is none of
 *       the first cr3_target_count (at most 4) CR3-target values;
 *     MOV from CR3 -> proc 16;  MOV to CR8 -> proc 19;  from CR8 -> proc 20;
 *     CLTS -> CR0 mask bit 3 (TS) and read-shadow TS both set;
 *     LMSW -> mask and source have PE (bit 0) set while the shadow's PE is
 *       clear (LMSW can set PE, never clear it), or for some bit among
 *       3:1 (MP, EM, TS) the mask is set and source and shadow differ;
 *     anything else (MOV from CR0/CR4, other CR numbers) cannot exit -> L0.
 *   37 monitor trap flag -> proc 27
 *   46 GDTR/IDTR access, 47 LDTR/TR access -> proc2 2
 *   52 preemption timer -> pin 6
 *   54 WBINVD -> proc2 6;  57 RDRAND -> proc2 11;  61 RDSEED -> proc2 16
 *   58 INVPCID -> proc 9 (INVLPG exiting) and proc2 12 (enable INVPCID)
 *
 * Always L0 (L0 decides them itself elsewhere, or L0 never offers L1 the
 * feature that would let L1 ask for them): 5/6 SMIs, 17 RSM, 43 TPR below
 * threshold, 44 APIC access, 45 virtualized EOI, 48 EPT violation, 49 EPT
 * misconfiguration, 56 APIC write, 60 ENCLS, 62 PML full, 63 XSAVES and
 * 64 XRSTORS (L1 would need an XSS-exiting bitmap, which L0 does not
 * offer), 66 SPP, 69 LOADIWKEY, 70 ENCLV, 72/73 ENQCMD(S), 74 bus lock,
 * 75 notify (L0's window in every vmcs02, handled by vmx/notify.c), and
 * every reason not listed above: the caller then logs the exit and stops,
 * rather than hand L1 an exit it never asked for.
 *
 * Before this decision, nested/l2exit.c gives L0's guards (vmx/guard.h)
 * the #AC and #DB exits: a split lock is L0's whatever vmcs12 says; the
 * rest follow the exception-bitmap rule above.
 */
#ifndef NESTED_REFLECT_H
#define NESTED_REFLECT_H

#include <stdbool.h>
#include <stdint.h>

/* The vmcs12 fields the decision needs. */
struct reflect_ctls {
	uint32_t pin, proc, proc2;
	uint32_t exception_bitmap, pf_mask, pf_match;
	uint64_t cr0_mask, cr0_shadow, cr4_mask, cr4_shadow;
	uint32_t cr3_target_count;
	uint64_t cr3_target[4];
	/* L1 guest-physical addresses */
	uint64_t io_bitmap_a, io_bitmap_b, msr_bitmap;
};

/* What the exit says (vmcs02's exit-information fields). */
struct reflect_exit {
	uint32_t reason; /* only the basic reason, bits 15:0, counts */
	uint64_t qualification;
	uint32_t intr_info, intr_error; /* exception/NMI exits */
	uint64_t rcx;			/* RDMSR/WRMSR: the MSR is ECX */
	/* MOV to CR: the value written, fetched by the caller from the
	 * register the qualification names (bits 11:8) */
	uint64_t cr_source_value;
	/* vmcs12's guest CR0; not needed by the SDM's CLTS/LMSW rules
	 * (they use only the mask and the read shadow), kept for callers */
	uint64_t guest_cr0;
};

/* Reads n bytes of L1 guest-physical memory at gpa; false = unreadable. */
typedef bool (*reflect_read)(void *ctx, uint64_t gpa, void *buf, unsigned n);

enum reflect_verdict { REFLECT_L0 = 0, REFLECT_L1 = 1 };

/*
 * The fast answer before any control is read: true for the reasons that
 * are L1's whatever its controls say (the "Always L1" list above).
 * reflect_decide() gives L1 for each of them too (unit-tested).
 */
bool reflect_always_l1(uint32_t reason);

/*
 * The verdict for exit e of L2 under L1's controls c; read fetches L1's
 * I/O and MSR bitmaps (only for reasons 30, 31 and 32).
 */
enum reflect_verdict reflect_decide(const struct reflect_ctls *c,
				    const struct reflect_exit *e,
				    reflect_read read, void *ctx);

#endif
