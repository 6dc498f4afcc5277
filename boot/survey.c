/* SPDX-License-Identifier: Apache-2.0 */
#include "boot/survey.h"

#include <efilib.h>

#include "arch/x86/cpu.h"
#include "lib/log.h"
#include "vmx/msrs.h"

#define CPUID_80000001_EDX_PAGE1GB (1u << 26)

struct cpu_report {
	struct vmx_msrs msrs;
	BOOLEAN page1gb;
	BOOLEAN seen;
};

static void read_one(UINTN cpu, void *arg)
{
	struct cpu_report *r = (struct cpu_report *)arg + cpu;

	vmx_msrs_read(&r->msrs);
	r->page1gb = cpuid(0x80000000, 0).eax >= 0x80000001 &&
		     (cpuid(0x80000001, 0).edx & CPUID_80000001_EDX_PAGE1GB);
	r->seen = TRUE;
}

static void enable_one(UINTN cpu, void *arg)
{
	(void)cpu;
	(void)arg;
	vmx_feature_control_enable();
}

static void table_line(const char *line, void *ctx)
{
	log_info("vmx: %s%s", (const char *)ctx, line);
}

static void log_raw(UINTN cpu, const struct vmx_msrs *m)
{
	log_debug("vmx: cpu%lu raw cpuid1.ecx=0x%x feature_control=0x%lx", cpu,
		  m->cpuid1_ecx, m->feature_control);
	if (!m->has_vmx_msrs)
		return;
	log_debug("vmx: cpu%lu raw basic=0x%lx pin=0x%lx proc=0x%lx exit=0x%lx entry=0x%lx",
		  cpu, m->basic, m->pinbased, m->procbased, m->exit, m->entry);
	log_debug("vmx: cpu%lu raw misc=0x%lx cr0f0=0x%lx cr0f1=0x%lx cr4f0=0x%lx cr4f1=0x%lx enum=0x%lx",
		  cpu, m->misc, m->cr0_fixed0, m->cr0_fixed1, m->cr4_fixed0,
		  m->cr4_fixed1, m->vmcs_enum);
	log_debug("vmx: cpu%lu raw proc2=0x%lx ept_vpid=0x%lx vmfunc=0x%lx proc3=0x%lx",
		  cpu, m->procbased2, m->ept_vpid, m->vmfunc, m->procbased3);
	log_debug("vmx: cpu%lu raw true_pin=0x%lx true_proc=0x%lx true_exit=0x%lx true_entry=0x%lx",
		  cpu, m->true_pinbased, m->true_procbased, m->true_exit,
		  m->true_entry);
}

/* Two CPUs differ if any capability differs; the lock state may differ. */
static BOOLEAN same_caps(const struct vmx_msrs *a, const struct vmx_msrs *b)
{
	struct vmx_msrs x = *a, y = *b;

	x.feature_control = y.feature_control = 0;
	return CompareMem(&x, &y, sizeof(x)) == 0;
}

#define MAX_MISSING 24

/* Each distinct missing requirement once, with how many CPUs lack it. */
struct missing_set {
	const char *what[MAX_MISSING];
	UINTN cpus[MAX_MISSING];
	UINTN n;
};

static void note_missing(struct missing_set *ms, const char *what)
{
	UINTN i = 0;

	while (i < ms->n && ms->what[i] != what)
		i++;
	if (i == MAX_MISSING)
		return;
	if (i == ms->n)
		ms->what[ms->n++] = what;
	ms->cpus[i]++;
}

static UINTN survey_cpu(const struct mp *mp, UINTN cpu,
			const struct cpu_report *r, struct missing_set *ms)
{
	const struct vmx_msrs *m = &r[cpu].msrs;
	struct vmx_caps caps;
	enum fc_verdict fc = m->has_vmx_msrs ? fc_judge(m->feature_control) : FC_OK;
	const char *missing[MAX_MISSING];

	log_raw(cpu, m);
	vmx_caps_decode(m, &caps);
	if (cpu == mp->bsp || !same_caps(m, &r[mp->bsp].msrs)) {
		log_info("vmx: capabilities of cpu%lu%s:", cpu,
			 cpu == mp->bsp ? " (the others are compared with it)"
					: " (differs from the BSP)");
		vmx_caps_table(&caps, table_line, "");
	}
	size_t n = vmx_caps_missing(&caps, fc, missing, MAX_MISSING);

	for (size_t i = 0; i < n && i < MAX_MISSING; i++)
		note_missing(ms, missing[i]);
	return n;
}

EFI_STATUS survey_vmx(const struct mp *mp, BOOLEAN *allow_1g)
{
	struct cpu_report *r = AllocateZeroPool(mp->count * sizeof(*r));
	struct missing_set ms = { .n = 0 };
	UINTN unusable = 0, to_enable = 0, seen = 0;

	if (!r) {
		log_err("boot: out of memory for the VMX survey");
		return EFI_OUT_OF_RESOURCES;
	}
	EFI_STATUS st = mp_run_everywhere(mp, read_one, r);

	if (EFI_ERROR(st)) {
		log_err("boot: VMX survey could not run on every CPU: status 0x%lx",
			(uint64_t)st);
		FreePool(r);
		return st;
	}
	*allow_1g = TRUE;
	for (UINTN cpu = 0; cpu < mp->count; cpu++) {
		if (!r[cpu].seen)
			continue;
		seen++;
		*allow_1g &= r[cpu].page1gb;
		unusable += survey_cpu(mp, cpu, r, &ms) != 0;
		to_enable += r[cpu].msrs.has_vmx_msrs &&
			     fc_judge(r[cpu].msrs.feature_control) == FC_MUST_ENABLE;
	}
	FreePool(r);
	log_info("vmx: surveyed %lu of %lu CPUs (%lu enabled), %lu unusable",
		 seen, mp->count, mp->enabled, unusable);
	for (UINTN i = 0; i < ms.n; i++)
		log_err("VMX not usable: %s (%lu of %lu CPUs)", ms.what[i],
			ms.cpus[i], seen);
	if (seen != mp->enabled) {
		log_err("VMX not usable: only %lu of %lu enabled CPUs answered the survey",
			seen, mp->enabled);
		return EFI_UNSUPPORTED;
	}
	if (unusable)
		return EFI_UNSUPPORTED;
	if (to_enable) {
		mp_run_everywhere(mp, enable_one, NULL);
		log_info("vmx: IA32_FEATURE_CONTROL was unlocked on %lu CPUs: VMX enabled and locked",
			 to_enable);
	}
	return EFI_SUCCESS;
}
