/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VMLAUNCH and VMRESUME: a good entry, the launch-state rules (SDM Vol. 3C
 * 27.1), and one broken field at a time from each class of VM-entry
 * check: VM-execution/exit/entry controls -> VMfailValid(7) (27.2.1), host
 * state -> VMfailValid(8) (27.2.2-27.2.4), guest state -> exit reason 33
 * with bit 31 (27.3, 27.8), MSR loading -> exit reason 34 with the 1-based
 * index of the failing entry as qualification (27.4, 27.8).
 */
#include "tests/guests/nvmx.h"

#include "lib/string.h"

#define CR0_NE	  (1ull << 5)
#define CR4_PAE	  (1ull << 5)
#define CR4_VMXE  (1ull << 13)
#define EFER_LMA  (1ull << 10)
#define NONCANON  0x8000000000000000ull
#define BAD_GUEST (EXIT_ENTRY_FAIL | EXIT_BAD_GUEST)
#define BAD_MSR	  (EXIT_ENTRY_FAIL | EXIT_BAD_MSR_LOAD)

static struct vm vm;

static void fresh(void)
{
	vm_init(&vm, L2_LONG, l2_vmcall);
	vm.r.rbx = 0x1000;
	vm.r.rcx = 0x234;
}

static void expect_fail(const char *name, int want, const char *what)
{
	vm_run(&vm);
	check(name, vm.x.entry == want, "%s: %s (expected %s)", what,
	      vm_exit_str(&vm), vmx_str2(want));
}

static void expect_exit(const char *name, uint32_t want, uint64_t qual,
			const char *what)
{
	vm_run(&vm);
	check(name,
	      vm.x.entry == VM_OK && vm.x.reason == want && vm.x.qual == qual,
	      "%s: %s, qualification %lu (expected 0x%x, qualification %lu)",
	      what, vm_exit_str(&vm), vm.x.qual, want, qual);
}

static void launch_checks(void)
{
	uint64_t rf;

	fresh();
	vm_run(&vm);
	check("vmlaunch",
	      vm.x.entry == VM_OK && vm.x.reason == EXIT_VMCALL &&
		  vm.x.len == 3 && vm.r.rax == 0x1234 && vm_rip_off(&vm) == 4,
	      "%s, length %u at +%ld, L2 computed RAX 0x%lx", vm_exit_str(&vm),
	      vm.x.len, vm_rip_off(&vm), vm.r.rax);

	/* Resumed past the VMCALL, L2 loops back to it. */
	vm_skip_run(&vm);
	check("vmresume",
	      vm.x.entry == VM_OK && vm.x.reason == EXIT_VMCALL &&
		  vm_rip_off(&vm) == 4,
	      "%s at +%ld", vm_exit_str(&vm), vm_rip_off(&vm));

	rf = nvmx_enter(&vm.r, 1);
	check("vmlaunch-not-clear", rf && vmx_outcome(rf) == 4,
	      "VMLAUNCH of a launched VMCS: %s (expected VMfailValid(4))",
	      rf ? vmx_str(vmx_outcome(rf)) : "entered");

	fresh();
	rf = nvmx_enter(&vm.r, 0);
	check("vmresume-not-launched", rf && vmx_outcome(rf) == 5,
	      "VMRESUME after VMCLEAR: %s (expected VMfailValid(5))",
	      rf ? vmx_str(vmx_outcome(rf)) : "entered");
}

/* The lowest bit of a control word the CPU says must be 0, or 0. */
static uint32_t forbidden_bit(uint64_t cap)
{
	uint32_t hi = (uint32_t)(cap >> 32);

	for (unsigned b = 0; b < 32; b++)
		if (!(hi & (1u << b)))
			return 1u << b;
	return 0;
}

static void control_checks(void)
{
	const struct vmx_caps *c = &env.cap;
	uint32_t bit;

	fresh();
	bit = forbidden_bit(c->pin);
	if (bit) {
		vmw_or(F_PIN, bit);
		expect_fail("entry-ctl-pin-reserved", 7,
			    "a pin-based control the CPU forbids");
	} else {
		skip("entry-ctl-pin-reserved", "a reserved pin-based bit");
	}

	fresh();
	bit = (uint32_t)c->proc & ~PROC_SECONDARY & ~PROC_MSR_BITMAPS;
	if (bit) {
		vmw_clear(F_PROC, bit & -bit);
		expect_fail("entry-ctl-proc-default1", 7,
			    "a default-1 processor-based control cleared");
	} else {
		skip("entry-ctl-proc-default1",
		     "a default-1 processor-based bit");
	}

	/* SDM Vol. 3C 27.2.1.1: no more CR3 targets than MISC[24:16]. */
	fresh();
	vmw(F_CR3_TARGET_CNT, ((c->misc >> 16) & 0x1ff) + 1);
	expect_fail("entry-ctl-cr3-target-count", 7,
		    "CR3-target count beyond MISC[24:16]");

	fresh();
	vmw_or(F_PROC, PROC_IO_BITMAPS);
	vmw(F_IO_BITMAP_A, env.io_a + 0x10);
	expect_fail("entry-ctl-io-bitmap-unaligned", 7,
		    "I/O bitmap A not 4-KiB aligned");

	fresh();
	vmw(F_MSR_BITMAP, env.msr_bitmap + 8);
	expect_fail("entry-ctl-msr-bitmap-unaligned", 7,
		    "MSR bitmap not 4-KiB aligned");

	fresh();
	if (ctl_can(c->pin, PIN_VIRT_NMI)) {
		vmw_or(F_PIN, PIN_VIRT_NMI);
		vmw_clear(F_PIN, PIN_NMI);
		expect_fail("entry-ctl-vnmi-without-nmi-exiting", 7,
			    "virtual NMIs without NMI exiting");
	} else {
		skip("entry-ctl-vnmi-without-nmi-exiting", "virtual NMIs");
	}

	fresh();
	if (ctl_can(c->proc, PROC_NMI_WINDOW)) {
		vmw_or(F_PROC, PROC_NMI_WINDOW);
		expect_fail("entry-ctl-nmi-window-without-vnmi", 7,
			    "NMI-window exiting without virtual NMIs");
	} else {
		skip("entry-ctl-nmi-window-without-vnmi", "NMI-window exiting");
	}

	fresh();
	if (env.has_ug) {
		vmw_or(F_PROC2, PROC2_UNRESTRICTED);
		vmw_clear(F_PROC2, PROC2_EPT);
		expect_fail("entry-ctl-ug-without-ept", 7,
			    "unrestricted guest without EPT");
	} else {
		skip("entry-ctl-ug-without-ept", "unrestricted guest");
	}

	fresh();
	if (env.has_vpid) {
		vmw(F_VPID, 0);
		expect_fail("entry-ctl-vpid-zero", 7,
			    "VPID 0 with enable VPID");
	} else {
		skip("entry-ctl-vpid-zero", "VPID");
	}

	fresh();
	if (env.has_ept) {
		/* SDM Vol. 3C 25.6.11: type UC or WB, walk length 4 (or 5). */
		vmw(F_EPTP, (env_eptp() & ~7ull) | 1);
		expect_fail("entry-ctl-eptp-memtype", 7, "EPTP memory type 1");
		fresh();
		vmw(F_EPTP, (env_eptp() & ~0x38ull) | 1 << 3);
		expect_fail("entry-ctl-eptp-walk-length", 7,
			    "EPTP walk length 2");
	} else {
		skip("entry-ctl-eptp-memtype", "EPT");
		skip("entry-ctl-eptp-walk-length", "EPT");
	}

	fresh();
	if (ctl_can(c->exit, EXIT_SAVE_PREEMPT)) {
		vmw_or(F_EXIT_CTLS, EXIT_SAVE_PREEMPT);
		expect_fail("entry-ctl-save-timer-without-timer", 7,
			    "save preemption timer without the timer");
	} else {
		skip("entry-ctl-save-timer-without-timer",
		     "save VMX-preemption timer");
	}

	/* SDM Vol. 3C 27.2.1.2/3: MSR-list addresses 16-byte aligned. */
	fresh();
	vmw(F_ENTRY_LOAD_CNT, 1);
	vmw(F_ENTRY_MSR_LOAD, env.msr_area + 8);
	expect_fail("entry-ctl-msr-load-unaligned", 7,
		    "VM-entry MSR-load address bits 3:0 not 0");
	fresh();
	vmw(F_EXIT_STORE_CNT, 1);
	vmw(F_EXIT_MSR_STORE, env.msr_area + 8);
	expect_fail("entry-ctl-msr-store-unaligned", 7,
		    "VM-exit MSR-store address bits 3:0 not 0");

	/* SDM Vol. 3C 27.2.1.3: event injection. */
	static const struct {
		const char *name, *what;
		uint32_t info, err, len;
	} inj[] = {
	    {"entry-ctl-inject-type1", "type 1 (reserved)",
	     INTR_VALID | 1u << 8 | 0x20, 0, 0},
	    {"entry-ctl-inject-nmi-vector", "NMI with vector 3",
	     INTR_VALID | INTR_NMI | 3, 0, 0},
	    {"entry-ctl-inject-exc-vector", "hardware exception 32",
	     INTR_VALID | INTR_HW_EXC | 32, 0, 0},
	    {"entry-ctl-inject-reserved", "bit 12 set",
	     INTR_VALID | 1u << 12 | INTR_HW_EXC | 6, 0, 0},
	    {"entry-ctl-inject-errcode-high", "#GP error code 0x10000",
	     INTR_VALID | INTR_HW_EXC | INTR_ERRCODE | 13, 0x10000, 0},
	    {"entry-ctl-inject-length16", "INT n with length 16",
	     INTR_VALID | INTR_SW_INT | 0x41, 0, 16},
	};
	for (unsigned i = 0; i < sizeof(inj) / sizeof(inj[0]); i++) {
		fresh();
		vmw(F_ENTRY_INTR, inj[i].info);
		vmw(F_ENTRY_ERRCODE, inj[i].err);
		vmw(F_ENTRY_INSN_LEN, inj[i].len);
		expect_fail(inj[i].name, 7, inj[i].what);
	}
	/* BASIC[56]: the CPU delivers hardware exceptions with or without. */
	if (c->basic & (1ull << 56)) {
		skip("entry-ctl-inject-errcode-extra",
		     "error-code consistency check");
		skip("entry-ctl-inject-errcode-missing",
		     "error-code consistency check");
	} else {
		fresh();
		vmw(F_ENTRY_INTR, INTR_VALID | INTR_HW_EXC | INTR_ERRCODE | 6);
		expect_fail("entry-ctl-inject-errcode-extra", 7,
			    "#UD with an error code");
		fresh();
		vmw(F_ENTRY_INTR, INTR_VALID | INTR_HW_EXC | 13);
		expect_fail("entry-ctl-inject-errcode-missing", 7,
			    "#GP without an error code");
	}
}

static void host_checks(void)
{
	fresh();
	vmw(F_HOST_CS_SEL, 0);
	expect_fail("entry-host-cs-zero", 8, "host CS selector 0");
	fresh();
	vmw(F_HOST_TR_SEL, 0);
	expect_fail("entry-host-tr-zero", 8, "host TR selector 0");
	fresh();
	vmw(F_HOST_DS_SEL, env.ds | 3);
	expect_fail("entry-host-selector-rpl", 8, "host DS with RPL 3");
	fresh();
	vmw(F_HOST_ES_SEL, env.ds | 4);
	expect_fail("entry-host-selector-ti", 8, "host ES with TI 1");
	fresh();
	vmw(F_HOST_CR0, read_cr0() & ~CR0_NE);
	expect_fail("entry-host-cr0-fixed", 8, "host CR0.NE 0");
	fresh();
	vmw(F_HOST_CR4, read_cr4() & ~CR4_VMXE);
	expect_fail("entry-host-cr4-vmxe", 8, "host CR4.VMXE 0");
	fresh();
	vmw(F_HOST_CR4, read_cr4() & ~CR4_PAE);
	expect_fail("entry-host-cr4-pae", 8, "64-bit host with CR4.PAE 0");
	fresh();
	vmw_clear(F_EXIT_CTLS, EXIT_HOST_64);
	expect_fail("entry-host-addr-space", 8,
		    "host address-space size 0 in IA-32e mode");
	fresh();
	vmw(F_HOST_FS_BASE, NONCANON);
	expect_fail("entry-host-fs-base", 8, "non-canonical host FS base");
	fresh();
	vmw(F_HOST_RIP, NONCANON | (uint64_t)nvmx_host_entry);
	expect_fail("entry-host-rip", 8, "non-canonical host RIP");
	fresh();
	if (vmr(F_EXIT_CTLS) & EXIT_LOAD_EFER) {
		vmw(F_HOST_EFER, rdmsr(MSR_EFER) & ~EFER_LMA);
		expect_fail("entry-host-efer-lma", 8,
			    "host EFER.LMA 0 with a 64-bit host");
	} else {
		skip("entry-host-efer-lma", "load IA32_EFER");
	}
}

static void guest_checks(void)
{
	uint64_t rf;

	fresh();
	vmw(F_GUEST_RFLAGS, 0);
	expect_exit("entry-guest-rflags-bit1", BAD_GUEST, 0,
		    "RFLAGS bit 1 clear");
	/* A failed entry leaves the VMCS clear (SDM Vol. 3C 27.8). */
	rf = nvmx_enter(&vm.r, 0);
	check("entry-guest-fail-not-launched", rf && vmx_outcome(rf) == 5,
	      "VMRESUME after it: %s (expected VMfailValid(5))",
	      rf ? vmx_str(vmx_outcome(rf)) : "entered");

	/*
	 * Guest state is checked before the MSR-load list is loaded (SDM Vol.
	 * 3C 27.3, 27.4): an entry that fails on its guest state loads none.
	 */
	uint64_t *l = (uint64_t *)env.msr_area;
	uint64_t kgs = rdmsr(MSR_KERNEL_GS_BASE);

	fresh();
	l[0] = MSR_KERNEL_GS_BASE;
	l[1] = kgs ^ 0x5678000ull;
	vmw(F_ENTRY_LOAD_CNT, 1);
	vmw(F_GUEST_RFLAGS, 0);
	expect_exit("entry-guest-fail-msr-list", BAD_GUEST, 0,
		    "RFLAGS bit 1 clear, one MSR in the entry list");
	check("entry-guest-fail-msr-not-loaded", rdmsr(MSR_KERNEL_GS_BASE) == kgs,
	      "KERNEL_GS_BASE %s", rdmsr(MSR_KERNEL_GS_BASE) == kgs ? "unchanged" : "was loaded");
	wrmsr(MSR_KERNEL_GS_BASE, kgs);

	fresh();
	vmw(F_GUEST_CR0, read_cr0() & ~CR0_NE);
	expect_exit("entry-guest-cr0-fixed", BAD_GUEST, 0, "guest CR0.NE 0");
	fresh();
	vmw(F_GUEST_CR4, read_cr4() & ~CR4_VMXE);
	expect_exit("entry-guest-cr4-vmxe", BAD_GUEST, 0, "guest CR4.VMXE 0");
	fresh();
	vmw(F_GUEST_CS_AR, 0xe09b); /* L and D/B both set */
	expect_exit("entry-guest-cs-l-and-d", BAD_GUEST, 0,
		    "64-bit CS with D/B 1");
	fresh();
	vmw(F_GUEST_TR_AR, 0x10000);
	expect_exit("entry-guest-tr-unusable", BAD_GUEST, 0, "TR unusable");
	fresh();
	vmw(F_GUEST_ACTIVITY, 4);
	expect_exit("entry-guest-activity", BAD_GUEST, 0, "activity state 4");
	fresh();
	vmw(F_GUEST_INTR_STATE, 1);
	expect_exit("entry-guest-sti-blocking-if0", BAD_GUEST, 0,
		    "blocking by STI with RFLAGS.IF 0");
	fresh();
	vmw(F_ENTRY_INTR, INTR_VALID | INTR_EXT | 0x40);
	expect_exit("entry-guest-inject-extint-if0", BAD_GUEST, 0,
		    "external interrupt injected with RFLAGS.IF 0");
	fresh();
	if (vmr(F_ENTRY_CTLS) & ENTRY_LOAD_EFER) {
		vmw(F_GUEST_EFER, rdmsr(MSR_EFER) & ~EFER_LMA);
		expect_exit("entry-guest-efer-lma", BAD_GUEST, 0,
			    "guest EFER.LMA 0 with IA-32e mode guest");
	} else {
		skip("entry-guest-efer-lma", "load IA32_EFER");
	}

	/* VMCS link pointer problems have their own qualification, 4. */
	fresh();
	vmw(F_LINK_PTR, env.vmcs2 + 8);
	expect_exit("entry-guest-link-unaligned", BAD_GUEST, 4,
		    "link pointer not 4-KiB aligned");
	fresh();
	*(volatile uint32_t *)env.vmcs2 = (env.cap.revision + 1) & 0x7fffffff;
	vmw(F_LINK_PTR, env.vmcs2);
	expect_exit("entry-guest-link-revision", BAD_GUEST, 4,
		    "link pointer to a wrong revision");
	*(volatile uint32_t *)env.vmcs2 = env.cap.revision;
}

/*
 * One VM-entry MSR-load list, built in env.msr_area. Entries before the
 * failing one are loaded (SDM Vol. 3C 27.4): KERNEL_GS_BASE comes back.
 */
static void msr_load_case(const char *name, uint64_t idx_qword, uint64_t val,
			  const char *what)
{
	uint64_t *l = (uint64_t *)env.msr_area;
	uint64_t kgs = rdmsr(MSR_KERNEL_GS_BASE);

	fresh();
	l[0] = MSR_KERNEL_GS_BASE;
	l[1] = 0x1234000ull;
	l[2] = idx_qword;
	l[3] = val;
	vmw(F_ENTRY_LOAD_CNT, 2);
	expect_exit(name, BAD_MSR, 2, what);
	wrmsr(MSR_KERNEL_GS_BASE, kgs);
}

static void msr_load_checks(void)
{
	/* SDM Vol. 3C 27.4: FS/GS base, x2APIC MSRs and bits 63:32 set. */
	msr_load_case("entry-msr-load-fs-base", MSR_FS_BASE, 0,
		      "entry 2 is IA32_FS_BASE");
	msr_load_case("entry-msr-load-x2apic", 0x808, 0,
		      "entry 2 is x2APIC TPR (0x808)");
	msr_load_case("entry-msr-load-reserved",
		      1ull << 32 | MSR_KERNEL_GS_BASE, 0,
		      "entry 2 has reserved bits 63:32 set");
	/* What WRMSR would refuse is refused (27.4): #GP conditions. */
	msr_load_case("entry-msr-load-noncanonical", MSR_KERNEL_GS_BASE,
		      NONCANON,
		      "entry 2 writes a non-canonical KERNEL_GS_BASE");
	msr_load_case("entry-msr-load-unknown", 0x1fff, 0,
		      "entry 2 is MSR 0x1fff, which does not exist");
}

void check_entry_failures(void)
{
	launch_checks();
	control_checks();
	host_checks();
	guest_checks();
	msr_load_checks();
	vmclear(env.vmcs);
}
