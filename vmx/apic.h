/* SPDX-License-Identifier: Apache-2.0 */
/*
 * L1's local APIC stays L1's (pass-through), with one exception: INIT and
 * SIPI IPIs. L0 sees L1's writes to the interrupt command register (EPT01
 * maps the xAPIC page read-only; the x2APIC ICR MSR is intercepted) and
 * delivers INIT and SIPI to a virtualized CPU itself: it marks the target
 * and rings it with an NMI (NMI exiting is on); the target's L0 resets its
 * vCPU on INIT and holds it until the SIPI, then starts it in real mode.
 * Why not let the CPU deliver them as INIT and SIPI VM exits? That works on
 * hardware, but Bochs 2.7 leaves the INIT pending after an INIT VM exit,
 * loses SIPIs to all but some targets of a broadcast, and keeps SMIs and
 * NMIs masked after wait-for-SIPI (docs/bochs-deviations.md): no AP could
 * start there. Routing them in L0 works on both.
 */
#ifndef VMX_APIC_H
#define VMX_APIC_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/msr.h"
#include "vmx/vcpu.h"

/* The xAPIC page L1's writes are taken from (IA32_APIC_BASE at start-up). */
uint64_t apic_page(void);
void apic_init(void);

/* An EPT write violation on the xAPIC page: emulate the store. */
enum exit_action apic_mmio_write(struct vcpu *v, uint64_t gpa);
/* WRMSR to the x2APIC ICR (INIT/SIPI routed, the rest written); false: #GP. */
bool apic_x2apic_icr(struct vcpu *v, uint64_t value);

#endif
