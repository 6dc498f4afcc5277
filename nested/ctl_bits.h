/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VMX control bits and exit reasons that nested/ needs and vmx/controls.h
 * does not define (yet). Prefixed NCTL_ / NEXIT_ so that they cannot clash
 * with names vmx/controls.h may gain later.
 */
#ifndef NESTED_CTL_BITS_H
#define NESTED_CTL_BITS_H

/* SDM Vol. 3C 25.6.2, Table 25-6: primary processor-based controls */
#define NCTL_PROC_INVLPG_EXITING    (1u << 9)
#define NCTL_PROC_MWAIT_EXITING	    (1u << 10)
#define NCTL_PROC_RDPMC_EXITING	    (1u << 11)
#define NCTL_PROC_RDTSC_EXITING	    (1u << 12)
#define NCTL_PROC_CR8_LOAD_EXITING  (1u << 19)
#define NCTL_PROC_CR8_STORE_EXITING (1u << 20)
#define NCTL_PROC_MOV_DR_EXITING    (1u << 23)
#define NCTL_PROC_MTF		    (1u << 27)
#define NCTL_PROC_MONITOR_EXITING   (1u << 29)
#define NCTL_PROC_PAUSE_EXITING	    (1u << 30)

/* SDM Vol. 3C 25.6.2, Table 25-7: secondary processor-based controls */
#define NCTL_PROC2_DESC_TABLE_EXITING (1u << 2)
#define NCTL_PROC2_ENABLE_RDTSCP      (1u << 3)
#define NCTL_PROC2_WBINVD_EXITING     (1u << 6)
#define NCTL_PROC2_PAUSE_LOOP_EXITING (1u << 10)
#define NCTL_PROC2_RDRAND_EXITING     (1u << 11)
#define NCTL_PROC2_ENABLE_INVPCID     (1u << 12)
#define NCTL_PROC2_RDSEED_EXITING     (1u << 16)
#define NCTL_PROC2_USER_WAIT_PAUSE    (1u << 26)

/* SDM Vol. 3C Appendix C: basic exit reasons missing from vmx/controls.h */
#define NEXIT_IO_SMI	      5
#define NEXIT_OTHER_SMI	      6
#define NEXIT_VIRTUALIZED_EOI 45
#define NEXIT_SPP_EVENT	      66
#define NEXIT_LOADIWKEY	      69
#define NEXIT_ENCLV	      70
#define NEXIT_ENQCMD_PASID    72
#define NEXIT_ENQCMDS_PASID   73

#endif
