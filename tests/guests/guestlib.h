/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the test payloads in tests/guests/ share: result lines on the serial
 * port, power off, catching the exceptions an instruction is expected to
 * raise, and the VMCALL hypercall. The payloads are EFI applications that
 * Matryoshka's loader chain-loads as L1 (or that run on bare firmware, where
 * the hypervisor checks must fail, not crash).
 */
#ifndef TESTS_GUESTS_GUESTLIB_H
#define TESTS_GUESTS_GUESTLIB_H

#include <efi.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/hypercall.h"

#define HIDDEN __attribute__((visibility("hidden")))

/*
 * Serial console: COM1, 115200 8N1, by port I/O. It is what the system tests
 * read, and it keeps working after ExitBootServices.
 */
#define GUEST_SERIAL_PORT 0x3f8

/* Sets the name every line starts with and opens the serial port. */
void guest_init(const char *name);
__attribute__((format(printf, 1, 2))) void guest_printf(const char *fmt, ...);
/* One `<guest>: PASS|FAIL <check> <detail>` line; returns pass. */
__attribute__((format(printf, 3, 4))) bool check(const char *name, bool pass,
						 const char *fmt, ...);
/* `<guest>: SKIP <check> <why>`: a check this CPU cannot make (never PASS). */
__attribute__((format(printf, 2, 3))) void check_skip(const char *name,
						       const char *fmt, ...);
/* The summary line ("N passed, N failed, N skipped"), then power off. */
__attribute__((noreturn)) void guest_finish(void);

/* ---- CPU primitives: the core's (cpuid, inb/outb, CRs), plus a few ---- */

#include "arch/x86/cpu.h"

/*
 * True if EBX:ECX:EDX of CPUID leaf 0x40000000 spell HV_SIGNATURE; sig gets
 * the 12 bytes, non-printable ones as '.'.
 */
bool hv_sig_decode(uint32_t ebx, uint32_t ecx, uint32_t edx, char sig[13]);
/* The same for this CPU's CPUID; max_leaf (if not NULL) gets EAX. */
bool hv_signature(char sig[13], uint32_t *max_leaf);

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

/* ---- Catching expected exceptions ---- */

#define VEC_UD	 6
#define VEC_GP	 13
#define VEC_PF	 14
#define VEC_AC	 17
#define VEC_NMI	 2
#define NO_FAULT (-1)

/*
 * While armed, the IDT is a copy of the firmware's with vectors 6, 13, 14, 17
 * pointing to trap.asm, and interrupts are off (a timer interrupt must not
 * find our handlers half-installed, nor run firmware code on our IDT). A
 * handler that finds trap_skip nonzero records the vector and error code and
 * resumes trap_skip bytes after the faulting instruction; with trap_skip zero
 * (a fault nobody expected) it jumps on to the firmware's handler.
 *
 * GUARD(insn) wraps one instruction so that its length is what the handler
 * skips: the assembler computes it, so it cannot be wrong. The asm statement
 * must list GUARD_OUT as its first output.
 */
extern volatile uint64_t trap_skip HIDDEN;
extern volatile int64_t trap_vector HIDDEN;
/* NMIs taken while the trap IDT was live (its NMI gate counts them). */
extern volatile uint64_t trap_nmis HIDDEN;
extern volatile uint64_t trap_error HIDDEN;

#define GUARD(insn) "movq $(772f - 771f), %[trap_skip]\n771:\t" insn "\n772:\n"
#define GUARD_OUT   [trap_skip] "=m"(trap_skip)

void trap_arm(void);
/* Restores the IDT and the interrupt flag. */
void trap_disarm(void);
/* The vector the last guarded instruction raised, or NO_FAULT; clears it. */
int trap_take(uint64_t *error);
/* "#UD", "#GP", "#PF", "#AC" or "no fault", for detail texts. */
const char *vector_name(int vector);

/* Single guarded instructions; each returns NO_FAULT or the vector. */
int try_rdmsr(uint32_t msr, uint64_t *v);
int try_wrmsr(uint32_t msr, uint64_t v);
int try_write_cr4(uint64_t v);
int try_xsetbv(uint32_t xcr, uint64_t v);
int try_xgetbv(uint32_t xcr, uint64_t *v);

/*
 * VMCALL with fn in RAX and RBX, RCX, RDX in and out (core/hypercall.h).
 * Returns RAX. Where VMCALL itself faults (no hypervisor: #UD) it returns
 * HC_UNKNOWN and hypercall_fault() says which vector; it is NO_FAULT after a
 * VMCALL that completed.
 */
uint64_t hypercall(uint64_t fn, uint64_t *rbx, uint64_t *rcx, uint64_t *rdx);
int hypercall_fault(void);

/* ---- EFI MP services ---- */

#include "boot/efi_mp.h"

/* NULL if the firmware has no MP services. */
mp_services *mp_locate(void);
/* The processor number of the first enabled AP; 0 if there is none. */
UINTN mp_first_ap(mp_services *s);

/*
 * Every enabled CPU asks its L0 for its exit count (HC_VCPU_EXITS); prints
 * the check line "l0-alive-every-cpu" and returns whether all answered.
 */
bool l0_alive_everywhere(void);

#endif
