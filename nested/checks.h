/* SPDX-License-Identifier: Apache-2.0 */
/* VM-entry checks on vmcs12 (nested/checks.c). */
#ifndef NESTED_CHECKS_H
#define NESTED_CHECKS_H

#include <stdbool.h>
#include <stdint.h>

struct vmcs12;

/*
 * 0 if the VM-execution, VM-exit and VM-entry controls and the host-state
 * area pass (SDM 27.2), else the VM-instruction error: 7 (controls) or 8
 * (host state). l1_long_mode: L1 runs in IA-32e mode at VMLAUNCH.
 */
unsigned nested_check_controls_host(const struct vmcs12 *c, bool l1_long_mode);
/* SDM 27.2.1.3 event injection (part of the control checks). */
bool nested_check_event_injection(const struct vmcs12 *c);
/* Guest state (SDM 27.3.1); on failure *qual is the exit qualification of
 * exit 33. */
bool nested_check_guest(const struct vmcs12 *c, uint64_t *qual);

#endif
