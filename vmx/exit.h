/* SPDX-License-Identifier: Apache-2.0 */
/* Exit handlers, one per exit reason (the table is in vmx/exit.c). */
#ifndef VMX_EXIT_H
#define VMX_EXIT_H

#include "vmx/vcpu.h"

typedef enum exit_action (*exit_handler)(struct vcpu *v);

enum exit_action exit_cpuid(struct vcpu *v);
enum exit_action exit_rdmsr(struct vcpu *v);
enum exit_action exit_wrmsr(struct vcpu *v);
enum exit_action exit_cr_access(struct vcpu *v);
enum exit_action exit_xsetbv(struct vcpu *v);
enum exit_action exit_invd(struct vcpu *v);
enum exit_action exit_getsec(struct vcpu *v);
enum exit_action exit_vmcall(struct vcpu *v);
enum exit_action exit_init(struct vcpu *v);
enum exit_action exit_triple_fault(struct vcpu *v);
enum exit_action exit_ept_violation(struct vcpu *v);
enum exit_action exit_ept_misconfig(struct vcpu *v);

/* Prints every vCPU's non-zero exit counters (the hypercall and the log). */
void exit_print_counters(void);
const char *exit_reason_name(unsigned reason);

#endif
