/* SPDX-License-Identifier: Apache-2.0 */
/*
 * nvmx: a small L1 hypervisor that checks the VMX architecture the CPU (bare
 * Bochs) or L0 (Matryoshka's nested VMX) gives it. What its pieces share:
 * VMCS field encodings and control bits (SDM Vol. 3D Appendix B, Vol. 3C
 * 25.6-25.8), the VMX instruction wrappers, the environment (memory, capability
 * MSRs), and the L2 runner.
 *
 * Every check line's detail must read the same on bare Bochs and under L0:
 * it shows outcomes, error numbers, exit reasons, qualifications and values
 * the test chose, never addresses from the allocator or raw capability MSRs.
 */
#ifndef TESTS_GUESTS_NVMX_H
#define TESTS_GUESTS_NVMX_H

#include <stdbool.h>
#include <stdint.h>

#include "tests/guests/guestlib.h"

/* ---- VMCS field encodings (SDM Vol. 3D Appendix B) ---- */

/* 16-bit */
#define F_VPID	       0x0000u
#define F_GUEST_ES_SEL 0x0800u /* ES CS SS DS FS GS LDTR TR: +2 each */
#define F_GUEST_CS_SEL 0x0802u
#define F_GUEST_TR_SEL 0x080eu
#define F_HOST_ES_SEL  0x0c00u /* ES CS SS DS FS GS TR: +2 each */
#define F_HOST_CS_SEL  0x0c02u
#define F_HOST_SS_SEL  0x0c04u
#define F_HOST_DS_SEL  0x0c06u
#define F_HOST_FS_SEL  0x0c08u
#define F_HOST_GS_SEL  0x0c0au
#define F_HOST_TR_SEL  0x0c0cu
/* 64-bit (the "high" access of each is encoding + 1) */
#define F_IO_BITMAP_A	 0x2000u
#define F_IO_BITMAP_B	 0x2002u
#define F_MSR_BITMAP	 0x2004u
#define F_EXIT_MSR_STORE 0x2006u
#define F_EXIT_MSR_LOAD	 0x2008u
#define F_ENTRY_MSR_LOAD 0x200au
#define F_TSC_OFFSET	 0x2010u
#define F_EPTP		 0x201au
#define F_VMREAD_BITMAP	 0x2026u
#define F_VMWRITE_BITMAP 0x2028u
#define F_GUEST_PHYS	 0x2400u
#define F_LINK_PTR	 0x2800u
#define F_GUEST_DEBUGCTL 0x2802u
#define F_GUEST_PAT	 0x2804u
#define F_GUEST_EFER	 0x2806u
#define F_GUEST_PDPTR0	 0x280au /* PDPTR1..3 follow, 2 apart */
#define F_HOST_PAT	 0x2c00u
#define F_HOST_EFER	 0x2c02u
/* 32-bit */
#define F_PIN		    0x4000u
#define F_PROC		    0x4002u
#define F_EXC_BITMAP	    0x4004u
#define F_PFEC_MASK	    0x4006u
#define F_PFEC_MATCH	    0x4008u
#define F_CR3_TARGET_CNT    0x400au
#define F_EXIT_CTLS	    0x400cu
#define F_EXIT_STORE_CNT    0x400eu
#define F_EXIT_LOAD_CNT	    0x4010u
#define F_ENTRY_CTLS	    0x4012u
#define F_ENTRY_LOAD_CNT    0x4014u
#define F_ENTRY_INTR	    0x4016u
#define F_ENTRY_ERRCODE	    0x4018u
#define F_ENTRY_INSN_LEN    0x401au
#define F_PROC2		    0x401eu
#define F_INSN_ERROR	    0x4400u
#define F_EXIT_REASON	    0x4402u
#define F_EXIT_INTR	    0x4404u
#define F_EXIT_INTR_ERR	    0x4406u
#define F_IDT_VEC	    0x4408u
#define F_IDT_VEC_ERR	    0x440au
#define F_EXIT_INSN_LEN	    0x440cu
#define F_EXIT_INSN_INFO    0x440eu
#define F_GUEST_ES_LIMIT    0x4800u /* same order as the selectors */
#define F_GUEST_GDTR_LIM    0x4810u
#define F_GUEST_IDTR_LIM    0x4812u
#define F_GUEST_ES_AR	    0x4814u
#define F_GUEST_CS_AR	    0x4816u
#define F_GUEST_TR_AR	    0x4822u
#define F_GUEST_INTR_STATE  0x4824u
#define F_GUEST_ACTIVITY    0x4826u
#define F_GUEST_SYSENTER_CS 0x482au
#define F_GUEST_PREEMPT	    0x482eu
#define F_HOST_SYSENTER_CS  0x4c00u
/* natural width */
#define F_CR0_MASK	     0x6000u
#define F_CR4_MASK	     0x6002u
#define F_CR0_SHADOW	     0x6004u
#define F_CR4_SHADOW	     0x6006u
#define F_CR3_TARGET0	     0x6008u
#define F_EXIT_QUAL	     0x6400u
#define F_GUEST_LINEAR	     0x640au
#define F_GUEST_CR0	     0x6800u
#define F_GUEST_CR3	     0x6802u
#define F_GUEST_CR4	     0x6804u
#define F_GUEST_ES_BASE	     0x6806u /* same order as the selectors */
#define F_GUEST_GDTR_BASE    0x6816u
#define F_GUEST_IDTR_BASE    0x6818u
#define F_GUEST_DR7	     0x681au
#define F_GUEST_RSP	     0x681cu
#define F_GUEST_RIP	     0x681eu
#define F_GUEST_RFLAGS	     0x6820u
#define F_GUEST_PENDING_DBG  0x6822u
#define F_GUEST_SYSENTER_ESP 0x6824u
#define F_GUEST_SYSENTER_EIP 0x6826u
#define F_HOST_CR0	     0x6c00u
#define F_HOST_CR3	     0x6c02u
#define F_HOST_CR4	     0x6c04u
#define F_HOST_FS_BASE	     0x6c06u
#define F_HOST_GS_BASE	     0x6c08u
#define F_HOST_TR_BASE	     0x6c0au
#define F_HOST_GDTR_BASE     0x6c0cu
#define F_HOST_IDTR_BASE     0x6c0eu
#define F_HOST_SYSENTER_ESP  0x6c10u
#define F_HOST_SYSENTER_EIP  0x6c12u
#define F_HOST_RSP	     0x6c14u
#define F_HOST_RIP	     0x6c16u

/* Segment order of the guest segment fields. */
enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR };

/* ---- controls (SDM Vol. 3C 25.6.1, 25.6.2, 25.7.1, 25.8.1) ---- */

#define PIN_EXTINT   (1u << 0)
#define PIN_NMI	     (1u << 3)
#define PIN_VIRT_NMI (1u << 5)
#define PIN_PREEMPT  (1u << 6)

#define PROC_INTR_WINDOW (1u << 2)
#define PROC_TSC_OFFSET	 (1u << 3)
#define PROC_HLT	 (1u << 7)
#define PROC_INVLPG	 (1u << 9)
#define PROC_RDTSC	 (1u << 12)
#define PROC_CR3_LOAD	 (1u << 15)
#define PROC_CR3_STORE	 (1u << 16)
#define PROC_CR8_LOAD	 (1u << 19)
#define PROC_CR8_STORE	 (1u << 20)
#define PROC_TPR_SHADOW	 (1u << 21)
#define PROC_NMI_WINDOW	 (1u << 22)
#define PROC_MOV_DR	 (1u << 23)
#define PROC_UNCOND_IO	 (1u << 24)
#define PROC_IO_BITMAPS	 (1u << 25)
#define PROC_MTF	 (1u << 27)
#define PROC_MSR_BITMAPS (1u << 28)
#define PROC_PAUSE	 (1u << 30)
#define PROC_SECONDARY	 (1u << 31)

#define PROC2_EPT	   (1u << 1)
#define PROC2_DESC	   (1u << 2)
#define PROC2_VPID	   (1u << 5)
#define PROC2_WBINVD	   (1u << 6)
#define PROC2_UNRESTRICTED (1u << 7)
#define PROC2_SHADOW_VMCS  (1u << 14)

#define EXIT_HOST_64	  (1u << 9)
#define EXIT_ACK_INTR	  (1u << 15)
#define EXIT_SAVE_EFER	  (1u << 20)
#define EXIT_LOAD_EFER	  (1u << 21)
#define EXIT_SAVE_PREEMPT (1u << 22)

#define ENTRY_IA32E	(1u << 9)
#define ENTRY_LOAD_EFER (1u << 15)

/* Exit reasons (SDM Vol. 3D Appendix C). */
#define EXIT_EXC_NMI	  0
#define EXIT_EXTINT	  1
#define EXIT_TRIPLE	  2
#define EXIT_INTR_WINDOW  7
#define EXIT_NMI_WINDOW	  8
#define EXIT_CPUID	  10
#define EXIT_HLT	  12
#define EXIT_INVD	  13
#define EXIT_INVLPG	  14
#define EXIT_RDTSC	  16
#define EXIT_VMCALL	  18
#define EXIT_VMCLEAR	  19
#define EXIT_VMLAUNCH	  20
#define EXIT_VMPTRLD	  21
#define EXIT_VMPTRST	  22
#define EXIT_VMREAD	  23
#define EXIT_VMRESUME	  24
#define EXIT_VMWRITE	  25
#define EXIT_VMXOFF	  26
#define EXIT_VMXON	  27
#define EXIT_CR		  28
#define EXIT_DR		  29
#define EXIT_IO		  30
#define EXIT_RDMSR	  31
#define EXIT_WRMSR	  32
#define EXIT_BAD_GUEST	  33
#define EXIT_BAD_MSR_LOAD 34
#define EXIT_PAUSE	  40
#define EXIT_DESC	  46
#define EXIT_EPT_VIOL	  48
#define EXIT_EPT_MISCONF  49
#define EXIT_INVEPT	  50
#define EXIT_PREEMPT	  52
#define EXIT_INVVPID	  53
#define EXIT_WBINVD	  54
#define EXIT_XSETBV	  55
#define EXIT_ENTRY_FAIL	  (1u << 31)

/* Interruption-information fields (SDM Vol. 3C 25.8.3, 25.9.2). */
#define INTR_VALID	 (1u << 31)
#define INTR_ERRCODE	 (1u << 11)
#define INTR_EXT	 (0u << 8)
#define INTR_NMI	 (2u << 8)
#define INTR_HW_EXC	 (3u << 8)
#define INTR_SW_INT	 (4u << 8)
#define INTR_PRIV_SW_EXC (5u << 8)
#define INTR_SW_EXC	 (6u << 8)

/* ---- capability MSRs (SDM Vol. 3D Appendix A) ---- */

#define MSR_FEATURE_CONTROL 0x3a
#define MSR_APIC_BASE	    0x1b
#define MSR_SYSENTER_CS	    0x174
#define MSR_SYSENTER_ESP    0x175
#define MSR_SYSENTER_EIP    0x176
#define MSR_PAT		    0x277
#define MSR_VMX_BASIC	    0x480
#define MSR_VMX_MISC	    0x485
#define MSR_EFER	    0xc0000080
#define MSR_FS_BASE	    0xc0000100
#define MSR_GS_BASE	    0xc0000101
#define MSR_KERNEL_GS_BASE  0xc0000102

struct vmx_caps {
	uint64_t basic, misc, ept_vpid;
	uint64_t pin, proc, proc2, exit, entry; /* allowed 0 (low) / 1 (high) */
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	uint32_t revision;
	unsigned maxphyaddr;
	bool true_ctls;
};

/* True if a control word may have all of bits set. */
static inline bool ctl_can(uint64_t cap, uint32_t bits)
{
	return ((uint32_t)(cap >> 32) & bits) == bits;
}

/* want, plus the bits the CPU requires, minus the ones it forbids. */
static inline uint32_t ctl_fix(uint64_t cap, uint32_t want)
{
	return (want | (uint32_t)cap) & (uint32_t)(cap >> 32);
}

/* ---- the environment (nvmx_env.c) ---- */

#define PAGE 4096ull

/* Test guest-physical layout in EPT12 (fixed, so details can show it). */
#define GPA_WINDOW   0x40000000ull	   /* GiB 1: the 4-KiB test pages */
#define GPA_REMAP_4K (GPA_WINDOW + 0x0000) /* -> data page 0 */
#define GPA_RO	     (GPA_WINDOW + 0x1000) /* read + execute only */
#define GPA_ABSENT   (GPA_WINDOW + 0x2000) /* not present */
#define GPA_NX	     (GPA_WINDOW + 0x3000) /* read + write only */
#define GPA_MISCONF  (GPA_WINDOW + 0x4000) /* write-only: misconfigured */
#define GPA_STACK    (GPA_WINDOW + 0x5000) /* absent until a test maps it */
#define GPA_REMAP_2M (GPA_WINDOW + 0x200000ull) /* 2-MiB page */
#define GPA_REMAP_1G 0x80000000ull		/* GiB 2: a 1-GiB page at 0 */
/* Above L2's identity map: every access there is a #PF in L2. */
#define LA_UNMAPPED 0x100000000ull

struct env {
	struct vmx_caps cap;
	uint64_t vmxon, vmcs, vmcs2, shadow; /* 4-KiB regions */
	uint64_t msr_bitmap, io_a, io_b, vmread_bm, vmwrite_bm;
	uint64_t msr_area; /* entry-load / exit-store / exit-load lists */
	uint64_t ept_pml4, ept_pt1; /* EPT12 root, the GiB-1 4-KiB table */
	uint64_t ept_pd3;	    /* GiB 3: only the local APIC's 2 MiB, UC */
	uint64_t l2_cr3, l2_idt, l2_stack_top, scratch;
	uint64_t data[4]; /* pages EPT12 maps at the test addresses */
	uint64_t rm_code; /* the real-mode L2's page */
	uint64_t gdt, tss;
	uint16_t gdt_limit, tr_sel, cs, ds, ss;
	uint64_t host_idt; /* the firmware's IDT */
	uint16_t host_idt_limit;
	uint64_t apic_base;
	bool x2apic, has_ept, has_vpid, has_ug, has_shadow, has_1g_ept;
	bool has_xsave;
};

extern struct env env HIDDEN;

/* Allocates memory, takes the CPU over for VMX; false if it cannot. */
bool env_init(void);
/* EPT12's leaf entry for GPA_WINDOW + i * 4 KiB. */
uint64_t *ept_pt1_entry(unsigned i);
/* EPTP for EPT12: WB, 4 levels. */
uint64_t env_eptp(void);
/* The identity/test EPT12 entries back to their start values. */
void ept_reset(void);
/* Self-IPI (fixed vector or NMI) through the local APIC. */
void apic_self_ipi(uint32_t icr_low);
void apic_eoi(void);
/* LVT timer and 8259 masks, so only our own interrupts arrive. */
void irq_quiet(void);
void irq_restore(void);

/* ---- VMX instructions (nvmx_vmx.c) ---- */

/* Outcome of a VMX instruction: VMsucceed, VMfailInvalid, or the error. */
#define VM_OK	   0
#define VM_INVALID (-1)
/* VMfailValid(n) is n itself (1..) */

int vmx_outcome(uint64_t rflags);
/* "VMsucceed", "VMfailInvalid" or "VMfailValid(n)" in a static buffer. */
const char *vmx_str(int outcome);
const char *vmx_str2(int outcome); /* a second buffer, for two in a line */

int vmxon(uint64_t pa);
int vmxoff(void);
int vmclear(uint64_t pa);
int vmptrld(uint64_t pa);
int vmptrst(uint64_t *pa);
int vmread(uint64_t field, uint64_t *v);
int vmwrite(uint64_t field, uint64_t v);
int vmread_mem(uint64_t field, uint64_t *v);
int vmwrite_mem(uint64_t field, const uint64_t *v);
int invept(uint64_t type, uint64_t eptp);
int invvpid(uint64_t type, uint64_t desc_lo, uint64_t desc_hi);

/* Convenience for setup: a failing VMWRITE/VMREAD is counted, not fatal. */
uint64_t vmr(uint32_t field);
void vmw(uint32_t field, uint64_t v);
void vmw_or(uint32_t field, uint64_t bits);
void vmw_clear(uint32_t field, uint64_t bits);
extern unsigned vmx_setup_failures HIDDEN;

/* ---- running L2 (nvmx_vm.c, nvmx_l2.asm) ---- */

struct l2_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

/*
 * nvmx_l2.asm: VMLAUNCH (launch != 0) or VMRESUME with regs loaded; returns
 * 0 when L2 exited (regs then hold L2's), else RFLAGS of the failed entry.
 */
uint64_t nvmx_enter(struct l2_regs *regs, int launch);
extern const char nvmx_host_entry[] HIDDEN;
/* An IRET to the next instruction: ends NMI blocking (nvmx_l2.asm). */
void nvmx_iret_self(void);

struct exit_info {
	int entry; /* VM_OK if VM entry happened (or failed late), else fail */
	uint32_t reason, intr, intr_err, idt, idt_err, len, insn_info;
	uint64_t qual, rip, gpa, gla, rflags;
};

struct vm {
	struct l2_regs r;
	struct exit_info x;
	uint64_t entry_rip; /* where the test's L2 code starts */
	bool launched;
};

enum l2_mode { L2_LONG, L2_PROT32, L2_REAL };

/* VMCLEAR + VMPTRLD the main VMCS and write a full, valid setup. */
void vm_init(struct vm *vm, enum l2_mode mode, const void *rip);
/* VMLAUNCH or VMRESUME as the launch state needs; fills vm->x. */
int vm_run(struct vm *vm);
/* Guest RIP += the exit's instruction length, then vm_run. */
int vm_skip_run(struct vm *vm);
/* Guest RIP relative to the test's start, for details. */
long vm_rip_off(const struct vm *vm);
/* Short text of an exit: "exit 18" / "entry VMfailValid(7)" / ... */
const char *vm_exit_str(const struct vm *vm);

/* What L2's IDT handlers (nvmx_l2.asm) record, then they VMCALL. */
struct l2_event {
	uint64_t vector, error, rip, cs, rflags, rsp, cr2, count;
};
extern volatile struct l2_event l2_ev HIDDEN;
#define L2_EVENT_MAGIC 0x45564e54u /* RAX at the handler's VMCALL */
#define L2_NO_ERROR    (~0ull)	   /* error field for vectors without */

/* L2 code in nvmx_l2.asm. */
#define L2_STUB(n) extern const char n[] HIDDEN
L2_STUB(l2_vectors);
L2_STUB(l2_vmcall);
L2_STUB(l2_cpuid);
L2_STUB(l2_hlt);
L2_STUB(l2_out81);
L2_STUB(l2_in81);
L2_STUB(l2_out80);
L2_STUB(l2_out_span);
L2_STUB(l2_outsb);
L2_STUB(l2_rdmsr);
L2_STUB(l2_wrmsr);
L2_STUB(l2_msr_swap);
L2_STUB(l2_mov_cr0);
L2_STUB(l2_read_crs);
L2_STUB(l2_mov_cr3);
L2_STUB(l2_read_cr3);
L2_STUB(l2_mov_cr8);
L2_STUB(l2_read_cr8);
L2_STUB(l2_clts);
L2_STUB(l2_lmsw);
L2_STUB(l2_mov_dr7);
L2_STUB(l2_ud2);
L2_STUB(l2_load_ds);
L2_STUB(l2_load);
L2_STUB(l2_store);
L2_STUB(l2_call);
L2_STUB(l2_int3);
L2_STUB(l2_icebp);
L2_STUB(l2_spin);
L2_STUB(l2_icr_mmio);
L2_STUB(l2_icr_msr);
L2_STUB(l2_sti);
L2_STUB(l2_iret);
L2_STUB(l2_iret_next);
L2_STUB(l2_invlpg);
L2_STUB(l2_rdtsc);
L2_STUB(l2_invd);
L2_STUB(l2_xsetbv);
L2_STUB(l2_pause);
L2_STUB(l2_wbinvd);
L2_STUB(l2_sgdt);
L2_STUB(l2_nop2);
L2_STUB(l2_vmxon);
L2_STUB(l2_vmclear);
L2_STUB(l2_vmptrld);
L2_STUB(l2_vmptrst);
L2_STUB(l2_vmread);
L2_STUB(l2_vmwrite);
L2_STUB(l2_vmread_mem);
L2_STUB(l2_vmlaunch);
L2_STUB(l2_vmresume);
L2_STUB(l2_vmxoff);
L2_STUB(l2_invept);
L2_STUB(l2_invvpid);
L2_STUB(l2_pm32);
L2_STUB(l2_pae_cr3);
L2_STUB(l2_rm_start);
L2_STUB(l2_rm_gdt);
L2_STUB(l2_rm_gdtr);
L2_STUB(l2_rm_end);
L2_STUB(l2_rm_out);
L2_STUB(l2_rm_cpuid);

/* ---- the check groups ---- */

/* nvmx_insn.c: VMXON .. VMPTRST; false if VMX operation could not start. */
bool check_vmxon_group(void);
void check_vmcs_access(void);	 /* nvmx_insn.c: VMREAD / VMWRITE */
void check_inv(void);		 /* nvmx_insn.c: INVEPT / INVVPID */
void check_vmxoff(void);	 /* nvmx_insn.c: VMXOFF, VMXON again */
void check_entry_failures(void); /* nvmx_entry.c */
void check_exits(void);		 /* nvmx_exits.c */
void check_l2_vmx_exits(void);	 /* nvmx_exits.c */
void check_ept(void);		 /* nvmx_ept.c */
void check_events(void);	 /* nvmx_events.c */
void check_modes(void);		 /* nvmx_modes.c */
void check_shadow(void);	 /* nvmx_modes.c */
void check_msr_lists(void);	 /* nvmx_modes.c */
void check_nmi_from_l2(void);	 /* nvmx_events.c */

/* "<guest>: SKIP <name> <what> not advertised" for a check (check_skip). */
void skip(const char *name, const char *what);

#endif
