/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The seam in nested/vmcs02.c: its construction of vmcs02 (L0's host
 * state, vmcs12's controls merged with L0's, vmcs12's guest state) writes
 * through one accessor, which is VMWRITE in L0 and can be an array on the
 * host, so that tools/nstate replays the construction on a blob's vmcs12
 * and prints the vmcs02 L0 would build (docs/nested-state.md).
 */
#ifndef NESTED_VMCS02_OUT_H
#define NESTED_VMCS02_OUT_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/vmcs_fields.h"

struct vcpu;
struct vmcs12;

/* vmcs02 as written: field encoding -> value, in the order first written. */
#define VMCS02_IMAGE_MAX 192
struct vmcs02_image {
	unsigned n;
	uint32_t field[VMCS02_IMAGE_MAX];
	uint64_t value[VMCS02_IMAGE_MAX];
};

/* L0's host-state fields: vmcs02's are vmcs01's (vmcs02_host_field(i)). */
#define VMCS02_NHOST 22

/*
 * What vmcs02 takes from outside vmcs12: L1's own values that L2 inherits
 * where vmcs12 does not load them, and L0's host state.
 */
struct vmcs02_l1 {
	uint64_t dr7, debugctl, pat, efer;
	uint64_t host[VMCS02_NHOST];
};

enum vmcs_field vmcs02_host_field(unsigned i);

/*
 * vmcs02 for v from c into img, as vmcs02_enter() builds a fresh one
 * (reads L1 memory through gmem for bitmaps and PDPTEs, as L0 does).
 * Host only: L0 itself always writes the current VMCS.
 */
bool vmcs02_build_image(struct vcpu *v, const struct vmcs12 *c,
			const struct vmcs02_l1 *l1, struct vmcs02_image *img);

#endif
