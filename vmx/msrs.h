/* SPDX-License-Identifier: Apache-2.0 */
/* Reading the VMX capability MSRs of the calling CPU (hardware side of vmx/caps.h). */
#ifndef VMX_MSRS_H
#define VMX_MSRS_H

#include "vmx/caps.h"

/* Reads only MSRs that exist: a #GP here would kill the loader. */
void vmx_msrs_read(struct vmx_msrs *m);
/* If IA32_FEATURE_CONTROL is unlocked: enable VMX outside SMX and lock it. */
void vmx_feature_control_enable(void);

#endif
