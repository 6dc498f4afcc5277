/* SPDX-License-Identifier: Apache-2.0 */
/* VMX control bits (SDM Vol. 3C 25.6, 25.7, 25.8) and exit reasons (Appendix C). */
#ifndef VMX_CONTROLS_H
#define VMX_CONTROLS_H

/* 25.6.1 pin-based */
#define PIN_EXTINT_EXITING (1u << 0)
#define PIN_NMI_EXITING (1u << 3)
#define PIN_VIRTUAL_NMIS (1u << 5)
#define PIN_PREEMPTION_TIMER (1u << 6)

/* 25.6.2 primary processor-based */
#define CPU_INTR_WINDOW_EXITING (1u << 2)
#define CPU_USE_TSC_OFFSETTING (1u << 3)
#define CPU_HLT_EXITING (1u << 7)
#define CPU_CR3_LOAD_EXITING (1u << 15)
#define CPU_CR3_STORE_EXITING (1u << 16)
#define CPU_NMI_WINDOW_EXITING (1u << 22)
#define CPU_UNCOND_IO_EXITING (1u << 24)
#define CPU_USE_IO_BITMAPS (1u << 25)
#define CPU_MONITOR_TRAP_FLAG (1u << 27)
#define CPU_USE_MSR_BITMAPS (1u << 28)
#define CPU_SECONDARY_CONTROLS (1u << 31)

/* secondary processor-based */
#define SEC_ENABLE_EPT (1u << 1)
#define SEC_ENABLE_RDTSCP (1u << 3)
#define SEC_ENABLE_VPID (1u << 5)
#define SEC_UNRESTRICTED_GUEST (1u << 7)
#define SEC_ENABLE_INVPCID (1u << 12)
#define SEC_SHADOW_VMCS (1u << 14)
#define SEC_ENABLE_XSAVES (1u << 20)
#define SEC_ENABLE_USER_WAIT_PAUSE (1u << 26)
#define SEC_NOTIFY_VM_EXITING (1u << 31) /* SDM Vol. 3C 25.6.2 */

/* 25.7.1 VM-exit controls */
#define EXIT_SAVE_DEBUG_CONTROLS (1u << 2)
#define EXIT_HOST_ADDR_SPACE_SIZE (1u << 9)
#define EXIT_ACK_INTR_ON_EXIT (1u << 15)
#define EXIT_SAVE_IA32_PAT (1u << 18)
#define EXIT_LOAD_IA32_PAT (1u << 19)
#define EXIT_SAVE_IA32_EFER (1u << 20)
#define EXIT_LOAD_IA32_EFER (1u << 21)
#define EXIT_SAVE_PREEMPTION_TIMER (1u << 22)

/* 25.8.1 VM-entry controls */
#define ENTRY_LOAD_DEBUG_CONTROLS (1u << 2)
#define ENTRY_IA32E_MODE (1u << 9)
#define ENTRY_LOAD_IA32_PAT (1u << 14)
#define ENTRY_LOAD_IA32_EFER (1u << 15)

/* 25.8.3 VM-entry interruption information / 25.9.2 exit interruption information */
#define INTR_INFO_VALID (1u << 31)
#define INTR_INFO_DELIVER_CODE (1u << 11)
#define INTR_INFO_NMI_UNBLOCKED_BY_IRET (1u << 12)
#define INTR_TYPE_EXT_INTR (0u << 8)
#define INTR_TYPE_NMI (2u << 8)
#define INTR_TYPE_HW_EXCEPTION (3u << 8)
#define INTR_TYPE_SW_INTR (4u << 8)
#define INTR_TYPE_PRIV_SW_EXCEPTION (5u << 8)
#define INTR_TYPE_SW_EXCEPTION (6u << 8)
#define INTR_TYPE_MASK (7u << 8)

/* 25.4.2 guest interruptibility state */
#define INTERRUPTIBILITY_STI (1u << 0)
#define INTERRUPTIBILITY_MOV_SS (1u << 1)
#define INTERRUPTIBILITY_SMI (1u << 2)
#define INTERRUPTIBILITY_NMI (1u << 3)

/* 25.4.2 activity states */
#define ACTIVITY_ACTIVE 0
#define ACTIVITY_HLT 1
#define ACTIVITY_SHUTDOWN 2
#define ACTIVITY_WAIT_SIPI 3

/* Appendix C: basic exit reasons */
#define EXIT_EXCEPTION_NMI 0
#define EXIT_EXTERNAL_INTERRUPT 1
#define EXIT_TRIPLE_FAULT 2
#define EXIT_INIT 3
#define EXIT_SIPI 4
#define EXIT_INTERRUPT_WINDOW 7
#define EXIT_NMI_WINDOW 8
#define EXIT_TASK_SWITCH 9
#define EXIT_CPUID 10
#define EXIT_GETSEC 11
#define EXIT_HLT 12
#define EXIT_INVD 13
#define EXIT_INVLPG 14
#define EXIT_RDPMC 15
#define EXIT_RDTSC 16
#define EXIT_RSM 17
#define EXIT_VMCALL 18
#define EXIT_VMCLEAR 19
#define EXIT_VMLAUNCH 20
#define EXIT_VMPTRLD 21
#define EXIT_VMPTRST 22
#define EXIT_VMREAD 23
#define EXIT_VMRESUME 24
#define EXIT_VMWRITE 25
#define EXIT_VMXOFF 26
#define EXIT_VMXON 27
#define EXIT_CR_ACCESS 28
#define EXIT_DR_ACCESS 29
#define EXIT_IO_INSTRUCTION 30
#define EXIT_MSR_READ 31
#define EXIT_MSR_WRITE 32
#define EXIT_INVALID_GUEST_STATE 33
#define EXIT_MSR_LOADING 34
#define EXIT_MWAIT 36
#define EXIT_MTF 37
#define EXIT_MONITOR 39
#define EXIT_PAUSE 40
#define EXIT_MACHINE_CHECK 41
#define EXIT_TPR_BELOW_THRESHOLD 43
#define EXIT_APIC_ACCESS 44
#define EXIT_GDTR_IDTR 46
#define EXIT_LDTR_TR 47
#define EXIT_EPT_VIOLATION 48
#define EXIT_EPT_MISCONFIG 49
#define EXIT_INVEPT 50
#define EXIT_RDTSCP 51
#define EXIT_PREEMPTION_TIMER 52
#define EXIT_INVVPID 53
#define EXIT_WBINVD 54
#define EXIT_XSETBV 55
#define EXIT_APIC_WRITE 56
#define EXIT_RDRAND 57
#define EXIT_INVPCID 58
#define EXIT_VMFUNC 59
#define EXIT_ENCLS 60
#define EXIT_RDSEED 61
#define EXIT_PML_FULL 62
#define EXIT_XSAVES 63
#define EXIT_XRSTORS 64
#define EXIT_UMWAIT 67
#define EXIT_TPAUSE 68
#define EXIT_BUS_LOCK 74
#define EXIT_NOTIFY 75
#define EXIT_REASON_COUNT 76

#define EXIT_REASON_ENTRY_FAILURE (1u << 31)

/* Exception vectors L0 injects */
#define VEC_DB 1
#define VEC_NMI 2
#define VEC_UD 6
#define VEC_PF 14
#define VEC_GP 13
#define VEC_AC 17

#endif
