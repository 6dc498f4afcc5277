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
/* The summary line, then power off; never returns. */
__attribute__((noreturn)) void guest_finish(void);

/* ---- CPU primitives ---- */

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;

	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}

/*
 * True if EBX:ECX:EDX of CPUID leaf 0x40000000 spell HV_SIGNATURE; sig gets
 * the 12 bytes, non-printable ones as '.'.
 */
bool hv_sig_decode(uint32_t ebx, uint32_t ecx, uint32_t edx, char sig[13]);
/* The same for this CPU's CPUID; max_leaf (if not NULL) gets EAX. */
bool hv_signature(char sig[13], uint32_t *max_leaf);

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t read_cr0(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr4(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

/* ---- Catching expected exceptions ---- */

#define VEC_UD	 6
#define VEC_GP	 13
#define VEC_PF	 14
#define NO_FAULT (-1)

/*
 * While armed, the IDT is a copy of the firmware's with vectors 6, 13 and 14
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
extern volatile uint64_t trap_error HIDDEN;

#define GUARD(insn) "movq $(772f - 771f), %[trap_skip]\n771:\t" insn "\n772:\n"
#define GUARD_OUT   [trap_skip] "=m"(trap_skip)

void trap_arm(void);
/* Restores the IDT and the interrupt flag. */
void trap_disarm(void);
/* The vector the last guarded instruction raised, or NO_FAULT; clears it. */
int trap_take(uint64_t *error);
/* "#UD", "#GP", "#PF" or "no fault", for detail texts. */
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

/* ---- EFI MP services (PI spec Vol. 2, 13.4; gnu-efi lacks them) ---- */

typedef VOID(EFIAPI *ap_procedure)(VOID *arg);

typedef struct {
	UINT64 ProcessorId; /* the local APIC ID */
	UINT32 StatusFlag;
	UINT32 Package, Core, Thread; /* EFI_CPU_PHYSICAL_LOCATION */
	UINT8 ExtendedInformation[24];
} processor_info;

#define PROCESSOR_AS_BSP_BIT  0x1
#define PROCESSOR_ENABLED_BIT 0x2

typedef struct mp_services {
	EFI_STATUS(EFIAPI *GetNumberOfProcessors)
	(struct mp_services *This, UINTN *total, UINTN *enabled);
	EFI_STATUS(EFIAPI *GetProcessorInfo)
	(struct mp_services *This, UINTN cpu, processor_info *info);
	EFI_STATUS(EFIAPI *StartupAllAPs)
	(struct mp_services *This, ap_procedure proc, BOOLEAN single_thread,
	 EFI_EVENT wait_event, UINTN timeout_us, VOID *arg, UINTN **failed);
	EFI_STATUS(EFIAPI *StartupThisAP)
	(struct mp_services *This, ap_procedure proc, UINTN cpu,
	 EFI_EVENT wait_event, UINTN timeout_us, VOID *arg, BOOLEAN *finished);
	EFI_STATUS(EFIAPI *SwitchBSP)
	(struct mp_services *This, UINTN cpu, BOOLEAN enable_old);
	EFI_STATUS(EFIAPI *EnableDisableAP)
	(struct mp_services *This, UINTN cpu, BOOLEAN enable, UINT32 *health);
	EFI_STATUS(EFIAPI *WhoAmI)(struct mp_services *This, UINTN *cpu);
} mp_services;

/* NULL if the firmware has no MP services. */
mp_services *mp_locate(void);

#endif
