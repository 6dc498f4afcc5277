/* SPDX-License-Identifier: Apache-2.0 */
#include "tests/guests/nvmx_detail.h"

#include <stdarg.h>

#include "lib/fmt.h"

static char detail[180];
static size_t used;

void dstart(void)
{
	used = 0;
	detail[0] = 0;
}

void dadd(const char *fmt, ...)
{
	va_list ap;

	if (used >= sizeof(detail) - 1)
		return;
	va_start(ap, fmt);
	int n = fmt_vsnprintf(detail + used, sizeof(detail) - used, fmt, ap);

	va_end(ap);
	if (n > 0)
		used += (size_t)n;
	if (used > sizeof(detail) - 1)
		used = sizeof(detail) - 1;
}

bool dcheck(const char *name, bool pass)
{
	return check(name, pass, "%s", detail);
}

bool dexit(const struct vm *vm, const struct want *w)
{
	const struct exit_info *x = &vm->x;
	bool ok;

	dadd("%s", vm_exit_str(vm));
	ok = x->entry == VM_OK && x->reason == w->reason;
	if (x->entry != VM_OK || (x->reason & EXIT_ENTRY_FAIL))
		return false;
	if (w->what & W_INTR) {
		dadd(", interruption info 0x%x", x->intr);
		ok &= x->intr == w->intr;
		if (x->intr & INTR_ERRCODE) {
			dadd(" error 0x%x", x->intr_err);
			ok &= x->intr_err == w->intr_err;
		}
	}
	if (w->what & W_QUAL) {
		dadd(", qualification 0x%lx", x->qual);
		ok &= x->qual == w->qual;
	}
	if (w->what & W_LEN) {
		dadd(", length %u", x->len);
		ok &= x->len == w->len;
	}
	if (w->what & W_RIP) {
		dadd(" at +%ld", vm_rip_off(vm));
		ok &= vm_rip_off(vm) == w->rip;
	}
	return ok;
}
