/* SPDX-License-Identifier: Apache-2.0 */
/* attack-acloop: tests/guests/attack_guard.c with GUARD_KIND ACLOOP. */
#define GUARD_KIND GUARD_ACLOOP
#define GUARD_NAME "attack-acloop"
#include "tests/guests/attack_guard.c"
