/* SPDX-License-Identifier: Apache-2.0 */
#include "core/panic.h"

#include <stdarg.h>

#include "arch/x86/cpu.h"
#include "lib/fmt.h"
#include "lib/log.h"

void cpu_stop(void)
{
	log_err("cpu halted");
	cpu_halt_forever();
	__builtin_unreachable();
}

void panic(const char *fmt, ...)
{
	char reason[160];
	va_list ap;
	uint64_t rsp, rbp;

	__asm__ volatile("mov %%rsp, %0; mov %%rbp, %1" : "=r"(rsp), "=r"(rbp));
	va_start(ap, fmt);
	fmt_vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	log_err("PANIC: %s", reason);
	log_err("  caller %p rsp %p rbp %p rflags 0x%lx", __builtin_return_address(0),
		(void *)rsp, (void *)rbp, read_rflags());
	log_err("  cr0 0x%lx cr2 0x%lx cr3 0x%lx cr4 0x%lx", read_cr0(), read_cr2(),
		read_cr3(), read_cr4());
	cpu_stop();
}
