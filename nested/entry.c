/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VMLAUNCH and VMRESUME of L1 (SDM Vol. 3C 31.3, chapter 27): the
 * VMfailInvalid/VMfailValid conditions, the checks on vmcs12, then vmcs02
 * is built and the vCPU goes on in L2 (vmx_entry.asm enters whatever VMCS
 * is current). An entry the CPU refuses although the software checks
 * passed is unwound here too, so that L1 sees what the CPU reported and
 * its own state exactly as before the instruction.
 */
#include "arch/x86/cpu.h"
#include "core/gevent.h"
#include "lib/log.h"
#include "nested/checks.h"
#include "nested/internal.h"
#include "nested/msrlist.h"
#include "vmx/config.h"
#include "vmx/gmem.h"
#include "vmx/vmx.h"

#define RFLAGS_FIXED1 (1ull << 1)
#define RFLAGS_ZF     (1ull << 6)

static bool l2_uses_vpid(const struct vmcs12 *c)
{
	return ((uint32_t)vmcs12_get(c, CPU_BASED_VM_EXEC_CONTROL) &
		CPU_SECONDARY_CONTROLS) &&
	       (vmcs12_get(c, SECONDARY_VM_EXEC_CONTROL) & SEC_ENABLE_VPID);
}

uint64_t vmx_dry_entry(int launch); /* vmx/vmx_entry.asm */

/*
 * The checks read L1's memory (link pointer's VMCS, PDPTEs); no memory reads
 * as all ones (a wrong revision, reserved PDPTE bits), as on a CPU.
 */
static bool check_read(void *ctx, uint64_t gpa, void *buf, unsigned n)
{
	(void)ctx;
	gmem_read(gpa, buf, n);
	return true;
}

/* A failing check's line: L1 can fail checks at will, so it is a guest
 * event, counted and rate-limited per vCPU. */
static void check_report(void *ctx, const char *line)
{
	gevent(ctx, GEV_ENTRY_CHECK, LOG_INFO, "%s", line);
}

/* CPUID leaf 7 reaches L1 unchanged: read once. */
static uint32_t l1_cpuid7_ebx(void)
{
	static uint32_t ebx;
	static bool done;

	if (!done) {
		ebx = cpuid(7, 0).ebx;
		done = true;
	}
	return ebx;
}

/*
 * early_consistency_checks: vmcs02 is entered once with an invalid guest
 * RFLAGS (bit 1 clear, SDM 27.3.1.4), so the CPU runs all its VMFail checks
 * on controls and host state (27.2) and then fails the entry on the guest
 * state with an exit. That exit means "no VMFail"; a VMFail means the
 * software checks missed something: L1 gets the CPU's error, both verdicts
 * are logged. Returns false when L1's instruction ended here.
 */
static bool dry_run(struct vcpu *v, bool launch)
{
	struct nested *n = &v->nested;
	uint64_t rflags = vmcs_read_fast(GUEST_RFLAGS);
	uint64_t host_rsp = vmcs_read_fast(HOST_RSP), host_rip = vmcs_read_fast(HOST_RIP);
	/* vmcs02's own launch state, not L1's instruction, picks the CPU's
	 * instruction */
	uint64_t failed;

	vmcs_write_fast(GUEST_RFLAGS, rflags & ~RFLAGS_FIXED1);
	failed = vmx_dry_entry(!n->vmcs02_launched);
	vmcs_write_fast(HOST_RSP, host_rsp);
	vmcs_write_fast(HOST_RIP, host_rip);
	vmcs_write_fast(GUEST_RFLAGS, rflags);
	n->dry_runs++;
	if (!failed) {
		uint32_t reason = (uint32_t)vmcs_read(VM_EXIT_REASON);

		if (reason !=
		    (EXIT_INVALID_GUEST_STATE | EXIT_REASON_ENTRY_FAILURE))
			vcpu_stop(v, "the dry-run entry of vmcs02 did not fail "
				     "on its guest state");
		return true;
	}
	uint64_t err = 0;

	if (failed & RFLAGS_ZF)
		vmread_raw(VM_INSTRUCTION_ERROR, &err);
	gevent(v, GEV_ENTRY_LATE, LOG_WARN,
	       "nested: cpu%u: software checks: pass; the CPU's dry run of "
	       "vmcs02: %s %lu (%s) for %s",
	       v->cpu, (failed & RFLAGS_ZF) ? "VMfailValid" : "VMfailInvalid",
		 err, vmx_instruction_error_name((unsigned)err),
		 launch ? "VMLAUNCH" : "VMRESUME");
	vmcs01_current(v);
	nested_forget(n);
	if (!(failed & RFLAGS_ZF))
		vcpu_stop(v, "VMfailInvalid on vmcs02: L0 lost its VMCS");
	nvmx_fail(v, (unsigned)err);
	return false;
}

#define EFER_LMA (1ull << 10)

/*
 * The checks' environment for this entry. All but three of its fields are
 * the same for every entry of the vCPU (L0's configuration): those are set
 * at the first entry, the three here.
 */
static struct check_env *entry_env(struct vcpu *v, bool launch)
{
	struct nested *n = &v->nested;
	struct check_env *env = &n->check_env;

	if (!env->caps)
		*env = (struct check_env){
		    .caps = &nested_caps,
		    .phys_bits = nested_phys_bits,
		    .cpuid7_ebx = l1_cpuid7_ebx(),
		    .la57 = nested_la57,
		    .read = check_read,
		    .ctx = v,
		    .skip = nested_skip_check,
		    .report = check_report,
		};
	/* VMLAUNCH/VMRESUME #UD in compatibility mode (SDM 31.3): with
	 * EFER.LMA, L1 is in 64-bit mode here */
	env->l1_long_mode = vmcs_read_fast(GUEST_IA32_EFER) & EFER_LMA;
	env->current_ptr = n->current_ptr;
	/* VMLAUNCH: every check; VMRESUME: the parts whose inputs changed
	 * since they last passed (all after VMPTRLD, a nested-state set or a
	 * failed entry: nested_forget) */
	env->changed = launch ? NULL : &n->unchecked;
	env->parts = 0;
	return env;
}

enum exit_action nvmx_launch(struct vcpu *v, bool launch)
{
	struct nested *n = &v->nested;
	struct vmcs12 *c = n->vmcs12;
	uint64_t qual;

	/* SDM 27.1 (basic VM-entry checks) 3, 4: no current VMCS, or a shadow
	 * VMCS */
	if (n->current_ptr == VMCS12_NONE || vmcs12_is_shadow(c)) {
		nvmx_fail_invalid(v);
		return EXIT_RESUME;
	}
	if (vmcs_read_fast(GUEST_INTERRUPTIBILITY_INFO) & INTERRUPTIBILITY_MOV_SS) {
		nvmx_fail(v, 26);
		return EXIT_RESUME;
	}
	if (launch == vmcs12_launched(c)) {
		nvmx_fail(v, launch ? 4 : 5);
		return EXIT_RESUME;
	}
	prof_leg(&n->prof, launch ? PROF_LEG_LAUNCH : PROF_LEG_ENTRY);
	prof_mark(&n->prof, PROF_E_PRE);
	struct check_env *env = entry_env(v, launch);

	/* L1's mode is an input too (host address-space size, 27.2.4) */
	if (env->l1_long_mode != n->checked_l1_long_mode)
		env->changed = NULL;
	/* parts that will run and read fields vmcs02 still holds: sync */
	if (!env->changed || dirty12_any(env->changed, &nested_lazy_readers))
		nested_sync_lazy(n);
	/* (after the sync, which may add to the changed fields) */
	env->parts = nc_parts_to_run(env->changed);
	unsigned err = (env->parts & NC_CTL_HOST_PARTS)
			   ? nested_check_controls_host(c, env, NULL)
			   : 0;

	if (err) {
		nested_forget(n);
		nvmx_fail(v, err);
		return EXIT_RESUME;
	}
	if (!nested_check_guest(c, env, &qual, NULL)) {
		nested_entry_failed(v, EXIT_INVALID_GUEST_STATE, qual);
		return EXIT_RESUME;
	}
	prof_mark(&n->prof, PROF_E_CHECKS);
	if (!vmcs02_enter(v))
		return EXIT_STOP;
	if (nested_early_checks && !dry_run(v, launch))
		return EXIT_RESUME;
	prof_mark(&n->prof, PROF_E_DRY);
	uint32_t bad = msrlist_load(
	    vmcs12_get(c, VM_ENTRY_MSR_LOAD_ADDR),
	    (uint32_t)vmcs12_get(c, VM_ENTRY_MSR_LOAD_COUNT), n->msr_undo);

	if (bad) {
		vmcs01_current(v);
		nested_entry_failed(v, EXIT_MSR_LOADING, bad);
		return EXIT_RESUME;
	}
	/* hardware flushes VPID 0 at every entry; a new VPID12 is a new address
	 * space */
	uint16_t vpid12 = (uint16_t)vmcs12_get(c, VPID);

	if (!l2_uses_vpid(c) || vpid12 != n->last_vpid12)
		vmx_flush_guest_tlb(n->vpid02);
	n->last_vpid12 = vpid12;
	/* every check passed on what vmcs12 holds now */
	dirty12_clear(&n->unchecked);
	n->checked_l1_long_mode = env->l1_long_mode;
	prof_mark(&n->prof, PROF_E_LOAD);
	n->guest_mode = true;
	n->run_pending = true;
	n->launching = launch;
	if (launch)
		vmcs12_set_launched(c, true);
	n->entries++;
	/* vmcs12's event (if any) is in vmcs02; vmcs02's old IDT-vectoring info
	 * is stale */
	v->injected = true;
	return EXIT_RESUME;
}

/* vmcs01 again, as if L1 had never executed VMLAUNCH/VMRESUME. */
static void unwind(struct vcpu *v)
{
	struct nested *n = &v->nested;

	vmcs01_current(v);
	n->guest_mode = false;
	/* what the CPU refused is in vmcs02: nothing there is trusted now */
	nested_forget(n);
	if (n->launching)
		vmcs12_set_launched(n->vmcs12, false);
	/* the CPU would have loaded no MSR before either failure */
	msrlist_undo(n->msr_undo);
}

/*
 * The CPU refused vmcs02 with VMfailValid/VMfailInvalid (vmx_entry.asm):
 * the software checks let through what the CPU would not. L1 gets the
 * CPU's error number; the disagreement is logged as the bug it is.
 */
void nested_hw_vmfail(struct vcpu *v, uint64_t rflags)
{
	uint64_t err = 0;

	if (rflags & RFLAGS_ZF)
		vmread_raw(VM_INSTRUCTION_ERROR, &err);
	gevent(v, GEV_ENTRY_LATE, LOG_WARN,
	       "nested: cpu%u: the CPU refused vmcs02 (%s, error %lu: %s) "
	       "after the software checks passed",
	       v->cpu, (rflags & RFLAGS_ZF) ? "VMfailValid" : "VMfailInvalid",
		 err, vmx_instruction_error_name((unsigned)err));
	unwind(v);
	if (!(rflags & RFLAGS_ZF))
		vcpu_stop(v, "VMfailInvalid on vmcs02: L0 lost its VMCS");
	nvmx_fail(v, (unsigned)err);
	nested_shadow_push(v);
}

/* The CPU's VM entry of vmcs02 failed with exit 33 or 34 (SDM 27.8). */
void nested_hw_entry_failure(struct vcpu *v, uint32_t reason)
{
	uint64_t qual = vmcs_read(EXIT_QUALIFICATION);

	gevent(v, GEV_ENTRY_LATE, LOG_WARN,
	       "nested: cpu%u: the CPU failed the entry of vmcs02 with exit "
	       "%u (qualification 0x%lx) after the software checks passed",
	       v->cpu, reason & 0xffff, qual);
	unwind(v);
	nested_entry_failed(v, reason & 0xffff, qual);
}
