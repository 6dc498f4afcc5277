/* SPDX-License-Identifier: Apache-2.0 */
/* EPT violations of L1: a guest-physical address EPT01 has not mapped yet. */
#include "lib/log.h"
#include "vmx/apic.h"
#include "vmx/ept.h"
#include "vmx/exit.h"
#include "vmx/vmx.h"

enum exit_action exit_ept_violation(struct vcpu *v)
{
	uint64_t gpa = vmcs_read(GUEST_PHYSICAL_ADDRESS);
	uint64_t qual = vmcs_read(EXIT_QUALIFICATION);

	/* SDM Table 28-7: bit 1 = the access was a write */
	if ((gpa & ~0xfffull) == apic_page() && (qual & 2))
		return apic_mmio_write(v, gpa);
	/* MMIO above the start-up map (a 64-bit BAR): map it and retry */
	if (ept01_map_on_demand(&ept01, gpa)) {
		vcpu_retry_reblock_nmi(qual);
		return EXIT_RESUME;
	}
	log_err("vmx: EPT violation at guest-physical 0x%lx (qualification 0x%lx) that EPT01 cannot map",
		gpa, qual);
	return EXIT_STOP;
}

/* EPT01 is L0's own: a misconfiguration is an L0 bug (dumped by the caller). */
enum exit_action exit_ept_misconfig(struct vcpu *v)
{
	(void)v;
	log_err("vmx: EPT misconfiguration at guest-physical 0x%lx: EPT01 is broken",
		vmcs_read(GUEST_PHYSICAL_ADDRESS));
	return EXIT_STOP;
}
