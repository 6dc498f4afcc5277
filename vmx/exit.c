/* SPDX-License-Identifier: Apache-2.0 */
/* Every VM exit of L1 comes through vmx_handle_exit (from vmx_entry.asm). */
#include "vmx/exit.h"

#include "arch/x86/cpu.h"
#include "core/gevent.h"
#include "core/percpu.h"
#include "drivers/iommu.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "nested/nested.h"
#include "nested/nstate_vcpu.h"
#include "vmx/guard.h"
#include "vmx/vmx.h"

int vmx_handle_exit(struct vcpu *v);
int vmx_entry_failed(struct vcpu *v, uint64_t rflags);

static enum exit_action exit_exception_nmi(struct vcpu *v)
{
	uint32_t info = (uint32_t)vmcs_read(VM_EXIT_INTR_INFO);
	unsigned vector = info & 0xff;

	if ((info & INTR_TYPE_MASK) == INTR_TYPE_NMI) {
		vcpu_nmi_arrived(v);
		nmi_unblock();
		return EXIT_RESUME;
	}
	/* L0's #AC and #DB intercepts (vmx/exc_guard.c) */
	if (vector == VEC_AC || vector == VEC_DB)
		return guard_exception(v, false, 0) == GUARD_DONE_STOP
			       ? EXIT_STOP
			       : EXIT_RESUME;
	log_err("vmx: unexpected exception %u exit (info 0x%x)", vector, info);
	return EXIT_STOP;
}

/* The window opened: vcpu_prepare_entry() delivers the NMI now. */
static enum exit_action exit_nmi_window(struct vcpu *v)
{
	(void)v;
	return EXIT_RESUME;
}

/*
 * Return contract of every handler: it finishes the exit, advancing RIP
 * (vcpu_skip_instruction) only for an instruction it emulated and queuing
 * any event for L1 (vcpu_inject_exception), then returns EXIT_RESUME; or it
 * logs why it cannot and returns EXIT_STOP, and this vCPU stops for good
 * (the other CPUs go on). A reason with no entry dumps the VMCS and stops.
 */
static const exit_handler handlers[EXIT_REASON_COUNT] = {
	[EXIT_EXCEPTION_NMI] = exit_exception_nmi,
	[EXIT_TRIPLE_FAULT] = exit_triple_fault,
	[EXIT_INIT] = exit_init,
	[EXIT_NMI_WINDOW] = exit_nmi_window,
	[EXIT_CPUID] = exit_cpuid,
	[EXIT_GETSEC] = exit_getsec,
	[EXIT_INVD] = exit_invd,
	[EXIT_VMCALL] = exit_vmcall,
	[EXIT_VMCLEAR] = nested_vmx_instruction,
	[EXIT_VMLAUNCH] = nested_vmx_instruction,
	[EXIT_VMPTRLD] = nested_vmx_instruction,
	[EXIT_VMPTRST] = nested_vmx_instruction,
	[EXIT_VMREAD] = nested_vmx_instruction,
	[EXIT_VMRESUME] = nested_vmx_instruction,
	[EXIT_VMWRITE] = nested_vmx_instruction,
	[EXIT_VMXOFF] = nested_vmx_instruction,
	[EXIT_VMXON] = nested_vmx_instruction,
	[EXIT_CR_ACCESS] = exit_cr_access,
	[EXIT_MSR_READ] = exit_rdmsr,
	[EXIT_MSR_WRITE] = exit_wrmsr,
	[EXIT_EPT_VIOLATION] = exit_ept_violation,
	[EXIT_EPT_MISCONFIG] = exit_ept_misconfig,
	[EXIT_INVEPT] = nested_vmx_instruction,
	[EXIT_INVVPID] = nested_vmx_instruction,
	[EXIT_VMFUNC] = nested_vmx_instruction,
	[EXIT_XSETBV] = exit_xsetbv,
	[EXIT_NOTIFY] = exit_notify,
};

/*
 * Which instruction vmx_entry.asm enters the current VMCS with: 1 for
 * VMLAUNCH (a vmcs02 not launched yet), 0 for VMRESUME.
 */
static int entry_kind(struct vcpu *v)
{
	struct nested *n = &v->nested;

	n->entry_was_launch = n->guest_mode && !n->vmcs02_launched;
	if (n->entry_was_launch)
		n->vmcs02_launched = true;
	return n->entry_was_launch;
}

static void prepare_entry(struct vcpu *v)
{
	nested_prepare_entry(v);
	vcpu_prepare_entry(v);
}

int vmx_handle_exit(struct vcpu *v)
{
	if (v->nested.guest_mode && (v->nested.reflected == 300 || v->nested.reflected == 301))
		__asm__ volatile("xchg %%bx, %%bx" ::: "memory");
	prof_begin(&v->nested.prof);
	iommu_poll_faults(); /* first, when little is live (drivers/iommu.h) */
	uint32_t reason = (uint32_t)vmcs_read_fast(VM_EXIT_REASON);
	unsigned basic = reason & 0xffff;
	exit_handler h = basic < EXIT_REASON_COUNT ? handlers[basic] : 0;

	v->exits_total++;
	if (basic < EXIT_REASON_COUNT)
		v->exits[basic]++;
	v->nested.run_pending = false;
	if (splitlock_exit_hook(v, basic)) {
		/* the MTF exit of L0's step over a split lock: nobody else's */
		prepare_entry(v);
		return entry_kind(v);
	}
	if (v->nested.guest_mode) {
		if (reason & EXIT_REASON_ENTRY_FAILURE) {
			/* a failed VMLAUNCH leaves vmcs02 clear (SDM 31.3 VMLAUNCH) */
			if (v->nested.entry_was_launch)
				v->nested.vmcs02_launched = false;
			nested_hw_entry_failure(v, reason);
		}
		else if (nested_l2_exit(v, basic) == EXIT_STOP)
			vcpu_stop(v, exit_reason_name(basic));
		prepare_entry(v);
		nested_state_event(v);
		prof_end(&v->nested.prof);
		return entry_kind(v);
	}
	if (reason & EXIT_REASON_ENTRY_FAILURE)
		vcpu_stop(v, "VM entry failed");
	if (!h) {
		log_err("vmx: exit reason %u (%s) has no handler", basic,
			exit_reason_name(basic));
		vcpu_stop(v, "unhandled exit");
	}
	if (h(v) == EXIT_STOP)
		vcpu_stop(v, exit_reason_name(basic));
	prepare_entry(v);
	if (h == nested_vmx_instruction)
		nested_state_event(v);
	prof_end(&v->nested.prof);
	return entry_kind(v);
}

/* VMLAUNCH/VMRESUME in vmx_entry.asm failed: only vmcs02 may (nested/entry.c). */
int vmx_entry_failed(struct vcpu *v, uint64_t rflags)
{
	uint64_t err = 0;

	v->nested.run_pending = false;
	if (v->nested.guest_mode) {
		if (v->nested.entry_was_launch)
			v->nested.vmcs02_launched = false;
		nested_hw_vmfail(v, rflags);
		prepare_entry(v);
		return entry_kind(v);
	}
	vmread_raw(VM_INSTRUCTION_ERROR, &err);
	log_err("vmx: VMRESUME failed (rflags 0x%lx): VM-instruction error %lu (%s)",
		rflags, err, vmx_instruction_error_name((unsigned)err));
	vcpu_stop(v, "VMRESUME failed");
}

/* "events: cpuN <kind> count (printed, suppressed)" and the last one. */
static void print_events(const char *who, const struct gevent_stats *g)
{
	bool any = false;

	for (unsigned k = 0; k < GEV_COUNT; k++) {
		if (!g->count[k])
			continue;
		any = true;
		log_info("events: %s %s %lu (%lu lines printed, %lu suppressed)",
			 who, gevent_name(k), g->count[k], g->printed[k],
			 g->not_printed[k]);
	}
	if (any)
		log_info("events: %s last: %s", who, g->last);
}

void exit_print_counters(void)
{
	struct gevent_stats global;

	gevent_global_stats(&global);
	print_events("global", &global);
	for (uint32_t cpu = 0; cpu < bootinfo.ncpus; cpu++) {
		const struct percpu *pc =
			(const void *)(bootinfo.percpu_va + cpu * PERCPU_SIZE);
		const struct vcpu *v = &pc->vcpu;

		if (!v->exits_total)
			continue;
		log_info("exits: cpu%u total %lu", cpu, v->exits_total);
		if (v->nested.entries)
			log_info("exits: cpu%u nested: %lu entries of L2, %lu exits reflected to L1, %lu handled by L0, %lu dry runs",
				 cpu, v->nested.entries, v->nested.reflected,
				 v->nested.l0_handled, v->nested.dry_runs);
		if (v->nested.ept02_budget.high_water > 1)
			log_info("exits: cpu%u EPT02: %u of %u pages in use (at most %u), %lu evictions",
				 cpu, v->nested.ept02_budget.used,
				 v->nested.ept02_budget.cap,
				 v->nested.ept02_budget.high_water,
				 v->nested.ept02_budget.evictions);
		for (unsigned r = 0; r < EXIT_REASON_COUNT; r++)
			if (v->exits[r])
				log_info("exits: cpu%u %-20s %lu", cpu,
					 exit_reason_name(r), v->exits[r]);
		char who[16];

		fmt_snprintf(who, sizeof(who), "cpu%u", cpu);
		print_events(who, &v->gev);
	}
	nested_state_print_counters();
}
