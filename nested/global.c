/* SPDX-License-Identifier: Apache-2.0 */
/* Nested-VMX state shared by all vCPUs, and each vCPU's at start-up. */
#include "arch/x86/cpu.h"
#include "core/percpu.h"
#include "lib/log.h"
#include "nested/checks.h"
#include "nested/internal.h"
#include "nested/nstate_vcpu.h"
#include "nested/reserve.h"
#include "nested/vcaps12.h"
#include "vmx/config.h"
#include "vmx/ept.h"

struct vmx_msrs nested_caps;
unsigned nested_phys_bits;
bool nested_la57;
bool nested_early_checks;
const char *nested_skip_check;

void nested_global_init(void)
{
	vcaps12_compute(&vmx_cfg.msrs, &nested_caps);
	nested_phys_bits = ept01.phys_bits;
	nested_la57 = cpuid(7, 0).ecx & (1u << 16); /* CPUID.7.0:ECX.LA57 */
	log_info("nested: L1 gets VMCS revision 0x%x, %u-bit physical "
		 "addresses, VMCS fields up to index %u",
		 (uint32_t)nested_caps.basic & 0x7fffffff, nested_phys_bits,
		 vmcs12_max_index());
	nested_shadow_init();
	vmcs02_global_init();
	nested_vmexit_init();
	/* auto: a hypervisor below us would make the dry run an exit of its own
	 */
	bool bare = !(cpuid(1, 0).ecx & (1u << 31));

	nested_early_checks =
	    bootinfo.early_checks < 0 ? bare : bootinfo.early_checks;
	log_info(
	    "nested: early consistency checks (hardware dry run of vmcs02) "
	    "%s%s",
	    nested_early_checks ? "on" : "off",
	    bootinfo.early_checks < 0
		? (bare ? " (auto: bare metal)" : " (auto: under a hypervisor)")
		: "");
	if (bootinfo.skip_check[0] &&
	    nested_check_lookup(bootinfo.skip_check) < 0) {
		log_err("nested: nested_skip_check=%s names no VM-entry check "
			"(docs/entry-checks.md): ignored",
			bootinfo.skip_check);
	} else if (bootinfo.skip_check[0]) {
		nested_skip_check = bootinfo.skip_check;
		log_warn("nested: nested_skip_check=%s: that VM-entry check is "
			 "skipped (debug)",
			 nested_skip_check);
	}
	nested_state_stress_init(bootinfo.nstate_stress);
}

bool nested_vmx_msr(uint32_t msr, uint64_t *value)
{
	return vcaps12_msr(&nested_caps, msr, value);
}

bool nested_vcpu_init(struct vcpu *v)
{
	v->nested.current_ptr = VMCS12_NONE;
	/* never one of L1's VPIDs (cpu + 1), never 0 */
	v->nested.vpid02 = (uint16_t)(0x8000u | v->cpu);
	return nested_reserve(v);
}
