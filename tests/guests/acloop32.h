/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The literal CVE-2015-5307 #AC loop in an L2 of the payload's hypervisor
 * (tests/guests/acloop32.c): 32-bit protected mode, CPL 3, alignment checks
 * on, a misaligned stack, #AC's gate leading to a CPL-3 handler on that
 * stack.
 */
#ifndef TESTS_GUESTS_ACLOOP32_H
#define TESTS_GUESTS_ACLOOP32_H

#include <stdbool.h>
#include <stdint.h>

#include "tests/guests/nvmx.h"

/* The L2's and L1's tables, code and stacks in three pages below 1 GiB (EPT12's reach);
 * false without memory. Needs env_init first. */
bool acloop32_init(void);
/* vm_init for that L2 (unrestricted guest), with exc_bitmap in vmcs12. */
void acloop32_vm(struct vm *vm, uint32_t exc_bitmap);
/*
 * The reference, with #AC intercepted in the VMCS (bare Bochs: the CPU's
 * own behaviour; under L0: what L0 reflects): the PUSH's #AC is an exit,
 * and re-injecting it exits again with #AC whose IDT-vectoring information
 * is the #AC being delivered (SDM Vol. 3A 6.15 "#AC", 6.12.1; Vol. 3C
 * 28.2.4). Two check lines; true if both pass.
 */
bool acloop32_reference(struct vm *vm);
/* The same loop in L1 itself on the calling CPU: leaves IA-32e mode, never
 * returns. Interrupts off. */
__attribute__((noreturn)) void acloop32_l1(void);

#endif
