/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The MSR attacks of attack_msr.c through the VMX MSR lists, which L0
 * carries out in VMX root operation (nested/msrlist.c): each entry must
 * meet the verdict L1's WRMSR/RDMSR would (vmx/msr_policy.def). L1 is a
 * small hypervisor here (the nvmx environment) running one L2 that only
 * makes a VMCALL.
 *   - VM-entry MSR-load list moving IA32_APIC_BASE onto L0's region: the
 *     entry fails with exit 34 and the entry's number (SDM 27.8), the APIC
 *     stays; Intel PT and DS_AREA entries fail the same way.
 *   - IA32_BIOS_UPDT_TRIG in the entry list: the entry succeeds, nothing
 *     is loaded (as WRMSR 0x79 in VMX non-root, SDM 26.3).
 *   - IA32_APIC_BASE unchanged in the entry list: allowed.
 *   - VM-exit MSR-load list writing an MTRR: L1 reads the value back after
 *     the exit, the CPU's MTRR is unchanged.
 *   - VM-exit MSR-store list reading IA32_MISC_ENABLE: BTS/PEBS
 *     unavailable, as RDMSR says.
 */
#include "tests/guests/attack_msr.h"
#include "tests/guests/nvmx.h"

#include "lib/string.h"

#define MSR_BIOS_UPDT_TRIG 0x79
#define MSR_BIOS_SIGN_ID   0x8b
#define MSR_MISC_ENABLE	   0x1a0
#define MSR_MTRR_PHYSBASE0 0x200
#define MSR_RTIT_CTL	   0x570
#define MSR_DS_AREA	   0x600
#define BAD_MSR		   (EXIT_ENTRY_FAIL | EXIT_BAD_MSR_LOAD)

static struct vm vm;

/* An entry list of n (index, value) pairs, then one VMLAUNCH. */
static void run_with_entry_list(const uint64_t *pairs, unsigned n)
{
	uint64_t *l = (uint64_t *)env.msr_area;

	memset(l, 0, PAGE);
	for (unsigned i = 0; i < 2 * n; i++)
		l[i] = pairs[i];
	vm_init(&vm, L2_LONG, l2_vmcall);
	vmw(F_ENTRY_MSR_LOAD, env.msr_area);
	vmw(F_ENTRY_LOAD_CNT, n);
	vm_run(&vm);
}

static bool failed_at(unsigned entry)
{
	return vm.x.entry == VM_OK && vm.x.reason == BAD_MSR &&
	       vm.x.qual == entry;
}

static bool ran_to_vmcall(void)
{
	return vm.x.entry == VM_OK && vm.x.reason == EXIT_VMCALL;
}

static void entry_list_apic_base(uint64_t base)
{
	uint64_t kgs = rdmsr(MSR_KERNEL_GS_BASE);
	uint64_t moved = (base & 0xfff) | (l0.base & ~0xfffull);
	const uint64_t move[] = {MSR_KERNEL_GS_BASE, 0x1234000, MSR_APIC_BASE,
				 moved};
	const uint64_t same[] = {MSR_APIC_BASE, base};

	run_with_entry_list(move, 2);
	uint64_t after = rdmsr(MSR_APIC_BASE);

	wrmsr(MSR_KERNEL_GS_BASE, kgs);
	check("entry-list-apic-base-refused", failed_at(2) && after == base,
	      "entry list {KERNEL_GS_BASE, APIC_BASE 0x%lx}: %s qual %lu; APIC "
	      "base 0x%lx",
	      moved, vm_exit_str(&vm), vm.x.qual, after);
	run_with_entry_list(same, 1);
	check("entry-list-apic-base-same", ran_to_vmcall(),
	      "entry list {APIC_BASE 0x%lx}: %s", base, vm_exit_str(&vm));
}

static void entry_list_refused(const char *name, uint32_t msr)
{
	const uint64_t e[] = {msr, l0.base | 1};

	run_with_entry_list(e, 1);
	check(name, failed_at(1), "entry list {MSR 0x%x = 0x%lx}: %s qual %lu",
	      msr, l0.base | 1, vm_exit_str(&vm), vm.x.qual);
}

static void entry_list_microcode(void)
{
	const uint64_t e[] = {MSR_BIOS_UPDT_TRIG, l0.base};
	uint64_t before, after;

	wrmsr(MSR_BIOS_SIGN_ID, 0);
	cpuid(1, 0);
	before = rdmsr(MSR_BIOS_SIGN_ID);
	run_with_entry_list(e, 1);
	wrmsr(MSR_BIOS_SIGN_ID, 0);
	cpuid(1, 0);
	after = rdmsr(MSR_BIOS_SIGN_ID);
	check(
	    "entry-list-bios-updt-trig", ran_to_vmcall() && before == after,
	    "entry list {0x79 = 0x%lx}: %s; microcode revision 0x%lx -> 0x%lx",
	    l0.base, vm_exit_str(&vm), before >> 32, after >> 32);
}

/* VM-exit lists: MSR-load at +0x200 (an MTRR), MSR-store at +0x100. */
static void exit_lists(void)
{
	uint64_t *l = (uint64_t *)env.msr_area;
	uint64_t old = rdmsr(MSR_MTRR_PHYSBASE0),
		 want = (l0.base & ~0xfffull) | 0;
	uint64_t hw0 = 0, hw1 = 0, b = 0, c = MSR_MTRR_PHYSBASE0, d = 0;

	hypercall(HC_MTRR_HW, &b, &c, &d);
	hw0 = b;
	memset(l, 0, PAGE);
	l[32] = MSR_MISC_ENABLE;    /* store */
	l[64] = MSR_MTRR_PHYSBASE0; /* load */
	l[65] = want;
	vm_init(&vm, L2_LONG, l2_vmcall);
	vmw(F_EXIT_MSR_STORE, env.msr_area + 0x100);
	vmw(F_EXIT_STORE_CNT, 1);
	vmw(F_EXIT_MSR_LOAD, env.msr_area + 0x200);
	vmw(F_EXIT_LOAD_CNT, 1);
	vm_run(&vm);
	uint64_t now = rdmsr(MSR_MTRR_PHYSBASE0);

	c = MSR_MTRR_PHYSBASE0;
	hypercall(HC_MTRR_HW, &b, &c, &d);
	hw1 = b;
	wrmsr(MSR_MTRR_PHYSBASE0, old);
	check("exit-list-mtrr-virtual",
	      ran_to_vmcall() && now == want && hw0 == hw1,
	      "exit list {PHYSBASE0 = 0x%lx}: %s, L1 reads 0x%lx; the CPU's "
	      "0x%lx -> 0x%lx",
	      want, vm_exit_str(&vm), now, hw0, hw1);
	check("exit-store-misc-enable",
	      ran_to_vmcall() && (l[33] >> 11 & 3) == 3,
	      "exit store list: IA32_MISC_ENABLE 0x%lx (BTS, PEBS unavailable)",
	      l[33]);
}

void attack_msr_lists(void)
{
	if (!env_init()) {
		check("msr-lists", false, "no VMX environment for L1");
		return;
	}
	*(uint32_t *)env.vmxon = env.cap.revision;
	*(uint32_t *)env.vmcs = env.cap.revision;
	if (vmxon(env.vmxon) != VM_OK) {
		check("msr-lists", false, "VMXON failed");
		return;
	}
	uint64_t base = rdmsr(MSR_APIC_BASE);

	entry_list_apic_base(base);
	entry_list_refused("entry-list-rtit-ctl", MSR_RTIT_CTL);
	entry_list_refused("entry-list-ds-area", MSR_DS_AREA);
	entry_list_microcode();
	exit_lists();
	vmclear(env.vmcs);
	vmxoff();
	check("apic-delivers-after-lists",
	      self_nmi_xapic(base & (uint64_t)0xffffff000),
	      "a self-NMI through the xAPIC at 0x%lx reached L1",
	      base & (uint64_t)0xffffff000);
}
