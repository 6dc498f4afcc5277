/* SPDX-License-Identifier: Apache-2.0 */
/*
 * L0's surroundings on the host for tools/nstate replay (l0_host.c). The
 * page addresses below stand for L0's own pages, which a blob does not
 * hold: the replay shows them as these values.
 */
#ifndef TOOLS_NSTATE_L0_HOST_H
#define TOOLS_NSTATE_L0_HOST_H

#include <stdbool.h>

#include "vmx/caps.h"
#include "vmx/vcpu.h"

#define L0_HOST_EPT02_ROOT 0xe02000ull /* the vCPU's EPT02 root page */
#define L0_HOST_EPT01_EPTP 0xe0101eull /* EPT01 (L2 in L1's space) */
#define L0_HOST_VPID02	   0x8000u    /* cpu0's VPID02 (nested/global.c) */

/* vmx_cfg for the CPU's capability MSRs, and a vCPU 0 for vmcs02. */
bool l0_host_setup(const struct vmx_msrs *cpu, struct vcpu *v);

#endif
