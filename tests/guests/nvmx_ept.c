/* SPDX-License-Identifier: Apache-2.0 */
/*
 * EPT12, the EPT L1 gives its L2: remapping at every page size, EPT
 * violations with their exit qualification (SDM Vol. 3C Table 28-7) and
 * guest-physical/linear addresses, an EPT misconfiguration, fixing a
 * violation with INVEPT and resuming, and an exception whose delivery hits
 * an EPT violation (IDT-vectoring information, 28.2.4), re-injected by L1
 * the way a hypervisor does.
 */
#include "tests/guests/nvmx_detail.h"

#define EPT_RWX 7ull
#define EPT_WB	(6ull << 3)

/*
 * Qualification bits compared: access (0-2), permissions (3-5), linear
 * address valid (7), translation vs. paging-structure access (8), NMI
 * unblocking (12). Bit 6 and 9-11 depend on optional features.
 */
#define QUAL_MASK ((uint64_t)0x11bf)

static struct vm vm;

static uint64_t magic(int i)
{
	return *(volatile uint64_t *)(env.data[i] + 0x18);
}

static void go(const void *stub)
{
	ept_reset();
	invept(2, 0);
	vm_init(&vm, L2_LONG, stub);
}

static bool vmcall_done(void)
{
	return vm.x.entry == VM_OK && vm.x.reason == EXIT_VMCALL;
}

static void remap(const char *name, uint64_t gpa, const char *what)
{
	go(l2_load);
	vm.r.rbx = gpa;
	vm_run(&vm);
	check(name, vmcall_done() && vm.r.rax == magic(0), "%s: %s, L2 read %s",
	      what, vm_exit_str(&vm),
	      vm.r.rax == magic(0) ? "the data page's value"
				   : "something else");
}

static bool violation(const struct vm *v, uint64_t qual, uint64_t gpa)
{
	const struct exit_info *x = &v->x;

	dadd("%s", vm_exit_str(v));
	if (x->entry != VM_OK || x->reason != EXIT_EPT_VIOL)
		return false;
	dadd(", qualification 0x%lx, GPA 0x%lx, linear 0x%lx",
	     x->qual & QUAL_MASK, x->gpa, x->gla);
	return (x->qual & QUAL_MASK) == qual && x->gpa == gpa && x->gla == gpa;
}

static void violations(void)
{
	go(l2_load);
	vm.r.rbx = GPA_ABSENT + 0x18;
	vm_run(&vm);
	dstart();
	dcheck("ept-violation-read", violation(&vm, 0x181, GPA_ABSENT + 0x18));

	/* Map the page, flush EPT12's translations, retry the load. */
	*ept_pt1_entry(2) = env.data[2] | EPT_RWX | EPT_WB;
	int o = invept(1, env_eptp());

	vm_run(&vm);
	check("ept-fix-invept-resume",
	      o == VM_OK && vmcall_done() && vm.r.rax == magic(2),
	      "INVEPT single-context %s, VMRESUME: %s, L2 read %s", vmx_str(o),
	      vm_exit_str(&vm),
	      vm.r.rax == magic(2) ? "the new page's value" : "something else");

	go(l2_store);
	vm.r.rbx = GPA_RO + 8;
	vm.r.rcx = 1;
	vm_run(&vm);
	dstart();
	dcheck("ept-violation-write", violation(&vm, 0x1aa, GPA_RO + 8));

	/* A VMCALL in the non-executable page, in case it runs anyway. */
	*(volatile uint32_t *)env.data[3] = 0x00c1010f;
	go(l2_call);
	vm.r.rbx = GPA_NX;
	vm_run(&vm);
	dstart();
	bool ok = violation(&vm, 0x19c, GPA_NX);

	dadd(", RIP 0x%lx", vm.x.rip);
	dcheck("ept-violation-fetch", ok && vm.x.rip == GPA_NX);

	/* Write-only is a misconfiguration (SDM Vol. 3C 29.3.3.1). */
	go(l2_load);
	vm.r.rbx = GPA_MISCONF;
	vm_run(&vm);
	check("ept-misconfig",
	      vm.x.entry == VM_OK && vm.x.reason == EXIT_EPT_MISCONF &&
		  vm.x.gpa == GPA_MISCONF,
	      "%s, GPA 0x%lx", vm_exit_str(&vm), vm.x.gpa);
}

/*
 * #UD with L2's stack in an absent page: delivery fails with an EPT
 * violation, which records the #UD as IDT-vectoring information. L1 maps
 * the page and injects the event again, and L2's handler gets it.
 */
static void vectoring(void)
{
	uint32_t idt;

	go(l2_ud2);
	vmw(F_GUEST_RSP, GPA_STACK + PAGE);
	vm_run(&vm);
	idt = vm.x.idt;
	dstart();
	dadd("%s", vm_exit_str(&vm));
	if (vm.x.entry == VM_OK && vm.x.reason == EXIT_EPT_VIOL)
		dadd(", IDT-vectoring info 0x%x, qualification 0x%lx, GPA page "
		     "0x%lx, at +%ld",
		     idt, vm.x.qual & QUAL_MASK, vm.x.gpa & ~(uint64_t)0xfff,
		     vm_rip_off(&vm));
	dcheck("idt-vectoring-ept",
	       vm.x.entry == VM_OK && vm.x.reason == EXIT_EPT_VIOL &&
		   idt == (INTR_VALID | INTR_HW_EXC | 6) &&
		   (vm.x.qual & QUAL_MASK) == 0x182 &&
		   (vm.x.gpa & ~(uint64_t)0xfff) == GPA_STACK &&
		   vm_rip_off(&vm) == 0);

	*ept_pt1_entry(5) = env.data[2] | EPT_RWX | EPT_WB;
	invept(1, env_eptp());
	vmw(F_ENTRY_INTR, idt & ~(1u << 12));
	vmw(F_ENTRY_ERRCODE, vm.x.idt_err);
	l2_ev.count = 0;
	vm_run(&vm);
	check("idt-vectoring-reinject",
	      vmcall_done() && vm.r.rax == L2_EVENT_MAGIC &&
		  l2_ev.vector == 6 && l2_ev.rip == vm.entry_rip &&
		  l2_ev.count == 1,
	      "%s; L2's handler got vector %lu at +%ld", vm_exit_str(&vm),
	      l2_ev.vector, (long)(l2_ev.rip - vm.entry_rip));
}

void check_ept(void)
{
	static const char *const names[] = {
	    "ept-remap-4k",	     "ept-remap-2m",
	    "ept-remap-1g",	     "ept-violation-read",
	    "ept-fix-invept-resume", "ept-violation-write",
	    "ept-violation-fetch",   "ept-misconfig",
	    "idt-vectoring-ept",     "idt-vectoring-reinject"};

	if (!env.has_ept) {
		for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			skip(names[i], "EPT");
		return;
	}
	remap("ept-remap-4k", GPA_REMAP_4K + 0x18, "4-KiB page");
	remap("ept-remap-2m", GPA_REMAP_2M + (env.data[0] & 0x1fffffull) + 0x18,
	      "2-MiB page");
	if (env.has_1g_ept)
		remap("ept-remap-1g", GPA_REMAP_1G + env.data[0] + 0x18,
		      "1-GiB page");
	else
		skip("ept-remap-1g", "1-GiB EPT pages");
	violations();
	vectoring();
	ept_reset();
	invept(2, 0);
	vmclear(env.vmcs);
}
