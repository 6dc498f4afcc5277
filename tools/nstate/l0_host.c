/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What nested/vmcs02.c needs from the rest of L0, on the host (tools/nstate
 * replay): vmx_cfg as L0's own code chooses it from the capability MSRs of
 * a CPU model, L0's MSR bitmap from the MSR policy, pages from a static
 * pool, no L1 memory (every byte reads as all ones, as L0 reads memory
 * that is not RAM), and EPT02's root and EPT01's pointer as the fixed
 * values l0_host.h names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/panic.h"
#include "mm/page_alloc.h"
#include "nested/internal.h"
#include "tools/nstate/l0_host.h"
#include "vmx/config.h"
#include "vmx/ept.h"
#include "vmx/gmem.h"
#include "vmx/guard.h"

struct vmx_config vmx_cfg; /* vmx/config.c in L0 */
struct ept01 ept01;	    /* vmx/ept.c in L0 */
bool nested_la57;	    /* nested/global.c in L0 (from CPUID; here: --model) */

#define POOL_PAGES 8
static uint8_t pool[POOL_PAGES][4096] __attribute__((aligned(4096)));
static unsigned pool_used;

uint64_t page_alloc(void)
{
	if (pool_used == POOL_PAGES)
		return 0;
	memset(pool[pool_used], 0, 4096);
	return (uint64_t)(uintptr_t)pool[pool_used++];
}

bool gmem_read(uint64_t gpa, void *buf, size_t n)
{
	(void)gpa;
	memset(buf, 0xff, n);
	return false;
}

uint64_t gmem_page_hpa(uint64_t gpa)
{
	(void)gpa;
	return 0;
}

uint64_t ept02_root(struct vcpu *v)
{
	return v->nested.ept02_root;
}

void ept02_drop(struct vcpu *v)
{
	(void)v;
}

void vcpu_stop(struct vcpu *v, const char *why)
{
	(void)v;
	fprintf(stderr, "nstate: L0 would stop the vCPU: %s\n", why);
	exit(3);
}

void panic(const char *fmt, ...)
{
	fprintf(stderr, "nstate: L0 would panic: %s\n", fmt);
	exit(3);
}

bool l0_host_setup(const struct vmx_msrs *cpu, struct vcpu *v)
{
	uint64_t bitmap = page_alloc();

	if (!vmx_config_choose(&vmx_cfg, cpu) || !bitmap)
		return false;
	vmx_msr_bitmap_fill((uint8_t *)(uintptr_t)bitmap);
	vmx_cfg.msr_bitmap_pa = bitmap;
	ept01.eptp = L0_HOST_EPT01_EPTP;
	memset(v, 0, sizeof(*v));
	v->nested.ept02_root = L0_HOST_EPT02_ROOT;
	v->nested.vpid02 = L0_HOST_VPID02;
	vmcs02_global_init(); /* as nested_global_init does on the BSP */
	/* L0's guards by default (exc_intercepts=on); skylake_x has no notify */
	guard_cfg.intercepts = true;
	return true;
}

/* nested/vmexit.c in L0: the tool's vmcs02 never ran L2, nothing is lazy */
void nested_sync_lazy(struct nested *n)
{
	(void)n;
}
