/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The guards' share of vmcs01's and vmcs02's controls (vmx/guard.h): pure,
 * so that tools/nstate's replay of a vmcs02 uses L0's own rules.
 */
#include "vmx/guard.h"

#include "vmx/controls.h"

struct guard_cfg guard_cfg;

uint32_t guard_proc2(uint32_t proc2)
{
	return guard_cfg.notify ? proc2 | SEC_NOTIFY_VM_EXITING
				: proc2 & ~SEC_NOTIFY_VM_EXITING;
}

uint32_t guard_exceptions(uint32_t exceptions)
{
	return guard_cfg.intercepts ? exceptions | (1u << VEC_AC) | (1u << VEC_DB)
				    : exceptions;
}
