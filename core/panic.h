/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CORE_PANIC_H
#define CORE_PANIC_H

/* Prints the reason and this CPU's registers, then halts this CPU for good. */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

/* Halts this CPU for good after saying so. */
__attribute__((noreturn)) void cpu_stop(void);

#endif
