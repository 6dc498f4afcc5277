/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VMX capability MSRs recorded on Bochs 2.7 (how they were obtained:
 * tests/unit/test_caps.c), shared by the unit tests that need a real CPU's
 * values: test_caps, test_vcaps12, test_checks.
 */
#ifndef TESTS_UNIT_BOCHS_MSRS_H
#define TESTS_UNIT_BOCHS_MSRS_H

#include "vmx/caps.h"

/* Bochs 2.7 cpu: model=corei7_skylake_x (VMCS revision 0x2b, no MTF, no CET). */
static const struct vmx_msrs bochs_skylake_x = {
	.cpuid1_ecx = 0x77faf3bf, /* OSXSAVE (27) clear: CR4.OSXSAVE was 0 */
	.feature_control = 0x0000000000000005,
	.has_vmx_msrs = true,
	.basic = 0x00d810000000002b,
	.pinbased = 0x0000007f00000016,
	.procbased = 0xf7f9fffe0401e172,
	.exit = 0x007fffff00036dff,
	.entry = 0x0000ffff000011ff,
	.misc = 0x00000000600401e0,
	.cr0_fixed0 = 0x0000000080000021,
	.cr0_fixed1 = 0x00000000ffffffff,
	.cr4_fixed0 = 0x0000000000002000,
	.cr4_fixed1 = 0x00000000003727ff,
	.vmcs_enum = 0x0000000000000034,
	.procbased2 = 0x02177fff00000000,
	.ept_vpid = 0x00000f0106334141,
	.true_pinbased = 0x0000007f00000016,
	.true_procbased = 0xf7f9fffe04006172,
	.true_exit = 0x007fffff00036dfb,
	.true_entry = 0x0000ffff000011fb,
	.vmfunc = 0x0000000000000001,
	.procbased3 = 0, /* no tertiary controls in Bochs 2.7 */
};

/* Bochs 2.7 cpu: model=tigerlake (VMCS revision 0x4, MTF, SPP, CET). */
static const struct vmx_msrs bochs_tigerlake = {
	.cpuid1_ecx = 0x77faf3bf,
	.feature_control = 0x0000000000000005,
	.has_vmx_msrs = true,
	.basic = 0x01d8100000000004,
	.pinbased = 0x0000007f00000016,
	.procbased = 0xfff9fffe0401e172,
	.exit = 0x107fffff00036dff,
	.entry = 0x0010ffff000011ff,
	.misc = 0x00000000600401e0,
	.cr0_fixed0 = 0x0000000080000021,
	.cr0_fixed1 = 0x00000000ffffffff,
	.cr4_fixed0 = 0x0000000000002000,
	.cr4_fixed1 = 0x0000000000f72fff,
	.vmcs_enum = 0x0000000000000034,
	.procbased2 = 0x02977fff00000000,
	.ept_vpid = 0x00000f0106b34141,
	.true_pinbased = 0x0000007f00000016,
	.true_procbased = 0xfff9fffe04006172,
	.true_exit = 0x107fffff00036dfb,
	.true_entry = 0x0010ffff000011fb,
	.vmfunc = 0x0000000000000001,
	.procbased3 = 0,
};

/*
 * Bochs 3.0 with tests/bochs/patches, cpu: model=sapphire_rapids (VMCS
 * revision 0x4, MTF, notify VM exits, tertiary controls, 5-level paging in
 * CR4_FIXED1 bit 12): RDMSR of 0x480-0x492 by an EFI payload on bare Bochs
 * (2026-12-04); feature control as L0 leaves it (locked, VMX outside SMX).
 */
static const struct vmx_msrs bochs_sapphire_rapids = {
	.cpuid1_ecx = 0x77fef3bf,
	.feature_control = 0x0000000000000005,
	.has_vmx_msrs = true,
	.basic = 0x01d8100000000004,
	.pinbased = 0x000000ff00000016,
	.procbased = 0xfffbfffe0401e172,
	.exit = 0xf87fffff00036dff,
	.entry = 0x0058ffff000011ff,
	.misc = 0x00000000600401e0,
	.cr0_fixed0 = 0x0000000080000021,
	.cr0_fixed1 = 0x00000000ffffffff,
	.cr4_fixed0 = 0x0000000000002000,
	.cr4_fixed1 = 0x0000000003f73fff,
	.vmcs_enum = 0x0000000000000050,
	.procbased2 = 0x86d77fff00000000,
	.ept_vpid = 0x00000f0106f34141,
	.true_pinbased = 0x000000ff00000016,
	.true_procbased = 0xfffbfffe04006172,
	.true_exit = 0xf87fffff00036dfb,
	.true_entry = 0x0058ffff000011fb,
	.vmfunc = 0x0000000000000001,
	.procbased3 = 0x0000000000000080,
};

#endif
