/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bmodels: the Bochs-model payload (see bmodels.h). Runs as the firmware's
 * boot option on bare Bochs; tests/system/t-bochs-models.sh boots it on
 * sapphire_rapids (both features) and corei7_skylake_x (neither).
 */
#include <efi.h>
#include <efilib.h>

#include "tests/guests/bmodels.h"

void bm_skip(const char *name, const char *why)
{
	guest_printf("bmodels: SKIP %s %s\n", name, why);
}

/*
 * CPUID.(EAX=7,ECX=0):EDX[30] enumerates IA32_CORE_CAPABILITIES (read-only);
 * its bit 5 enumerates split-lock detection and MSR_TEST_CTRL[29].
 */
bool check_core_caps(void)
{
	bool enumerated = cpuid(0, 0).eax >= 7 && (cpuid(7, 0).edx >> 30) & 1;
	uint64_t cc = 0, t = 0;
	int r = try_rdmsr(MSR_CORE_CAPABILITIES, &cc);
	bool sld = enumerated && r == NO_FAULT && (cc & CORE_CAP_SPLIT_LOCK);

	/*
	 * An MSR the model lacks is #GP, or reads as 0 where Bochs runs with
	 * ignore_bad_msrs (its default): either way no capability bit.
	 */
	if (!enumerated) {
		check("core-cap-absent",
		      r == VEC_GP || (r == NO_FAULT && cc == 0),
		      "CPUID.7.0:EDX[30]=0, RDMSR 0xCF: %s, value 0x%lx",
		      vector_name(r), cc);
	} else {
		check("core-cap-enumerated", r == NO_FAULT,
		      "CPUID.7.0:EDX[30]=1, RDMSR 0xCF: %s", vector_name(r));
		check("core-cap-split-lock", sld,
		      "IA32_CORE_CAPABILITIES[5]=%u",
		      (unsigned)((cc >> 5) & 1));
		int w = try_wrmsr(MSR_CORE_CAPABILITIES, cc);
		check("core-cap-read-only", w == VEC_GP, "WRMSR 0xCF: %s",
		      vector_name(w));
	}
	r = try_rdmsr(MSR_TEST_CTRL, &t);
	if (!sld) {
		check("test-ctrl-absent", r == VEC_GP || (r == NO_FAULT && t == 0),
		      "RDMSR 0x33: %s, value 0x%lx", vector_name(r), t);
		return false;
	}
	check("test-ctrl-reset", r == NO_FAULT && t == 0,
	      "RDMSR 0x33: %s, value 0x%lx", vector_name(r), t);
	int w = try_wrmsr(MSR_TEST_CTRL, TEST_CTRL_SLD);
	r = try_rdmsr(MSR_TEST_CTRL, &t);
	check("test-ctrl-sld-rw", w == NO_FAULT && r == NO_FAULT &&
				      t == TEST_CTRL_SLD,
	      "WRMSR bit 29: %s, reads 0x%lx", vector_name(w), t);
	w = try_wrmsr(MSR_TEST_CTRL, TEST_CTRL_SLD | 1);
	r = try_rdmsr(MSR_TEST_CTRL, &t);
	check("test-ctrl-reserved-gp", w == VEC_GP && t == TEST_CTRL_SLD,
	      "WRMSR bits 29+0: %s, still reads 0x%lx", vector_name(w), t);
	w = try_wrmsr(MSR_TEST_CTRL, 0);
	r = try_rdmsr(MSR_TEST_CTRL, &t);
	check("test-ctrl-sld-off", w == NO_FAULT && t == 0,
	      "WRMSR 0: %s, reads 0x%lx", vector_name(w), t);
	return true;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	InitializeLib(image, systab);
	/* The boot manager's 5-minute watchdog would reset a slow emulator. */
	BS->SetWatchdogTimer(0, 0, 0, NULL);
	guest_init("bmodels");
	guest_printf("bmodels: start\n");

	check_split_lock(check_core_caps());
	if (env_init())
		check_notify();
	guest_finish();
}
