/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bxfix (see bxfix.h): the fast-string state and the canonicality of
 * MSR-held linear addresses, as the SDM describes them, on bare Bochs.
 *
 * Fast strings (SDM Vol. 4 Table 2-2, IA32_MISC_ENABLE 1A0H): bit 0 is 1
 * after reset and read/write. Linux clears ERMS when it reads 0 there, and
 * Linux 6.1's memmove, which takes FSRM (CPUID.(7,0):EDX[4]) to imply ERMS
 * (CPUID.(7,0):EBX[9]), then mis-copies every move under 32 bytes: Bochs 3.0
 * had no IA32_MISC_ENABLE (it read 0) and Linux never finished booting on
 * sapphire_rapids (tests/bochs/patches/0006). Bits 11 and 12 say BTS and
 * PEBS are unavailable: Bochs has neither.
 *
 * MSR canonicality (SDM Vol. 2B WRMSR: #GP for a non-canonical address in
 * IA32_FS_BASE, IA32_GS_BASE, IA32_KERNEL_GS_BASE, IA32_LSTAR,
 * IA32_SYSENTER_EIP/ESP, ...): on a processor with 5-level paging
 * (CPUID.(7,0):ECX[16]) these MSRs take any 57-bit-canonical address in
 * every paging mode; the firmware runs with 4-level paging, so a value
 * canonical at 57 bits but not at 48 separates the two rules
 * (tests/bochs/patches/0011). Without LA57 it is #GP.
 */
#include <efi.h>
#include <efilib.h>

#include "lib/fmt.h"
#include "tests/guests/bxfix.h"

#define MSR_MISC_ENABLE	  0x1a0
#define MISC_FAST_STRINGS (1ull << 0)
#define MISC_BTS_UNAVAIL  (1ull << 11)
#define MISC_PEBS_UNAVAIL (1ull << 12)
#define CPUID7_EBX_ERMS	  (1u << 9)
#define CPUID7_EDX_FSRM	  (1u << 4)

void check_fast_strings(void)
{
	uint64_t m = 0, off = 1, on = 0;
	int r = try_rdmsr(MSR_MISC_ENABLE, &m);
	bool erms = (cpuid(7, 0).ebx & CPUID7_EBX_ERMS) != 0;
	bool fsrm = (cpuid(7, 0).edx & CPUID7_EDX_FSRM) != 0;

	check("misc-enable-fast-strings",
	      r == NO_FAULT && (m & MISC_FAST_STRINGS),
	      "RDMSR 0x1A0: %s, value 0x%lx", vector_name(r), m);
	check("misc-enable-bts-pebs-unavailable",
	      r == NO_FAULT && (m & MISC_BTS_UNAVAIL) &&
		  (m & MISC_PEBS_UNAVAIL),
	      "value 0x%lx", m);
	int w0 = try_wrmsr(MSR_MISC_ENABLE, m & ~MISC_FAST_STRINGS);
	try_rdmsr(MSR_MISC_ENABLE, &off);
	int w1 = try_wrmsr(MSR_MISC_ENABLE, m);
	try_rdmsr(MSR_MISC_ENABLE, &on);
	check("misc-enable-fast-strings-rw",
	      (m & MISC_FAST_STRINGS) && w0 == NO_FAULT && w1 == NO_FAULT &&
		  !(off & MISC_FAST_STRINGS) && on == m,
	      "cleared: %s, reads 0x%lx; restored: %s, reads 0x%lx",
	      vector_name(w0), off, vector_name(w1), on);
	if (!fsrm)
		check_skip("fsrm-implies-erms",
			   "no FSRM (CPUID.(7,0):EDX[4]) on this model");
	else
		check("fsrm-implies-erms", erms, "CPUID.(7,0): FSRM 1, ERMS %d",
		      erms);
}

#define CPUID7_ECX_LA57 (1u << 16)
/* Canonical at 57 bits, not at 48; and canonical at neither. */
#define ADDR_57_ONLY ((uint64_t)0x0000800000000000ull)
#define ADDR_NEVER   ((uint64_t)0x0100000000000000ull)

static const struct {
	uint32_t msr;
	const char *name;
} addr_msrs[] = {
    {0x175, "sysenter-esp"}, {0x176, "sysenter-eip"},
    {0xc0000082, "lstar"},   {0xc0000083, "cstar"},
    {0xc0000100, "fs-base"}, {0xc0000102, "kernel-gs-base"},
};

/* One MSR: value v accepted (and read back) iff want_ok; restored after. */
static bool msr_takes(uint32_t msr, uint64_t v, bool want_ok, int *got)
{
	uint64_t old = 0, now = 0;

	try_rdmsr(msr, &old);
	*got = try_wrmsr(msr, v);
	try_rdmsr(msr, &now);
	try_wrmsr(msr, old);
	return want_ok ? *got == NO_FAULT && now == v
		       : *got == VEC_GP && now == old;
}

void check_msr_canonical(void)
{
	bool la57 = (cpuid(7, 0).ecx & CPUID7_ECX_LA57) != 0;
	char name[64];
	int got;

	for (unsigned k = 0; k < sizeof(addr_msrs) / sizeof(addr_msrs[0]);
	     k++) {
		fmt_snprintf(name, sizeof(name), "msr-canonical-57-%s",
			     addr_msrs[k].name);
		check(name,
		      msr_takes(addr_msrs[k].msr, ADDR_57_ONLY, la57, &got),
		      "WRMSR 0x%x <- 0x%lx with CR4.LA57=0, LA57 %s: %s",
		      addr_msrs[k].msr, ADDR_57_ONLY,
		      la57 ? "supported (no fault expected)"
			   : "absent (#GP expected)",
		      vector_name(got));
		fmt_snprintf(name, sizeof(name), "msr-noncanonical-%s",
			     addr_msrs[k].name);
		check(name,
		      msr_takes(addr_msrs[k].msr, ADDR_NEVER, false, &got),
		      "WRMSR 0x%x <- 0x%lx: %s (#GP expected)",
		      addr_msrs[k].msr, ADDR_NEVER, vector_name(got));
	}
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	InitializeLib(image, systab);
	/* The boot manager's 5-minute watchdog would reset a slow emulator. */
	BS->SetWatchdogTimer(0, 0, 0, NULL);
	guest_init("bxfix");
	guest_printf("bxfix: start\n");
	check_movsb();
	check_fast_strings();
	check_msr_canonical();
	guest_finish();
}
