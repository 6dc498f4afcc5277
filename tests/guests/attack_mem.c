/* SPDX-License-Identifier: Apache-2.0 */
/*
 * attack_mem: an L1 that names physical addresses where no memory is (above
 * RAM and above L0's 4 GiB identity map, the xAPIC page) for everything a
 * VMX instruction reads or writes: VMXON/VMCS regions, memory operands and
 * the paging structures that map them, MSR and I/O bitmaps, the VM-entry
 * MSR-load list, EPT12, the VMCS link pointer, the VMREAD bitmap. A CPU
 * reads all ones there and drops writes (docs/security.md, "gmem is
 * total"); each check shows that outcome, the same on bare Bochs and under
 * Matryoshka (tests/system/t-attack-mem.sh compares them), and the payload
 * ends with L0 alive on every CPU.
 *
 * Not here: VM-exit MSR lists in no memory (a VMX abort, which ends a bare
 * Bochs run; docs/bochs-deviations.md).
 */
#include <efi.h>
#include <efilib.h>

#include "lib/string.h"
#include "tests/guests/nvmx.h"

#define NOMEM	   0x100000000ull /* above 512 MiB of RAM and the 4 GiB map */
#define XAPIC	   0xfee00000ull
#define SHADOW_BIT (1u << 31)
#define CR4_VMXE   (1ull << 13)
/* A PML4 slot the firmware does not use: linear 0xffff_a000_0000_0000 */
#define PML4_SLOT 320ull
#define LA_HOLE	  (0xffff000000000000ull | PML4_SLOT << 39)
#define PFEC_P	  0x1u
#define PFEC_W	  0x2u
#define PFEC_RSVD 0x8u

static struct vm vm;

static inline void load_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static void region(uint64_t pa, uint32_t rev)
{
	memset((void *)pa, 0, PAGE);
	*(volatile uint32_t *)pa = rev;
}

static bool vmcall_done(void)
{
	return vm.x.entry == VM_OK && vm.x.reason == EXIT_VMCALL;
}

/* One 8-byte load from a linear address; the vector if it faulted. */
static int try_load(uint64_t la, uint64_t *v)
{
	uint64_t val = 0;

	trap_arm();
	__asm__ volatile(GUARD("movq (%[p]), %[v]")
			 : GUARD_OUT, [v] "+r"(val)
			 : [p] "r"(la)
			 : "memory");
	trap_disarm();
	*v = val;
	return trap_take(NULL);
}

/* VMPTRST / VMREAD to memory at la: the outcome, or the vector it raised. */
static int try_vmptrst(uint64_t la, int *outcome)
{
	uint64_t rf = 0;

	trap_arm();
	__asm__ volatile(GUARD("vmptrst (%[p])") "pushfq\n\tpop %[rf]"
			 : GUARD_OUT, [rf] "+r"(rf)
			 : [p] "r"(la)
			 : "cc", "memory");
	trap_disarm();
	*outcome = vmx_outcome(rf);
	return trap_take(NULL);
}

static int try_vmread_mem(uint64_t field, uint64_t la, int *outcome)
{
	uint64_t rf = 0;

	trap_arm();
	__asm__ volatile(GUARD("vmread %[f], (%[p])") "pushfq\n\tpop %[rf]"
			 : GUARD_OUT, [rf] "+r"(rf)
			 : [p] "r"(la), [f] "r"(field)
			 : "cc", "memory");
	trap_disarm();
	*outcome = vmx_outcome(rf);
	return trap_take(NULL);
}

static int try_vmwrite_mem(uint64_t field, uint64_t la, int *outcome)
{
	uint64_t rf = 0;

	trap_arm();
	__asm__ volatile(GUARD("vmwrite (%[p]), %[f]") "pushfq\n\tpop %[rf]"
			 : GUARD_OUT, [rf] "+r"(rf)
			 : [p] "r"(la), [f] "r"(field)
			 : "cc", "memory");
	trap_disarm();
	*outcome = vmx_outcome(rf);
	return trap_take(NULL);
}

static const char *fault_str(int vec)
{
	return vec == NO_FAULT ? "no fault" : vector_name(vec);
}

/* (a) VMXON of a region in no memory, after L1 touched it once. */
static bool vmxon_no_memory(void)
{
	uint64_t v = 0;
	int f = try_load(NOMEM, &v);

	check("read-no-memory", f == NO_FAULT && v == ~0ull,
	      "L1 reads 0x100000000: %s, 0x%lx", fault_str(f), v);
	int o = vmxon(NOMEM);

	check("vmxon-no-memory", o == VM_INVALID, "VMXON [0x100000000]: %s",
	      vmx_str(o));
	if (o == VM_OK)
		vmxoff();
	region(env.vmxon, env.cap.revision);
	o = vmxon(env.vmxon);
	return check("vmxon", o == VM_OK, "VMXON of a RAM region: %s",
		     vmx_str(o));
}

/* (b) VMPTRLD and VMCLEAR of regions in no memory and at the xAPIC page. */
static void vmcs_regions(void)
{
	char sig[13];
	uint64_t cur = 0;
	int o;

	region(env.vmcs, env.cap.revision);
	vmclear(env.vmcs);
	o = vmptrld(env.vmcs);
	check("vmptrld", o == VM_OK, "VMPTRLD of a RAM region: %s", vmx_str(o));
	/* SDM Vol. 3C 31.3 VMPTRLD: the revision read there is not ours */
	o = vmptrld(NOMEM);
	check("vmptrld-no-memory", o == 11, "VMPTRLD [0x100000000]: %s",
	      vmx_str(o));
	o = vmptrld(XAPIC);
	check("vmptrld-xapic", o == 11, "VMPTRLD [0xfee00000]: %s", vmx_str(o));
	o = vmclear(NOMEM);
	check("vmclear-no-memory", o == VM_OK, "VMCLEAR [0x100000000]: %s",
	      vmx_str(o));
	/*
	 * VMCLEAR writes the launch state into the region: at the xAPIC page
	 * bare Bochs 2.7 panics ("APIC write at unaligned address"), so only
	 * a hypervisor is asked (docs/bochs-deviations.md).
	 */
	if (hv_signature(sig, NULL)) {
		o = vmclear(XAPIC);
		check("vmclear-xapic", o == VM_OK, "VMCLEAR [0xfee00000]: %s",
		      vmx_str(o));
	} else {
		guest_printf("attack-mem: SKIP vmclear-xapic bare Bochs "
			     "panics on it\n");
	}
	vmptrst(&cur);
	check("vmptrld-no-memory-current", cur == env.vmcs,
	      "the current VMCS is %s",
	      cur == env.vmcs ? "still the RAM one" : "another one");
}

/*
 * (d) Memory operands. At linear NOMEM (identity-mapped by the firmware):
 * the store is dropped, the load reads ones, no fault. At LA_HOLE, whose
 * PDPT L1 puts in no memory: the walk reads an all-ones PDPTE, reserved
 * bits set, so #PF with P, W and RSVD (SDM Vol. 3A 4.7).
 */
static void operands(void)
{
	static uint64_t pml4[512] __attribute__((aligned(4096)));
	uint64_t cr3 = read_cr3(), tsc = 0, after = 0;
	int o = 0, f;

	f = try_vmptrst(NOMEM, &o);
	try_load(NOMEM, &after);
	check("vmptrst-to-no-memory",
	      f == NO_FAULT && o == VM_OK && after == ~0ull,
	      "VMPTRST [la 0x100000000]: %s, %s; reads back 0x%lx",
	      fault_str(f), vmx_str(o), after);
	f = try_vmread_mem(F_GUEST_RIP, NOMEM, &o);
	try_load(NOMEM, &after);
	check("vmread-to-no-memory",
	      f == NO_FAULT && o == VM_OK && after == ~0ull,
	      "VMREAD to [la 0x100000000]: %s, %s; reads back 0x%lx",
	      fault_str(f), vmx_str(o), after);
	f = try_vmwrite_mem(F_TSC_OFFSET, NOMEM, &o);
	vmread(F_TSC_OFFSET, &tsc);
	check("vmwrite-from-no-memory",
	      f == NO_FAULT && o == VM_OK && tsc == ~0ull,
	      "VMWRITE TSC offset from [la 0x100000000]: %s, %s; reads 0x%lx",
	      fault_str(f), vmx_str(o), tsc);

	memcpy(pml4, (void *)(cr3 & ~0xfffull), PAGE);
	pml4[PML4_SLOT] = NOMEM | 3; /* present, writable: PDPT in no memory */
	load_cr3((uint64_t)pml4);
	f = try_vmptrst(LA_HOLE, &o);
	uint64_t cr2 = read_cr2();

	load_cr3(cr3);
	check("vmptrst-pdpt-no-memory",
	      f == VEC_PF && trap_error == (PFEC_P | PFEC_W | PFEC_RSVD) &&
		  cr2 == LA_HOLE,
	      "VMPTRST with its PDPT at 0x100000000: %s, error code 0x%lx, "
	      "CR2 %s",
	      fault_str(f), trap_error,
	      cr2 == LA_HOLE ? "the operand" : "other");
}

/* (c) MSR and I/O bitmaps in no memory: every access exits. */
static void bitmaps(void)
{
	/* the control: a clear bitmap in RAM lets RDMSR SYSENTER_CS through */
	vm_init(&vm, L2_LONG, l2_rdmsr);
	vmw(F_GUEST_SYSENTER_CS, 0x1234);
	vm.r.rcx = MSR_SYSENTER_CS;
	vm_run(&vm);
	check("msr-bitmap-ram-clear", vmcall_done() && vm.r.rax == 0x1234,
	      "RDMSR 0x174, bitmap clear: %s, EAX 0x%lx", vm_exit_str(&vm),
	      vm.r.rax);

	vm_init(&vm, L2_LONG, l2_rdmsr);
	vmw(F_MSR_BITMAP, NOMEM);
	vm.r.rcx = MSR_SYSENTER_CS;
	vm_run(&vm);
	check("msr-bitmap-no-memory",
	      vm.x.entry == VM_OK && vm.x.reason == EXIT_RDMSR,
	      "RDMSR 0x174, bitmap at 0x100000000: %s", vm_exit_str(&vm));

	vm_init(&vm, L2_LONG, l2_out80);
	vmw_or(F_PROC, PROC_IO_BITMAPS);
	vm_run(&vm);
	check("io-bitmap-ram-clear", vmcall_done() && vm.r.rax == 0x600d,
	      "OUT 0x80, bitmaps clear: %s", vm_exit_str(&vm));

	vm_init(&vm, L2_LONG, l2_out80);
	vmw_or(F_PROC, PROC_IO_BITMAPS);
	vmw(F_IO_BITMAP_A, NOMEM);
	vm_run(&vm);
	check("io-bitmap-no-memory",
	      vm.x.entry == VM_OK && vm.x.reason == EXIT_IO &&
		  vm.x.qual == 0x00800040,
	      "OUT 0x80, bitmap A at 0x100000000: %s, qualification 0x%lx",
	      vm_exit_str(&vm), vm.x.qual);
}

/*
 * L0's own region (Matryoshka only: bare Bochs has RAM there). L1 sees its
 * scratch page there and may write it; for L0's accesses on L1's behalf
 * the region is no memory (docs/nested.md, "gmem is total"): a VMCS region
 * there reads as all ones whatever L1 wrote, a VMCLEAR there writes
 * nothing, an MSR bitmap there makes every MSR access exit.
 */
static void l0_region(void)
{
	uint64_t base = 0, size = 0, canary = 0, was = 0, now = 0;
	int o;

	if (hypercall(HC_L0_INFO, &base, &size, &canary) != HC_OK || !base) {
		check("l0-region-info", false, "HC_L0_INFO did not answer");
		return;
	}
	/* L1 writes the scratch page: a valid revision, a marker at +8 */
	*(volatile uint32_t *)base = env.cap.revision;
	*(volatile uint32_t *)(base + 8) = 0x55aa55aau;
	was = *(volatile uint32_t *)base;
	o = vmptrld(base);
	check("l0-region-vmptrld", was == env.cap.revision && o == 11,
	      "L1 reads its revision %s there; VMPTRLD: %s",
	      was == env.cap.revision ? "back" : "not back", vmx_str(o));
	o = vmclear(base);
	now = *(volatile uint32_t *)(base + 8);
	check("l0-region-vmclear", o == VM_OK && now == 0x55aa55aau,
	      "VMCLEAR: %s, L1's bytes there %s", vmx_str(o),
	      now == 0x55aa55aau ? "unchanged" : "changed");
	memset((void *)base, 0, PAGE); /* a clear bitmap, as L1 sees it */
	vm_init(&vm, L2_LONG, l2_rdmsr);
	vmw(F_MSR_BITMAP, base);
	vm.r.rcx = MSR_SYSENTER_CS;
	vm_run(&vm);
	check("l0-region-msr-bitmap",
	      vm.x.entry == VM_OK && vm.x.reason == EXIT_RDMSR,
	      "RDMSR 0x174, a clear bitmap in L0's region: %s",
	      vm_exit_str(&vm));
	memset((void *)base, 0xff, PAGE);
}

/* (e) and the other structures VM entry reads. */
static void entry_structures(void)
{
	/* SDM 27.4: an all-ones entry has reserved bits set: exit 34, entry 1
	 */
	vm_init(&vm, L2_LONG, l2_vmcall);
	vmw(F_ENTRY_MSR_LOAD, NOMEM);
	vmw(F_ENTRY_LOAD_CNT, 1);
	vm_run(&vm);
	check("entry-msr-load-no-memory",
	      vm.x.entry == VM_OK &&
		  vm.x.reason == (EXIT_ENTRY_FAIL | EXIT_BAD_MSR_LOAD) &&
		  vm.x.qual == 1,
	      "MSR-load list at 0x100000000: %s, qualification %lu",
	      vm_exit_str(&vm), vm.x.qual);

	/* SDM 27.3.1.5: the link pointer's revision reads 0xffffffff */
	vm_init(&vm, L2_LONG, l2_vmcall);
	vmw(F_LINK_PTR, NOMEM);
	vm_run(&vm);
	check("entry-link-no-memory",
	      vm.x.entry == VM_OK &&
		  vm.x.reason == (EXIT_ENTRY_FAIL | EXIT_BAD_GUEST) &&
		  vm.x.qual == 4,
	      "link pointer 0x100000000: %s, qualification %lu",
	      vm_exit_str(&vm), vm.x.qual);

	if (env.has_ept) {
		/* SDM 29.3.3.1: an all-ones PML4E has reserved bits 7:3 */
		vm_init(&vm, L2_LONG, l2_vmcall);
		vmw(F_EPTP, NOMEM | 0x1e);
		vm_run(&vm);
		check("ept12-no-memory",
		      vm.x.entry == VM_OK && vm.x.reason == EXIT_EPT_MISCONF,
		      "EPT PML4 at 0x100000000: %s", vm_exit_str(&vm));
	} else {
		guest_printf("attack-mem: SKIP ept12-no-memory no EPT\n");
	}

	if (env.has_shadow) {
		/* SDM 26.1.3: a VMREAD bitmap of ones makes every VMREAD exit
		 */
		memset((void *)env.shadow, 0, PAGE);
		*(volatile uint32_t *)env.shadow =
		    env.cap.revision | SHADOW_BIT;
		vmclear(env.shadow);
		vm_init(&vm, L2_LONG, l2_vmread);
		vmw_or(F_PROC2, PROC2_SHADOW_VMCS);
		vmw(F_LINK_PTR, env.shadow);
		vmw(F_VMREAD_BITMAP, NOMEM);
		vm.r.rcx = F_GUEST_RIP;
		vm_run(&vm);
		check("vmread-bitmap-no-memory",
		      vm.x.entry == VM_OK && vm.x.reason == EXIT_VMREAD,
		      "L2 VMREAD 0x681e, bitmap at 0x100000000: %s",
		      vm_exit_str(&vm));
	} else {
		guest_printf("attack-mem: SKIP vmread-bitmap-no-memory no "
			     "VMCS shadowing\n");
	}
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	char sig[13];

	InitializeLib(image, systab);
	BS->SetWatchdogTimer(0, 0, 0, NULL);
	guest_init("attack-mem");
	guest_printf("attack-mem: start\n");

	if (env_init() && vmxon_no_memory()) {
		vmcs_regions();
		operands();
		bitmaps();
		entry_structures();
		if (hv_signature(sig, NULL))
			l0_region();
		else
			guest_printf("attack-mem: SKIP l0-region-* no "
				     "hypervisor\n");
		vmclear(env.vmcs);
		check("vmxoff", vmxoff() == VM_OK, "VMXOFF");
		write_cr4(read_cr4() & ~CR4_VMXE);
	}
	/* env_init left interrupts off; MP services need them */
	__asm__ volatile("sti" ::: "memory");
	l0_alive_everywhere();
	guest_finish();
}
