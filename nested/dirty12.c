/* SPDX-License-Identifier: Apache-2.0 */
/* Sets of vmcs12 fields (nested/dirty12.h). */
#include "nested/dirty12.h"

void dirty12_of(struct dirty12 *d, const uint16_t *slots, unsigned n)
{
	dirty12_clear(d);
	for (unsigned i = 0; i < n; i++)
		dirty12_mark(d, slots[i]);
}
