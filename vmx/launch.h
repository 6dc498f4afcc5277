/* SPDX-License-Identifier: Apache-2.0 */
#ifndef VMX_LAUNCH_H
#define VMX_LAUNCH_H

#include <stdbool.h>

struct percpu;

/* Once, on the bootstrap CPU: controls, MSR bitmap, EPT01. */
bool vmx_global_init(void);

/*
 * VMXON and VMLAUNCH on this CPU: the firmware's state saved by core_enter
 * becomes L1, which resumes where core_enter was called. Returns (nonzero)
 * only if that failed, with this CPU back as it was and the reason logged.
 */
int vmx_cpu_start(struct percpu *pc);

#endif
