/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one VMCS (vmcs12, as L0 would call it) every L2 test runs with: a
 * complete, valid setup written from scratch before each test, so that no
 * test depends on what an earlier one left behind, and the runner that
 * enters L2 and collects the exit information.
 */
#include "tests/guests/nvmx.h"

#include "lib/fmt.h"
#include "lib/string.h"

#define CR0_PE (1ull << 0)
#define CR0_ET (1ull << 4)
#define CR0_NE (1ull << 5)
#define CR0_PG (1ull << 31)

/* Access rights (SDM Vol. 3C 25.4.1, Table 25-2). */
#define AR_CODE64   0xa09bu /* G, L, P, S, execute/read accessed */
#define AR_CODE32   0xc09bu /* G, D/B, P, S, execute/read accessed */
#define AR_DATA	    0xc093u /* G, D/B, P, S, read/write accessed */
#define AR_CODE16   0x009bu
#define AR_DATA16   0x0093u
#define AR_TSS_BUSY 0x008bu /* P, busy 32/64-bit TSS */
#define AR_UNUSABLE 0x10000u

static void seg(unsigned s, uint16_t sel, uint64_t base, uint32_t limit,
		uint32_t ar)
{
	vmw(F_GUEST_ES_SEL + 2 * s, sel);
	vmw(F_GUEST_ES_BASE + 2 * s, base);
	vmw(F_GUEST_ES_LIMIT + 2 * s, limit);
	vmw(F_GUEST_ES_AR + 2 * s, ar);
}

/* Host state = L1 as it runs now (SDM Vol. 3C 25.5, 27.2.3). */
static void host_state(void)
{
	vmw(F_HOST_CR0, read_cr0());
	vmw(F_HOST_CR3, read_cr3());
	vmw(F_HOST_CR4, read_cr4());
	vmw(F_HOST_ES_SEL, env.ds);
	vmw(F_HOST_CS_SEL, env.cs);
	vmw(F_HOST_SS_SEL, env.ss);
	vmw(F_HOST_DS_SEL, env.ds);
	vmw(F_HOST_FS_SEL, env.ds);
	vmw(F_HOST_GS_SEL, env.ds);
	vmw(F_HOST_TR_SEL, env.tr_sel);
	vmw(F_HOST_FS_BASE, rdmsr(MSR_FS_BASE));
	vmw(F_HOST_GS_BASE, rdmsr(MSR_GS_BASE));
	vmw(F_HOST_TR_BASE, env.tss);
	vmw(F_HOST_GDTR_BASE, env.gdt);
	vmw(F_HOST_IDTR_BASE, env.host_idt);
	vmw(F_HOST_SYSENTER_CS, rdmsr(MSR_SYSENTER_CS));
	vmw(F_HOST_SYSENTER_ESP, rdmsr(MSR_SYSENTER_ESP));
	vmw(F_HOST_SYSENTER_EIP, rdmsr(MSR_SYSENTER_EIP));
	if (ctl_can(env.cap.exit, EXIT_LOAD_EFER))
		vmw(F_HOST_EFER, rdmsr(MSR_EFER));
	vmw(F_HOST_RIP, (uint64_t)nvmx_host_entry);
	/* HOST_RSP: nvmx_enter writes it at each entry. */
}

static void controls(enum l2_mode mode)
{
	const struct vmx_caps *c = &env.cap;
	uint32_t proc2 = 0, exit = EXIT_HOST_64, entry = 0;

	if (env.has_ept)
		proc2 |= PROC2_EPT;
	if (env.has_vpid)
		proc2 |= PROC2_VPID;
	if (mode != L2_LONG)
		proc2 |= PROC2_UNRESTRICTED;
	else
		entry |= ENTRY_IA32E;
	if (ctl_can(c->exit, EXIT_LOAD_EFER | EXIT_SAVE_EFER) &&
	    ctl_can(c->entry, ENTRY_LOAD_EFER)) {
		exit |= EXIT_LOAD_EFER | EXIT_SAVE_EFER;
		entry |= ENTRY_LOAD_EFER;
	}
	vmw(F_PIN, ctl_fix(c->pin, 0));
	vmw(F_PROC,
	    ctl_fix(c->proc, PROC_MSR_BITMAPS | (proc2 ? PROC_SECONDARY : 0)));
	if (ctl_can(c->proc, PROC_SECONDARY))
		vmw(F_PROC2, ctl_fix(c->proc2, proc2));
	vmw(F_EXIT_CTLS, ctl_fix(c->exit, exit));
	vmw(F_ENTRY_CTLS, ctl_fix(c->entry, entry));
	vmw(F_EXC_BITMAP, 0);
	vmw(F_PFEC_MASK, 0);
	vmw(F_PFEC_MATCH, 0);
	vmw(F_CR3_TARGET_CNT, 0);
	vmw(F_CR0_MASK, 0);
	vmw(F_CR4_MASK, 0);
	vmw(F_CR0_SHADOW, 0);
	vmw(F_CR4_SHADOW, 0);
	vmw(F_EXIT_STORE_CNT, 0);
	vmw(F_EXIT_LOAD_CNT, 0);
	vmw(F_ENTRY_LOAD_CNT, 0);
	vmw(F_EXIT_MSR_STORE, env.msr_area);
	vmw(F_EXIT_MSR_LOAD, env.msr_area);
	vmw(F_ENTRY_MSR_LOAD, env.msr_area);
	vmw(F_ENTRY_INTR, 0);
	vmw(F_ENTRY_ERRCODE, 0);
	vmw(F_ENTRY_INSN_LEN, 0);
	vmw(F_TSC_OFFSET, 0);
	memset((void *)env.msr_bitmap, 0, PAGE);
	memset((void *)env.io_a, 0, PAGE);
	memset((void *)env.io_b, 0, PAGE);
	vmw(F_MSR_BITMAP, env.msr_bitmap);
	vmw(F_IO_BITMAP_A, env.io_a);
	vmw(F_IO_BITMAP_B, env.io_b);
	if (env.has_ept)
		vmw(F_EPTP, env_eptp());
	if (env.has_vpid)
		vmw(F_VPID, 1);
	if (env.has_shadow) {
		vmw(F_VMREAD_BITMAP, env.vmread_bm);
		vmw(F_VMWRITE_BITMAP, env.vmwrite_bm);
	}
}

static void guest_long(const void *rip)
{
	vmw(F_GUEST_CR0, read_cr0());
	vmw(F_GUEST_CR3, env.l2_cr3);
	vmw(F_GUEST_CR4, read_cr4());
	seg(SEG_ES, env.ds, 0, 0xffffffff, AR_DATA);
	seg(SEG_CS, env.cs, 0, 0xffffffff, AR_CODE64);
	seg(SEG_SS, env.ds, 0, 0xffffffff, AR_DATA);
	seg(SEG_DS, env.ds, 0, 0xffffffff, AR_DATA);
	seg(SEG_FS, env.ds, 0, 0xffffffff, AR_DATA);
	seg(SEG_GS, env.ds, 0, 0xffffffff, AR_DATA);
	seg(SEG_LDTR, 0, 0, 0, AR_UNUSABLE);
	seg(SEG_TR, env.tr_sel, env.tss, 0x67, AR_TSS_BUSY);
	vmw(F_GUEST_GDTR_BASE, env.gdt);
	vmw(F_GUEST_GDTR_LIM, env.gdt_limit);
	vmw(F_GUEST_IDTR_BASE, env.l2_idt);
	vmw(F_GUEST_IDTR_LIM, 0xfff);
	vmw(F_GUEST_RSP, env.l2_stack_top);
	vmw(F_GUEST_RIP, (uint64_t)rip);
	if (ctl_can(env.cap.entry, ENTRY_LOAD_EFER))
		vmw(F_GUEST_EFER, rdmsr(MSR_EFER));
}

/* CR0 for an L2 without paging: what VMX requires besides PE and PG. */
static uint64_t cr0_nopaging(bool pe)
{
	uint64_t cr0 =
	    (env.cap.cr0_fixed0 | CR0_ET | CR0_NE) & ~(CR0_PE | CR0_PG);

	return (cr0 | (pe ? CR0_PE : 0)) & env.cap.cr0_fixed1;
}

/* 32-bit protected mode, no paging: a flat 4-GiB code and data segment. */
static void guest_prot32(const void *rip)
{
	vmw(F_GUEST_CR0, cr0_nopaging(true));
	vmw(F_GUEST_CR3, 0);
	vmw(F_GUEST_CR4, env.cap.cr4_fixed0 & env.cap.cr4_fixed1);
	seg(SEG_ES, 0x10, 0, 0xffffffff, AR_DATA);
	seg(SEG_CS, 0x08, 0, 0xffffffff, AR_CODE32);
	seg(SEG_SS, 0x10, 0, 0xffffffff, AR_DATA);
	seg(SEG_DS, 0x10, 0, 0xffffffff, AR_DATA);
	seg(SEG_FS, 0x10, 0, 0xffffffff, AR_DATA);
	seg(SEG_GS, 0x10, 0, 0xffffffff, AR_DATA);
	seg(SEG_LDTR, 0, 0, 0, AR_UNUSABLE);
	seg(SEG_TR, 0x18, 0, 0x67, AR_TSS_BUSY);
	vmw(F_GUEST_GDTR_BASE, 0);
	vmw(F_GUEST_GDTR_LIM, 0);
	vmw(F_GUEST_IDTR_BASE, 0);
	vmw(F_GUEST_IDTR_LIM, 0);
	vmw(F_GUEST_RSP, env.l2_stack_top);
	vmw(F_GUEST_RIP, (uint64_t)rip);
	if (ctl_can(env.cap.entry, ENTRY_LOAD_EFER))
		vmw(F_GUEST_EFER, 0);
}

/*
 * Real mode with unrestricted guest: every segment based at the L2's own
 * page, so its code is position-independent (SDM Vol. 3C 27.3.1.2 has no
 * base = selector * 16 rule outside virtual-8086 mode).
 */
static void guest_real(void)
{
	uint64_t b = env.rm_code;

	vmw(F_GUEST_CR0, cr0_nopaging(false));
	vmw(F_GUEST_CR3, 0);
	vmw(F_GUEST_CR4, env.cap.cr4_fixed0 & env.cap.cr4_fixed1);
	seg(SEG_ES, 0, b, 0xffff, AR_DATA16);
	seg(SEG_CS, 0, b, 0xffff, AR_CODE16);
	seg(SEG_SS, 0, b, 0xffff, AR_DATA16);
	seg(SEG_DS, 0, b, 0xffff, AR_DATA16);
	seg(SEG_FS, 0, b, 0xffff, AR_DATA16);
	seg(SEG_GS, 0, b, 0xffff, AR_DATA16);
	seg(SEG_LDTR, 0, 0, 0, AR_UNUSABLE);
	seg(SEG_TR, 0, 0, 0xffff, AR_TSS_BUSY);
	vmw(F_GUEST_GDTR_BASE, 0);
	vmw(F_GUEST_GDTR_LIM, 0);
	vmw(F_GUEST_IDTR_BASE, 0);
	vmw(F_GUEST_IDTR_LIM, 0x3ff);
	vmw(F_GUEST_RSP, 0xff0);
	vmw(F_GUEST_RIP, 0);
	if (ctl_can(env.cap.entry, ENTRY_LOAD_EFER))
		vmw(F_GUEST_EFER, 0);
}

void vm_init(struct vm *vm, enum l2_mode mode, const void *rip)
{
	vmclear(env.vmcs);
	vmptrld(env.vmcs);
	controls(mode);
	host_state();
	if (mode == L2_LONG)
		guest_long(rip);
	else if (mode == L2_PROT32)
		guest_prot32(rip);
	else
		guest_real();
	vmw(F_GUEST_DR7, 0x400);
	vmw(F_GUEST_RFLAGS, 0x2);
	vmw(F_GUEST_DEBUGCTL, 0);
	vmw(F_GUEST_SYSENTER_CS, 0);
	vmw(F_GUEST_SYSENTER_ESP, 0);
	vmw(F_GUEST_SYSENTER_EIP, 0);
	vmw(F_GUEST_INTR_STATE, 0);
	vmw(F_GUEST_ACTIVITY, 0);
	vmw(F_GUEST_PENDING_DBG, 0);
	if (ctl_can(env.cap.pin, PIN_PREEMPT))
		vmw(F_GUEST_PREEMPT, 0);
	vmw(F_LINK_PTR, ~0ull);
	memset(vm, 0, sizeof(*vm));
	vm->entry_rip = mode == L2_REAL ? 0 : (uint64_t)rip;
}

int vm_run(struct vm *vm)
{
	struct exit_info *x = &vm->x;
	uint64_t rf = nvmx_enter(&vm->r, !vm->launched);

	memset(x, 0, sizeof(*x));
	if (rf) {
		x->entry = vmx_outcome(rf);
		return x->entry;
	}
	x->entry = VM_OK;
	x->reason = (uint32_t)vmr(F_EXIT_REASON);
	x->qual = vmr(F_EXIT_QUAL);
	x->intr = (uint32_t)vmr(F_EXIT_INTR);
	x->intr_err = (uint32_t)vmr(F_EXIT_INTR_ERR);
	x->idt = (uint32_t)vmr(F_IDT_VEC);
	x->idt_err = (uint32_t)vmr(F_IDT_VEC_ERR);
	x->len = (uint32_t)vmr(F_EXIT_INSN_LEN);
	x->insn_info = (uint32_t)vmr(F_EXIT_INSN_INFO);
	x->rip = vmr(F_GUEST_RIP);
	x->rflags = vmr(F_GUEST_RFLAGS);
	x->gla = vmr(F_GUEST_LINEAR);
	if (env.has_ept)
		x->gpa = vmr(F_GUEST_PHYS);
	/* A failed entry (SDM Vol. 3C 27.8) leaves the launch state clear. */
	if (!(x->reason & EXIT_ENTRY_FAIL))
		vm->launched = true;
	return VM_OK;
}

int vm_skip_run(struct vm *vm)
{
	vmw(F_GUEST_RIP, vmr(F_GUEST_RIP) + vmr(F_EXIT_INSN_LEN));
	return vm_run(vm);
}

long vm_rip_off(const struct vm *vm)
{
	return (long)(vm->x.rip - vm->entry_rip);
}

const char *vm_exit_str(const struct vm *vm)
{
	static char buf[48];

	if (vm->x.entry != VM_OK)
		fmt_snprintf(buf, sizeof(buf), "entry %s",
			     vmx_str(vm->x.entry));
	else if (vm->x.reason & EXIT_ENTRY_FAIL)
		fmt_snprintf(buf, sizeof(buf), "entry failed, exit reason 0x%x",
			     vm->x.reason);
	else
		fmt_snprintf(buf, sizeof(buf), "exit %u", vm->x.reason);
	return buf;
}
