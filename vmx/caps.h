/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The VMX survey: raw capability MSRs of one CPU (read by the loader on every
 * CPU), their decoding, Matryoshka's requirements and the printed table.
 * Everything here but the reader is pure logic, unit-tested on the host with
 * MSR values recorded on Bochs.
 */
#ifndef VMX_CAPS_H
#define VMX_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Raw values as read from one CPU. Fields past what the CPU has stay 0. */
struct vmx_msrs {
	uint32_t cpuid1_ecx;      /* CPUID.1:ECX (bit 5 = VMX) */
	uint64_t feature_control; /* IA32_FEATURE_CONTROL before the survey touched it */
	bool has_vmx_msrs;        /* 0x480.. were read (only when CPUID says VMX) */
	uint64_t basic, pinbased, procbased, exit, entry, misc;
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1, vmcs_enum;
	uint64_t procbased2;   /* 0 unless procbased allows secondary controls */
	uint64_t ept_vpid;     /* 0 unless procbased2 allows EPT or VPID */
	uint64_t true_pinbased, true_procbased, true_exit, true_entry; /* 0 unless basic bit 55 */
	uint64_t vmfunc;       /* 0 unless procbased2 allows VM functions */
	uint64_t procbased3;   /* 0 unless procbased allows tertiary controls */
};

/* What IA32_FEATURE_CONTROL means for us (SDM 24.7). */
enum fc_verdict {
	FC_OK,           /* locked with VMX outside SMX enabled */
	FC_MUST_ENABLE,  /* unlocked: write fc_enable_value() and lock */
	FC_LOCKED_OFF,   /* locked with VMX outside SMX disabled: firmware setting */
};
enum fc_verdict fc_judge(uint64_t feature_control);
uint64_t fc_enable_value(uint64_t feature_control);

/*
 * A control field's allowed settings (SDM Vol. 3D A.3-A.5): a bit set in
 * must1 (allowed-0 settings, low half of the MSR) has to be 1 in the VMCS, a
 * bit clear in may1 (allowed-1 settings, high half) has to be 0.
 */
struct vmx_ctl_allowed {
	uint32_t must1, may1;
};

struct vmx_caps {
	bool vmx;                   /* CPUID.1:ECX.VMX */
	uint32_t revision;          /* VMCS revision identifier */
	uint32_t vmcs_size;         /* bytes, basic[44:32] */
	bool phys_addr_32;          /* basic[48]: VMXON/VMCS addresses limited to 32 bits */
	bool vmcs_wb;               /* basic[53:50] == 6 */
	bool true_ctls;             /* basic[55] */
	bool secondary_ctls;        /* procbased allowed-1 bit 31 */
	bool tertiary_ctls;         /* procbased allowed-1 bit 17 */
	bool msr_bitmaps;           /* procbased allowed-1 bit 28 */
	bool io_bitmaps;            /* procbased allowed-1 bit 25 */
	bool ept;                   /* procbased2 allowed-1 bit 1 */
	bool ept_walk4;             /* ept_vpid bit 6 */
	bool ept_walk5;             /* ept_vpid bit 7 */
	bool ept_wb;                /* ept_vpid bit 14 */
	bool ept_uc;                /* ept_vpid bit 8 */
	bool ept_2m, ept_1g;        /* ept_vpid bits 16, 17 */
	bool ept_ad;                /* ept_vpid bit 21 */
	bool invept, invept_single, invept_all; /* ept_vpid bits 20, 25, 26 */
	bool vpid;                  /* procbased2 allowed-1 bit 5 */
	bool invvpid;               /* ept_vpid bit 32 */
	bool unrestricted_guest;    /* procbased2 allowed-1 bit 7 */
	bool vmcs_shadowing;        /* procbased2 allowed-1 bit 14 */
	bool pml;                   /* procbased2 allowed-1 bit 17 */
	bool notify_exit;           /* procbased2 allowed-1 bit 31 */
	bool vmfunc;                /* procbased2 allowed-1 bit 13 */
	bool preemption_timer;      /* pinbased allowed-1 bit 6 */
	uint8_t preemption_rate;    /* misc[4:0]: timer ticks every 2^rate TSC cycles */
	bool posted_interrupts;     /* pinbased allowed-1 bit 7 */
	bool unrestricted_actstate_hlt, actstate_shutdown, actstate_wait_sipi; /* misc bits 6..8 */
	bool exit_host_64;          /* exit allowed-1 bit 9 (host address-space size) */
	bool exit_save_efer, exit_load_efer; /* exit allowed-1 bits 20, 21 */
	bool exit_save_pat, exit_load_pat;   /* exit allowed-1 bits 18, 19 */
	bool entry_ia32e;           /* entry allowed-1 bit 9 */
	bool entry_load_efer, entry_load_pat; /* entry allowed-1 bits 15, 14 */
	uint32_t max_msr_list;      /* 512 * (misc[27:25] + 1) */
	uint16_t vmcs_max_index;    /* vmcs_enum[9:1] (9 bits) */
	bool mtf;                   /* procbased allowed-1 bit 27 (monitor trap flag) */
	bool invvpid_addr, invvpid_single, invvpid_all, invvpid_single_globals; /* ept_vpid bits 40..43 */
	bool vmfunc_eptp_switching; /* vmfunc bit 0 */
	/* From the TRUE_* MSRs when true_ctls; zero where the field is unavailable. */
	struct vmx_ctl_allowed pin_ctls, proc_ctls, proc2_ctls, exit_ctls, entry_ctls;
};

/* Decodes raw MSRs; never fails (a CPU without VMX gives vmx = false). */
void vmx_caps_decode(const struct vmx_msrs *m, struct vmx_caps *c);

/*
 * Lists what Matryoshka requires and this CPU lacks, as one sentence each
 * (static strings, no "VMX not usable:" prefix). Returns how many there are
 * (may exceed max; only max are stored). fc is the feature-control verdict.
 */
size_t vmx_caps_missing(const struct vmx_caps *c, enum fc_verdict fc,
                        const char **out, size_t max);

/*
 * Emits the capability table a line at a time (no newline in line), e.g.
 * "  EPT                 yes (4-level walk, WB, 2M+1G pages, A/D)".
 */
typedef void (*vmx_caps_line_fn)(const char *line, void *ctx);
void vmx_caps_table(const struct vmx_caps *c, vmx_caps_line_fn emit, void *ctx);

#endif
