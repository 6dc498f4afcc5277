/* SPDX-License-Identifier: Apache-2.0 */
/* attack-istloop: tests/guests/attack_guard.c with GUARD_KIND ISTLOOP. */
#define GUARD_KIND GUARD_ISTLOOP
#define GUARD_NAME "attack-istloop"
#include "tests/guests/attack_guard.c"
